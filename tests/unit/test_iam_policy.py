"""Policy documents as AWS writes them: one string or a list, one statement or a list."""

from __future__ import annotations

import json
import urllib.parse

from jitsi_ecs import iam_policy as policy

DOC = {
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "a:B"},
        {"Effect": "Deny", "Principal": "*", "Action": ["a:C"]},
    ]
}


def test_a_document_from_a_dict_json_or_url_encoded_json() -> None:
    text = json.dumps(DOC)
    assert policy.document(DOC) is DOC
    assert policy.document(text) == DOC
    assert policy.document(urllib.parse.quote(text)) == DOC
    assert policy.document(None) == {}


def test_elements_and_statements_as_lists() -> None:
    assert policy.listed("a:B") == ["a:B"] and policy.listed(["a:B", "a:C"]) == ["a:B", "a:C"]
    assert policy.allowing(DOC) == [DOC["Statement"][0]]
    assert policy.allowing({"Statement": DOC["Statement"][0]}) == [DOC["Statement"][0]]
    assert policy.service_principals(DOC["Statement"][0]) == ["sns.amazonaws.com"]
    assert policy.service_principals(DOC["Statement"][1]) == []
