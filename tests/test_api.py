"""OPA's Data API on a real server: shapes, status codes, errors."""

from __future__ import annotations

import uuid

import httpx

MARKETING = {
    "company": "kallu",
    "data_categories": ["user.contact.email"],
    "data_use": "marketing.communications.email",
    "recipient": {"kind": "third_party", "name": "Mailer Ltd"},
}


def test_post_decision_answers_result_and_decision_id(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision", json={"input": MARKETING})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"result", "decision_id"}
    uuid.UUID(body["decision_id"])
    result = body["result"]
    assert result["allow"] is False
    assert "kallu.sharing.direct_marketing" in {r["clause"] for r in result["reasons"]}
    assert all(r["effect"] == "deny" for r in result["reasons"])


def test_malformed_json_is_400_invalid_parameter_and_server_keeps_serving(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision", content=b'{"input": ')
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameter"
    assert body["message"].startswith("body contains malformed input document")
    assert client.post("/v1/data/privacy/decision", json={"input": MARKETING}).status_code == 200


def test_non_object_body_is_400(client: httpx.Client) -> None:
    for body in (b"[1]", b'"s"', b"42", b"true"):
        response = client.post("/v1/data/privacy/decision", content=body)
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid_parameter"


def test_missing_input_warns_and_still_decides(client: httpx.Client) -> None:
    for body in (b"", b"{}", b'{"input": null}'):
        response = client.post("/v1/data/privacy/decision", content=body)
        assert response.status_code == 200
        answer = response.json()
        assert answer["warning"]["code"] == "api_usage_warning"
        assert answer["result"]["allow"] is False  # no input: fail closed


def test_undefined_document_is_200_without_result(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/no_such_rule", json={"input": {}})
    assert response.status_code == 200
    assert "result" not in response.json()
    assert "decision_id" in response.json()


def test_get_with_input_parameter(client: httpx.Client) -> None:
    import json

    response = client.get("/v1/data/privacy/decision", params={"input": json.dumps(MARKETING)})
    assert response.json()["result"]["allow"] is False
    bad = client.get("/v1/data/privacy/decision", params={"input": "{nope"})
    assert bad.status_code == 400
    assert bad.json()["message"].startswith("parameter contains malformed input document")


def test_default_decision_takes_raw_input_and_answers_bare_value(client: httpx.Client) -> None:
    response = client.post("/", json=MARKETING)
    assert response.status_code == 200
    assert response.json()["allow"] is False


def test_v0_undefined_is_404_undefined_document(client: httpx.Client) -> None:
    response = client.post("/v0/data/privacy/no_such_rule", json={})
    assert response.status_code == 404
    assert response.json()["code"] == "undefined_document"
    assert response.json()["message"] == "document undefined: data.privacy.no_such_rule"


def test_v0_defined_answers_bare_value(client: httpx.Client) -> None:
    response = client.post("/v0/data/privacy/decision", json=MARKETING)
    assert response.json()["allow"] is False


def test_health(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {}


def test_trailing_slash_redirects_and_head_is_405(client: httpx.Client) -> None:
    response = client.get("/v1/data/privacy/clauses/", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"].endswith("/v1/data/privacy/clauses")
    assert client.head("/v1/data/privacy/clauses").status_code == 405


def test_pretty_indents(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision?pretty=true", json={"input": MARKETING})
    assert response.text.startswith("{\n  ")


def test_body_too_large_is_400(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision", content=b'{"input": "' + b"x" * (2 << 20) + b'"}')
    assert response.status_code == 400
    assert response.json()["message"] == "request body too large"


def test_clause_catalogue_is_served(client: httpx.Client) -> None:
    catalogue = client.get("/v1/data/privacy/clauses").json()["result"]
    assert "kallu.sharing.direct_marketing" in catalogue
    entry = catalogue["kallu.sharing.direct_marketing"]
    assert entry["status"] in {"encoded", "not_decidable"}
    assert {"company", "title", "summary", "source", "language", "status"} <= set(entry)


def test_unknown_route_is_json_404(client: httpx.Client) -> None:
    response = client.get("/v2/whatever")
    assert response.status_code == 404
    assert response.json()["code"] == "resource_not_found"


def test_non_json_number_constants_are_400(client: httpx.Client) -> None:
    for literal in (b"NaN", b"Infinity", b"-Infinity"):
        response = client.post("/v1/data/privacy/decision", content=b'{"input": {"subject": {"age": ' + literal + b"}}}")
        assert response.status_code == 400, literal
        assert response.json()["code"] == "invalid_parameter"


def test_extreme_float_is_a_deny_naming_the_field(client: httpx.Client) -> None:
    body = b'{"input": {"company": "kallu", "data_categories": ["user"], "data_use": "analytics", "recipient": {"kind": "first_party"}, "subject": {"age": 1.7976931348623157e308}}}'
    decision = client.post("/v1/data/privacy/decision", content=body).json()["result"]
    assert decision["allow"] is False
    assert "subject.age" in {r.get("field") for r in decision["reasons"]}
