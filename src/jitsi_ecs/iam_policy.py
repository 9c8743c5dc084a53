"""Reading IAM and resource policy documents the way AWS writes them: an element may be one
string or a list, `Statement` one object or a list, and IAM returns documents URL-encoded
on some paths. verify and the AWS layer read policies through these."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any


def document(raw: Any) -> dict[str, Any]:
    """A policy document as a dict, whether the API gave a dict, JSON or URL-encoded JSON."""
    if isinstance(raw, dict):
        return raw
    text = str(raw or "{}")
    try:
        return dict(json.loads(text))
    except json.JSONDecodeError:  # IAM's URL-encoded form
        return dict(json.loads(urllib.parse.unquote(text)))


def listed(value: Any) -> list[Any]:
    """A policy element (Action, Resource, a principal) as a list."""
    return [value] if isinstance(value, str) else list(value)


def allowing(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's Allow statements."""
    statements = doc.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    return [s for s in statements if s.get("Effect") == "Allow"]


def service_principals(statement: dict[str, Any]) -> list[str]:
    """The AWS service principals a statement names."""
    principal = statement.get("Principal", {})
    return listed(principal.get("Service", [])) if isinstance(principal, dict) else []
