"""The /auth/ page in a real browser (Debian's chromium + chromedriver, headless).

A local server plays the ALB: it sends /auth and /auth/* to the function's handler as ALB
events, with an `x-amzn-oidc-data` header it signs like the ALB (a member who just logged in),
and answers anything else as the meeting page. The browser opens the page, types a room, sends
the form and must land on the meeting with a token prosody's rules accept. Screenshots go to
the test's tmp_path and ./test-artifacts/. No Chromium is a failure, never a skip:
`scripts/bootstrap.sh --dev` installs it.
"""

from __future__ import annotations

import base64
import html
import http.server
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from jitsi_ecs.auth.handler import FORM_PATH, ROOM_QUERY
from jitsi_ecs.tokens import ProsodyRules
from tests.unit.auth.fake_alb import APP_ID, SECRET, CountingMetrics, FakeAlb, app

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


class Alb:
    """127.0.0.1:<port> standing in for https://<domain>: the ALB in front of the function."""

    def __init__(self) -> None:
        self.fake = FakeAlb()
        self.metrics = CountingMetrics()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.app = app(self.fake, self.metrics, public_url=self.url)
        self.meetings: list[str] = []
        # What module jitsi sets as web's TOKEN_AUTH_URL while the page is on.
        self.token_auth_url = self.url + FORM_PATH + ROOM_QUERY

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        alb = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                path, _, query = self.path.partition("?")
                if not (path == "/auth" or path.startswith("/auth/")):
                    alb.meetings.append(self.path)
                    # Jitsi's "I am the host" for someone without a token: its tokenAuthUrl
                    # (TOKEN_AUTH_URL as the stack sets it) with {room} filled in.
                    room = html.escape(path.strip("/"))
                    host = html.escape(alb.token_auth_url.replace("{room}", room))
                    body = (
                        "<!doctype html><title>meeting</title><p>in the meeting</p>"
                        f'<a id="host" href="{host}">I am the host</a>'
                    ).encode()
                    self._send(200, {"content-type": "text/html"}, body)
                    return
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                headers["x-amzn-oidc-data"] = alb.fake.oidc_data(email="ada@example.com")
                form = headers.get("content-type", "").startswith("application/x-www-form")
                event: dict[str, Any] = {
                    "httpMethod": method,
                    "path": path,
                    "queryStringParameters": dict(urllib.parse.parse_qsl(query)),
                    "headers": headers,
                    "body": base64.b64encode(raw).decode() if form else raw.decode(),
                    "isBase64Encoded": form,
                }
                answer = alb.app.handle(event)
                self._send(answer["statusCode"], answer["headers"], answer["body"].encode())

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def alb() -> Iterator[Alb]:
    server = Alb()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.fail(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing: run `source scripts/bootstrap.sh --dev` "
            "(apt-get install chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1024,768",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver: webdriver.Chrome, tmp_path: Path, name: str) -> None:
    shot = tmp_path / name
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 1000
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / name)


def test_member_types_a_room_and_lands_in_the_meeting_with_a_token(
    alb: Alb, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    browser.get(f"{alb.url}/auth/")
    assert browser.title == "Start a meeting"
    # Accessible: a language, a labelled field with its rules described, one main landmark.
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    field = browser.find_element(By.ID, "room")
    label = browser.find_element(By.CSS_SELECTOR, "label[for='room']")
    assert label.text == "Room name" and field.get_attribute("required") is not None
    assert "room-help" in (field.get_attribute("aria-describedby") or "")
    assert len(browser.find_elements(By.TAG_NAME, "main")) == 1
    assert "Signed in as ada" in browser.find_element(By.TAG_NAME, "main").text

    field.send_keys("standup")
    _screenshot(browser, tmp_path, "auth-page.png")
    browser.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    WebDriverWait(browser, 20).until(
        lambda d: urllib.parse.urlsplit(d.current_url).path == "/standup"
    )

    landed = urllib.parse.urlsplit(browser.current_url)
    token = urllib.parse.parse_qs(landed.query)["jwt"][0]
    claims = ProsodyRules.for_deployment(APP_ID, SECRET).join(token, "standup")
    assert claims["context"]["user"]["email"] == "ada@example.com"
    assert claims["context"]["user"]["moderator"] is True
    assert alb.metrics.issued == 1 and alb.metrics.denied == []
    problems = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert problems == [], problems  # no CSP violation: the style hash matches


def test_a_room_jitsi_would_change_comes_back_with_the_reason(
    alb: Alb, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    browser.get(f"{alb.url}/auth/")
    field = browser.find_element(By.ID, "room")
    # The browser refuses it first (pattern); the function must refuse it too.
    browser.execute_script("arguments[0].removeAttribute('pattern')", field)
    field.send_keys("Stand Up")
    browser.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    alert = WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[role='alert']")
    )[0]
    assert "lower-cases room names" in alert.text and "my-room" not in alert.text
    assert browser.find_element(By.ID, "room").get_attribute("aria-invalid") == "true"
    assert browser.find_element(By.ID, "room").get_attribute("value") == "Stand Up"
    _screenshot(browser, tmp_path, "auth-page-error.png")
    assert alb.meetings == [] and alb.metrics.issued == 0


def test_the_host_of_a_plain_room_link_logs_in_and_lands_back_in_that_room(
    alb: Alb, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    """The redirect chain TOKEN_AUTH_URL makes: the plain room link, Jitsi's "I am the host",
    /auth/?room=<room> (after the ALB's login), the form filled in for that room, the
    meeting with a moderator token for it."""
    browser.get(f"{alb.url}/retro")
    browser.find_element(By.ID, "host").click()
    WebDriverWait(browser, 20).until(lambda d: d.title == "Start a meeting")
    asked = urllib.parse.urlsplit(browser.current_url)
    assert (asked.path, asked.query) == ("/auth/", "room=retro")
    assert browser.find_element(By.ID, "room").get_attribute("value") == "retro"
    _screenshot(browser, tmp_path, "auth-page-host.png")
    browser.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    WebDriverWait(browser, 20).until(lambda d: "jwt=" in urllib.parse.urlsplit(d.current_url).query)
    landed = urllib.parse.urlsplit(browser.current_url)
    assert landed.path == "/retro"
    token = urllib.parse.parse_qs(landed.query)["jwt"][0]
    claims = ProsodyRules.for_deployment(APP_ID, SECRET).join(token, "retro")
    assert claims["context"]["user"]["moderator"] is True
    meetings = [m for m in alb.meetings if m != "/favicon.ico"]
    assert meetings == ["/retro", landed.path + "?" + landed.query]

    # A room name Jitsi would not keep is not filled in (nor echoed): the member types one.
    browser.get(f"{alb.url}/auth/?room=Retro%20Two")
    assert browser.find_element(By.ID, "room").get_attribute("value") == ""
