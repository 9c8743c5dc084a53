"""The /auth/ page: one small form, plain HTML, no script, readable by a screen reader.

Landmarks, a labelled input with its rules described (aria-describedby), errors announced
(role="alert", aria-invalid), a visible focus ring, text contrast above WCAG AA. The styles are
one constant block whose hash goes into the Content-Security-Policy, so the page needs neither
'unsafe-inline' nor any other source.
"""

from __future__ import annotations

import base64
import hashlib
import html

STYLE = """
:root { color-scheme: light; font-family: system-ui, sans-serif; }
body { margin: 0; background: #f4f5f7; color: #1b1f24; }
main { max-width: 28rem; margin: 4rem auto; padding: 2rem; background: #fff;
       border-radius: 8px; box-shadow: 0 1px 3px rgba(0, 0, 0, .2); }
h1 { font-size: 1.5rem; margin-top: 0; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input { width: 100%; box-sizing: border-box; font-size: 1rem; padding: .5rem;
        border: 1px solid #57606a; border-radius: 4px; }
input[aria-invalid="true"] { border-color: #b3261e; }
.help { color: #4b535c; font-size: .9rem; margin: .25rem 0 1rem; }
.error { color: #b3261e; font-weight: 600; }
button { font-size: 1rem; padding: .6rem 1.2rem; border: 0; border-radius: 4px;
         background: #0b57d0; color: #fff; cursor: pointer; }
:focus-visible { outline: 3px solid #1b1f24; outline-offset: 2px; }
"""

STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()


def content_security_policy(public_url: str) -> str:
    # form-action covers the redirect after the form is sent: it ends on the meeting's site.
    return (
        f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; "
        f"form-action 'self' {public_url}; frame-ancestors 'none'; base-uri 'none'"
    )


def _document(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def form(
    who: str, suggestion: str, room: str = "", error: str | None = None, guests: bool = True
) -> str:
    """The room form; with error, the typed room comes back with the reason announced."""
    others = (
        "people with the plain room link join once you are in"
        if guests
        else "everyone else needs a link of their own"
    )
    intro = (
        f"<p>Signed in as <strong>{html.escape(who)}</strong>. You join as a moderator; "
        f"{others}.</p>\n"
    )
    invalid = ' aria-invalid="true"' if error else ""
    described = "room-error room-help" if error else "room-help"
    alert = (
        f'<p id="room-error" class="error" role="alert">{html.escape(error)}</p>\n' if error else ""
    )
    return _document(
        "Start a meeting",
        f"<h1>Start a meeting</h1>\n"
        f"{intro}"
        f'<form method="post" action="/auth/">\n'
        f'<label for="room">Room name</label>\n'
        f'<input id="room" name="room" type="text" list="rooms" required maxlength="128" '
        f'pattern="[a-z0-9_~\\-]+" autocomplete="off" autocapitalize="none" spellcheck="false" '
        f'value="{html.escape(room)}" aria-describedby="{described}"{invalid}>\n'
        f'<datalist id="rooms"><option value="{html.escape(suggestion)}"></option></datalist>\n'
        f"{alert}"
        '<p id="room-help" class="help">Lower-case letters, digits, - and _ (up to 128). '
        f"Pick the suggestion ({html.escape(suggestion)}) or type a name.</p>\n"
        '<button type="submit">Join the meeting</button>\n'
        "</form>",
    )


def message(title: str, text: str) -> str:
    """A page that only says something (denied, not found)."""
    return _document(title, f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(text)}</p>")
