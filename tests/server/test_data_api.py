"""OPA's Data API in process: shapes, status codes, query parameters, errors."""

from __future__ import annotations

import gzip
import json
import uuid

import httpx
import pytest

from server.doubles import MemoryDecisionLog

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
    assert response.text.endswith("}\n")
    body = response.json()
    assert set(body) == {"result", "decision_id"}
    uuid.UUID(body["decision_id"])
    result = body["result"]
    assert result["allow"] is False
    assert "kallu.sharing.direct_marketing" in {r["clause"] for r in result["reasons"]}
    assert all(r["effect"] == "deny" for r in result["reasons"])


def test_every_decision_gets_its_own_id(client: httpx.Client) -> None:
    ids = {client.post("/v1/data/privacy/decision", json={"input": MARKETING}).json()["decision_id"] for _ in range(5)}
    assert len(ids) == 5


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
    for body in (b"", b"{}", b"null", b'{"input": null}'):
        response = client.post("/v1/data/privacy/decision", content=body)
        assert response.status_code == 200
        answer = response.json()
        assert answer["warning"] == {"code": "api_usage_warning", "message": "'input' key missing from the request"}
        assert answer["result"]["allow"] is False  # no input: fail closed
        assert "decision_id" in answer


def test_any_json_type_is_an_input(client: httpx.Client) -> None:
    for value in (1, "text", [1, 2], False):
        answer = client.post("/v1/data/privacy/decision", json={"input": value}).json()
        assert answer["result"]["allow"] is False
        assert "invalid_input" in {r["code"] for r in answer["result"]["reasons"]}


def test_undefined_document_is_200_without_result(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/no_such_rule", json={"input": {}})
    assert response.status_code == 200
    assert "result" not in response.json()
    assert "decision_id" in response.json()


def test_get_with_input_parameter(client: httpx.Client) -> None:
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


def test_a_deny_read_as_the_allow_field_is_false(client: httpx.Client) -> None:
    # the path most OPA clients ask: a deny must come back false, not undefined
    denied = client.post("/v1/data/privacy/decision/allow", json={"input": MARKETING}).json()
    assert denied["result"] is False
    invalid = client.get("/v1/data/privacy/decision/allow", params={"input": '{"company": "nope"}'}).json()
    assert invalid["result"] is False
    assert client.post("/v0/data/privacy/decision/allow", json=MARKETING).json() is False


def test_v0_without_a_path_answers_the_whole_data_document(client: httpx.Client) -> None:
    response = client.post("/v0/data", json=MARKETING, follow_redirects=False)
    assert response.status_code == 200
    document = response.json()
    assert document["privacy"]["decision"]["allow"] is False
    assert "kallu.sharing.direct_marketing" in document["privacy"]["clauses"]


def test_v0_malformed_body_names_the_parse_error(client: httpx.Client) -> None:
    response = client.post("/v0/data/privacy/decision", content=b"{")
    assert response.status_code == 400
    assert response.json()["message"].startswith("unexpected parse error for input: ")


def test_a_doubled_slash_redirects_to_the_clean_path(client: httpx.Client) -> None:
    for path in ("/v1/data/privacy//decision", "/v1//data/privacy/decision", "/v1/batch/data/privacy//decision/"):
        response = client.post(path, json={"input": MARKETING}, follow_redirects=False)
        assert response.status_code == 301, path
        assert "//" not in response.headers["location"] and not response.headers["location"].endswith("/")
    kept = client.post("/v1/data/privacy//decision?pretty=true&provenance", json={}, follow_redirects=False)
    assert kept.headers["location"] == "/v1/data/privacy/decision?pretty=true&provenance"


def test_every_spelling_of_the_decision_path_is_the_decision() -> None:
    from privacy_pdp.server.bundle import in_decision, part_of
    from privacy_pdp.server.settings import Settings

    settings = Settings(default_decision="/privacy/decision")
    assert in_decision("privacy//decision", settings) == [] and in_decision("/privacy/decision/", settings) == []
    assert in_decision("privacy/decision/reasons/0", settings) == ["reasons", "0"]
    assert in_decision("privacy/decisions", settings) is None and in_decision("privacy", settings) is None
    assert part_of({"reasons": [{"code": "x"}]}, ["reasons", "0", "code"]) == (True, "x")
    assert part_of({"reasons": []}, ["reasons", "0"]) == (False, None)


def test_trailing_slash_redirects_and_head_is_405(client: httpx.Client) -> None:
    response = client.get("/v1/data/privacy/clauses/", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"].endswith("/v1/data/privacy/clauses")
    assert client.head("/v1/data/privacy/clauses").status_code == 405


def test_wrong_method_on_known_resource_is_405(client: httpx.Client) -> None:
    assert client.put("/health").status_code == 405


@pytest.mark.parametrize("value, on", [("", True), ("true", True), ("TRUE", True), ("1", False), ("false", False)])
def test_pretty_reads_booleans_as_opa_does(client: httpx.Client, value: str, on: bool) -> None:
    suffix = "?pretty" if value == "" else f"?pretty={value}"
    response = client.post("/v1/data/privacy/decision" + suffix, json={"input": MARKETING})
    assert response.text.startswith("{\n  ") is on


def test_metrics_and_instrument_add_timers(client: httpx.Client) -> None:
    for param in ("metrics", "instrument"):
        body = client.post(f"/v1/data/privacy/decision?{param}=true", json={"input": MARKETING}).json()
        assert {"timer_rego_input_parse_ns", "timer_rego_query_eval_ns", "timer_server_handler_ns"} <= set(body["metrics"])
        assert body["metrics"]["timer_server_handler_ns"] >= body["metrics"]["timer_rego_query_eval_ns"] > 0


def test_provenance_names_the_active_revision(client: httpx.Client, policies) -> None:
    body = client.get("/v1/data/privacy/decision", params={"provenance": "", "input": json.dumps(MARKETING)}).json()
    provenance = body["provenance"]
    assert provenance["bundles"] == {"privacy": {"revision": policies.revision}}
    assert {"version", "build_commit", "build_timestamp", "build_hostname"} <= set(provenance)
    assert provenance["build_timestamp"].endswith("Z")


@pytest.mark.parametrize("mode", ["notes", "fails", "full", "debug"])
def test_explain_is_a_clear_400(client: httpx.Client, mode: str) -> None:
    response = client.post(f"/v1/data/privacy/decision?explain={mode}", json={"input": MARKETING})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_parameter"
    assert f"explain={mode} is not supported" in response.json()["message"]


def test_unknown_explain_value_is_off_as_in_opa(client: httpx.Client) -> None:
    assert client.post("/v1/data/privacy/decision?explain=off", json={"input": MARKETING}).status_code == 200


def test_strict_builtin_errors_is_accepted(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision?strict-builtin-errors=true", json={"input": MARKETING})
    assert response.json()["result"]["allow"] is False


def test_gzip_body_is_decompressed(client: httpx.Client) -> None:
    raw = gzip.compress(json.dumps({"input": MARKETING}).encode())
    response = client.post("/v1/data/privacy/decision", content=raw, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.json()["result"]["allow"] is False


def test_bad_gzip_and_gzip_bomb_are_400(client: httpx.Client) -> None:
    bad = client.post("/v1/data/privacy/decision", content=b"not gzip", headers={"Content-Encoding": "gzip"})
    assert bad.status_code == 400 and bad.json()["message"] == "could not decompress the body"
    bomb = gzip.compress(b'{"input": "' + b"x" * (4 << 20) + b'"}')
    assert len(bomb) < 64 << 10
    response = client.post("/v1/data/privacy/decision", content=bomb, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_parameter", "message": "compressed request body too large"}


def test_body_too_large_is_400(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision", content=b'{"input": "' + b"x" * (2 << 20) + b'"}')
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_parameter", "message": "request body too large"}


def test_yaml_body_when_content_type_says_so(client: httpx.Client) -> None:
    body = "input:\n  company: kallu\n  data_categories: [user.contact.email]\n  data_use: marketing.communications.email\n  recipient: {kind: third_party}\n"
    response = client.post("/v1/data/privacy/decision", content=body, headers={"Content-Type": "application/yaml"})
    assert response.json()["result"]["allow"] is False
    alias = "a: &x [1]\nb: *x\n"
    bad = client.post("/v1/data/privacy/decision", content=alias, headers={"Content-Type": "application/x-yaml"})
    assert bad.status_code == 400 and "aliases are not accepted" in bad.json()["message"]
    twice = "input:\n  company: kallu\n  company: callsapp\n"
    bad = client.post("/v1/data/privacy/decision", content=twice, headers={"Content-Type": "application/yaml"})
    assert bad.status_code == 400 and "duplicate key 'company'" in bad.json()["message"]
    nested = "input:\n  recipient: {kind: first_party, kind: public}\n"
    bad = client.post("/v1/data/privacy/decision", content=nested, headers={"Content-Type": "application/yaml"})
    assert bad.status_code == 400 and "duplicate key 'kind'" in bad.json()["message"]
    for twice in ('input:\n  true: 1\n  "true": 2\n', 'input:\n  1: a\n  "1": b\n'):
        bad = client.post("/v1/data/privacy/decision", content=twice, headers={"Content-Type": "application/yaml"})
        assert bad.status_code == 400 and "duplicate key" in bad.json()["message"], twice
    two_keys = 'input:\n  1: a\n  1.0: b\n'  # "1" and "1.0"
    assert client.post("/v1/data/privacy/decision", content=two_keys,
                       headers={"Content-Type": "application/yaml"}).status_code == 200


# The bad-input set: each a clear 4xx in OPA's shape, and the server keeps serving.
BAD_BODIES = {
    "deep array": b"[" * 100_000,
    "deep object": b'{"input": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001,
    "nesting over the limit": b'{"input": ' + b"[" * 70 + b"]" * 70 + b"}",
    "invalid utf-8": b'{"input": {"company": "\xff\xfe"}}',
    "NaN": b'{"input": {"subject": {"age": NaN}}}',
    "Infinity": b'{"input": {"subject": {"age": Infinity}}}',
    "-Infinity": b'{"input": {"subject": {"age": -Infinity}}}',
    "number beyond a double": b'{"input": {"subject": {"age": 1e400}}}',
    "negative number beyond a double": b'{"input": {"subject": {"age": -1e400}}}',
    "duplicate key": b'{"input": {"company": "kallu", "company": "callsapp"}}',
    "duplicate top key": b'{"input": {}, "input": {"company": "kallu"}}',
    "trailing garbage": b'{"input": {}} x',
    "truncated": b'{"input": {"company": "ka',
    "utf-8 bom": b'\xef\xbb\xbf{"input": {}}',
    "not an object": b"[1, 2]",
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
@pytest.mark.parametrize("route", ["/v1/data/privacy/decision", "/", "/v1/batch/data/privacy/decision"])
def test_bad_input_is_a_clear_400(client: httpx.Client, name: str, route: str) -> None:
    response = client.post(route, content=BAD_BODIES[name])
    if route == "/" and name in {"not an object"}:
        assert response.status_code == 200  # v0 takes any JSON value as the input
        return
    assert response.status_code == 400, (name, response.text[:200])
    assert response.json()["code"] == "invalid_parameter"
    assert response.json()["message"]
    assert client.post("/v1/data/privacy/decision", json={"input": MARKETING}).status_code == 200


def test_a_number_beyond_a_double_is_named_in_the_body_and_in_the_query_string(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision", content=BAD_BODIES["number beyond a double"])
    assert response.json()["message"] == "body contains malformed input document: number 1e400 is out of range"
    response = client.get("/v1/data/privacy/decision", params={"input": '{"subject": {"age": 1e400}}'})
    assert response.status_code == 400
    assert response.json()["message"] == "parameter contains malformed input document: number 1e400 is out of range"


def test_nesting_names_the_limit(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision", content=BAD_BODIES["nesting over the limit"])
    assert response.json()["message"] == "body contains malformed input document: nesting deeper than 64 levels"
    deep = client.post("/v1/data/privacy/decision", content=BAD_BODIES["deep array"])
    assert deep.json()["message"].endswith("exceeded max depth")


def test_lone_surrogate_in_input_is_answered(client: httpx.Client) -> None:
    response = client.post("/v1/data/privacy/decision", content=b'{"input": {"company": "\\ud800"}}')
    assert response.status_code == 200
    assert response.json()["result"]["allow"] is False


def test_path_with_a_quote_is_400(client: httpx.Client) -> None:
    response = client.post('/v1/data/privacy/a"b', json={"input": {}})
    assert response.status_code == 400
    assert response.json()["message"] == "invalid path: invalid ref term 'a\"b'"


def test_data_writes_are_refused_as_bundle_owned(client: httpx.Client) -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        for path in ("/v1/data/privacy/x", "/v1/data"):
            response = client.request(method, path, json={})
            assert response.status_code == 400, (method, path)
            assert response.json() == {"code": "invalid_parameter", "message": 'all paths owned by bundle "privacy"'}


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


def test_wrong_types_are_a_deny_naming_the_field(client: httpx.Client) -> None:
    document = {**MARKETING, "data_categories": "user.contact.email", "recipient": {"kind": 7}}
    decision = client.post("/v1/data/privacy/decision", json={"input": document}).json()["result"]
    assert decision["allow"] is False
    fields = {r.get("field") for r in decision["reasons"] if r["code"] == "invalid_input"}
    assert {"data_categories", "recipient.kind"} <= fields


def test_each_decision_is_logged_once_with_its_id(client: httpx.Client, decision_log: MemoryDecisionLog) -> None:
    body = client.post("/v1/data/privacy/decision", json={"input": MARKETING}).json()
    event = decision_log.by_id(body["decision_id"])
    assert event["path"] == "privacy/decision"
    assert event["input"] == MARKETING
    assert event["result"] == body["result"]


@pytest.mark.parametrize("company", ['evil"corp', "back\\slash", '"quoted"', 'both\\"'])
def test_quotes_and_backslashes_echoed_by_the_policy_are_answered(client: httpx.Client, company: str) -> None:
    # regopy writes such strings unescaped; the engine reads them back from its node tree
    response = client.post("/v1/data/privacy/decision", json={"input": {**MARKETING, "company": company}})
    assert response.status_code == 200, response.text
    assert response.json()["result"]["allow"] is False


def test_large_answers_are_gzipped_for_clients_that_accept_it(client: httpx.Client) -> None:
    response = client.get("/v1/data/privacy/clauses", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "kallu.sharing.direct_marketing" in response.json()["result"]  # httpx inflates it
    small = client.post("/v1/data/privacy/decision", json={"input": {}}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_explain_clauses_adds_each_reasons_clause_with_its_quote(client: httpx.Client) -> None:
    document = {"company": "kallu", "data_categories": ["user.contact.email"],
                "data_use": "marketing.communications.email", "recipient": {"kind": "third_party"}}
    plain = client.post("/v1/data/privacy/decision", json={"input": document}).json()
    explained = client.post("/v1/data/privacy/decision?explain=clauses", json={"input": document}).json()
    assert "explanation" not in plain
    assert explained["result"] == plain["result"]  # the explanation never changes the answer
    clauses = {r["clause"]["id"]: r["clause"] for r in explained["explanation"]["reasons"]}
    assert "kallu.sharing.direct_marketing" in clauses
    assert "express consent" in clauses["kallu.sharing.direct_marketing"]["quote"]
