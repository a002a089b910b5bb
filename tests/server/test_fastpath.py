"""The decision fast path (server/fastpath.py) answers as the framework route does.

Every request is sent twice: as clients send it (no query string: the fast path) and with
``?pretty=false`` (a parameter that changes nothing in the answer, and sends the request
through FastAPI's route). Status, body (but the decision id) and the headers that matter
must agree.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest

from privacy_pdp.server import fastpath

VALID = {
    "company": "callsapp",
    "action": "disclose",
    "data_categories": ["user.contact.phone_number"],
    "data_use": "essential.service",
    "recipient": {"kind": "service_provider", "under_contract": True},
    "subject": {"age": 30, "country": "US"},
}

# Long enough that its answer passes 1 KiB, so gzip applies to it.
MANY_REASONS = {**VALID, "data_categories": [f"user.unknown_{i}" for i in range(30)]}

REQUESTS: dict[str, tuple[str, bytes, dict[str, str]]] = {
    "valid": ("/v1/data/privacy/decision", json.dumps({"input": VALID}).encode(), {}),
    "invalid input, a deny": ("/v1/data/privacy/decision", b'{"input": {"company": 3}}', {}),
    "another document": ("/v1/data/privacy/request/company", json.dumps({"input": VALID}).encode(), {}),
    "undefined document": ("/v1/data/privacy/no/such/rule", b'{"input": {}}', {}),
    "empty body": ("/v1/data/privacy/decision", b"", {}),
    "null input": ("/v1/data/privacy/decision", b'{"input": null}', {}),
    "array body": ("/v1/data/privacy/decision", b"[1]", {}),
    "malformed": ("/v1/data/privacy/decision", b'{"input": ', {}),
    "duplicate keys": ("/v1/data/privacy/decision", b'{"input": {"company": "kallu", "company": "x"}}', {}),
    "too deep": ("/v1/data/privacy/decision", b'{"input": ' + b"[" * 70 + b"]" * 70 + b"}", {}),
    "too large": ("/v1/data/privacy/decision", b'{"input": "' + b"x" * (2 << 20) + b'"}', {}),
    "gzip body": ("/v1/data/privacy/decision", gzip.compress(json.dumps({"input": VALID}).encode()),
                  {"Content-Encoding": "gzip"}),
    "bad gzip": ("/v1/data/privacy/decision", b"not gzip", {"Content-Encoding": "gzip"}),
    "large answer, gzip accepted": ("/v1/data/privacy/decision", json.dumps({"input": MANY_REASONS}).encode(),
                                    {"Accept-Encoding": "gzip"}),
    "large answer, gzip not accepted": ("/v1/data/privacy/decision", json.dumps({"input": MANY_REASONS}).encode(),
                                        {"Accept-Encoding": "identity"}),
    "lone surrogate": ("/v1/data/privacy/decision", b'{"input": {"company": "\\ud800"}}', {}),
}

HEADERS = ("content-type", "content-encoding", "vary")


def _comparable(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    if isinstance(body, dict):
        body.pop("decision_id", None)
    return {"status": response.status_code, "body": body, **{h: response.headers.get(h) for h in HEADERS}}


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_the_fast_path_answers_as_the_framework_route(client: httpx.Client, name: str) -> None:
    path, content, headers = REQUESTS[name]
    fast = client.post(path, content=content, headers=headers)
    framework = client.post(path + "?pretty=false", content=content, headers=headers)
    assert _comparable(fast) == _comparable(framework)


def test_large_answers_really_are_gzipped_on_the_fast_path(client: httpx.Client) -> None:
    _, content, _ = REQUESTS["large answer, gzip accepted"]
    response = client.post("/v1/data/privacy/decision", content=content, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["result"]["allow"] is False


def test_only_requests_without_parameters_take_the_fast_path(client: httpx.Client, monkeypatch) -> None:
    taken: list[str] = []
    decide = fastpath.decide

    async def counting(services, path, input, **kwargs):  # type: ignore[no-untyped-def]
        taken.append(path)
        return await decide(services, path, input, **kwargs)

    monkeypatch.setattr(fastpath, "decide", counting)
    body = {"input": VALID}
    client.post("/v1/data/privacy/decision", json=body)
    client.post("/v1/data/privacy/decision?metrics", json=body)
    client.post("/v1/data/privacy/decision", content="input: {}\n", headers={"Content-Type": "application/yaml"})
    client.post("/v1/batch/data/privacy/decision", json={"inputs": {"a": VALID}})
    assert taken == ["privacy/decision"]


def test_a_log_that_refuses_the_event_is_a_503_on_both_paths(make_app) -> None:
    with make_app() as (client, log):
        log.refuse = "disk full"
        for suffix in ("", "?pretty=false"):
            response = client.post("/v1/data/privacy/decision" + suffix, json={"input": VALID})
            assert response.status_code == 503, suffix
            assert response.json() == {"code": "internal_error", "message": "decision log unavailable: disk full"}


def test_an_unexpected_failure_is_a_500_in_opas_shape_and_the_server_goes_on(client: httpx.Client,
                                                                               monkeypatch) -> None:
    async def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyError("boom")

    monkeypatch.setattr(fastpath, "decide", broken)
    response = client.post("/v1/data/privacy/decision", json={"input": VALID})
    assert response.status_code == 500
    assert response.json() == {"code": "internal_error", "message": "unexpected error: KeyError"}
    monkeypatch.undo()
    assert client.post("/v1/data/privacy/decision", json={"input": VALID}).status_code == 200
