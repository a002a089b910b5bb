"""The Query API for document queries (what OPA clients send), and the Compile API's refusal."""

from __future__ import annotations

import json

import httpx
import pytest

from privacy_pdp.core.engine import UNDEFINED
from privacy_pdp.server.errors import BadRequest
from privacy_pdp.server.routes.query import parse_query

DENY = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party", "name": "a; b := data.x"}}


def test_parse_statements_with_json_inputs_holding_separators() -> None:
    text = f"r0 := data.privacy.decision with input as {json.dumps(DENY)}; r1 := data.privacy.clauses"
    assert parse_query(text) == [("r0", "privacy/decision", DENY), ("r1", "privacy/clauses", UNDEFINED)]


@pytest.mark.parametrize("text", ["", "x := 1", "data.privacy.decision", "r := data.a with input as {",
                                  "r := data.a; y = 2", "r := data.a with data.b as 1", "r := data.a garbage",
                                  # JSON no decision may read: as the Data API refuses it
                                  'r := data.a with input as {"age": NaN}', 'r := data.a with input as {"age": 1e400}',
                                  'r := data.a with input as {"age": -Infinity}',
                                  'r := data.a with input as {"a": 1, "a": 2}', "r := data.a with input as " + "[" * 100_000])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(BadRequest):
        parse_query(text)


def test_bulk_query_answers_each_statement(client: httpx.Client) -> None:
    allow = {**DENY, "consents": ["marketing"]}
    query = f"r0 := data.privacy.decision with input as {json.dumps(DENY)}; r1 := data.privacy.decision with input as {json.dumps(allow)}"
    body = client.post("/v1/query", json={"query": query}).json()
    assert body["result"][0]["r0"]["allow"] is False and body["result"][0]["r1"]["allow"] is True


def test_query_input_and_undefined(client: httpx.Client) -> None:
    assert client.post("/v1/query", json={"query": "x := data.privacy.decision", "input": DENY}).json()["result"][0]["x"]["allow"] is False
    assert client.post("/v1/query", json={"query": "x := data.privacy.nothing"}).json() == {}


def test_bad_queries_are_400(client: httpx.Client) -> None:
    for body in ({"query": "x := input.a"}, {"q": 1}, [1]):
        response = client.post("/v1/query", json=body)
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid_parameter"


def test_get_query_answers_the_statements_in_q(client: httpx.Client) -> None:
    allow = {**DENY, "consents": ["marketing"]}
    query = f"r0 := data.privacy.decision with input as {json.dumps(allow)}; r1 := data.privacy.nothing"
    assert client.get("/v1/query", params={"q": f"r0 := data.privacy.decision with input as {json.dumps(allow)}"}
                      ).json()["result"][0]["r0"]["allow"] is True
    assert client.get("/v1/query", params={"q": query}).json() == {}  # one statement undefined: no result
    # OPA reads the last q; a pretty answer is indented
    response = client.get("/v1/query", params=[("q", "x := 1"), ("q", "c := data.privacy.clauses"), ("pretty", "")])
    assert response.status_code == 200 and response.text.startswith("{\n") and "kallu.sharing.direct_marketing" in response.json()["result"][0]["c"]


def test_get_query_without_q_or_with_other_rego_is_400(client: httpx.Client) -> None:
    for params in ({}, {"q": "x := input.a"}, {"query": "x := data.privacy.clauses"}):
        response = client.get("/v1/query", params=params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "invalid_parameter"
    assert client.get("/v1/query").json()["message"] == "missing parameter 'q'"


def test_compile_is_refused_clearly(client: httpx.Client) -> None:
    response = client.post("/v1/compile", json={"query": "data.privacy.decision.allow"})
    assert response.status_code == 404
    assert "partial evaluation" in response.json()["message"]
