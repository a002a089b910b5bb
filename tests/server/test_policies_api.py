"""The Policy API: reads as OPA; writes only when enabled and with the bearer token."""

from __future__ import annotations

import httpx

TOKEN = "t0ken-for-tests"
MODULE = "package extra\n\nimport rego.v1\n\nanswer := 42\n"


def test_list_and_get(client: httpx.Client) -> None:
    listed = client.get("/v1/policies").json()["result"]
    ids = [p["id"] for p in listed]
    assert "privacy/decision.rego" in ids and ids == sorted(ids)
    one = client.get("/v1/policies/privacy/decision.rego").json()["result"]
    assert one["raw"].startswith("# METADATA") or "package privacy" in one["raw"]
    assert [p["value"] for p in one["ast"]["package"]["path"]] == ["data", "privacy"]
    missing = client.get("/v1/policies/nope.rego")
    assert missing.status_code == 404 and missing.json()["code"] == "resource_not_found"


def test_writes_are_401_when_disabled(client: httpx.Client) -> None:
    for method in ("PUT", "DELETE"):
        response = client.request(method, "/v1/policies/extra.rego", content=MODULE,
                                  headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
    assert "extra.rego" not in [p["id"] for p in client.get("/v1/policies").json()["result"]]


def test_a_module_only_regopy_would_take_is_refused_as_opa_refuses_it(make_app) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with make_app(policy_api_writes=True, policy_api_token=TOKEN) as (client, _):
        refused = client.put("/v1/policies/old.rego", content="package old\n\nallow { true }\n", headers=auth)
        assert refused.status_code == 400
        assert refused.json() == {"code": "invalid_parameter", "message": "error(s) occurred while compiling module(s)",
                                  "errors": [{"code": "rego_parse_error",
                                              "message": "`if` keyword is required before rule body",
                                              "location": {"file": "old.rego", "row": 3, "col": 1}}]}
        assert "old.rego" not in [p["id"] for p in client.get("/v1/policies").json()["result"]]
        typed = client.put("/v1/policies/arity.rego", content="package arity\n\np := count(1, 2)\n", headers=auth)
        (error,) = typed.json()["errors"]
        assert error["code"] == "rego_type_error" and error["message"] == "count: arity mismatch"
        assert error["details"]["lines"][0].startswith("have: ")
        unsafe = "package w\n\nimport rego.v1\n\np if { y }\n"
        for policy_id in ("weird:name.rego", "noext", "a b/c.rego"):  # an id is any text
            (error,) = client.put(f"/v1/policies/{policy_id}", content=unsafe, headers=auth).json()["errors"]
            assert error["code"] == "rego_unsafe_var_error", policy_id
            assert error["location"] == {"file": policy_id, "row": 5, "col": 1}


def test_a_policy_set_that_decides_nothing_fails_closed(make_app) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with make_app(policy_api_writes=True, policy_api_token=TOKEN) as (client, _):
        [decision_module] = [p["id"] for p in client.get("/v1/policies").json()["result"]
                             if p["id"].endswith("privacy/decision.rego")]
        hollow = "package privacy\n\nimport rego.v1\n\nnothing := true\n"
        assert client.put(f"/v1/policies/{decision_module}", content=hollow, headers=auth).status_code == 200
        answer = client.post("/v1/data/privacy/decision", json={"input": {}}).json()["result"]
        assert answer["allow"] is False and [r["code"] for r in answer["reasons"]] == ["decision_undefined"]
        assert client.get("/v1/data/privacy/nothing").json()["result"] is True


def test_writes_need_the_token(make_app) -> None:
    with make_app(policy_api_writes=True, policy_api_token=TOKEN) as (client, _):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
            response = client.put("/v1/policies/extra.rego", content=MODULE, headers=headers)
            assert response.status_code == 401, headers
            assert response.json() == {"code": "unauthorized", "message": "request rejected by administrative policy"}


def test_put_activates_delete_removes_and_a_bad_module_changes_nothing(make_app) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with make_app(policy_api_writes=True, policy_api_token=TOKEN) as (client, _):
        before = client.get("/v1/status").json()["result"]["bundles"]["privacy"]["active_revision"]
        put = client.put("/v1/policies/extra.rego", content=MODULE, headers=auth)
        assert put.status_code == 200 and put.json() == {}
        assert client.get("/v1/data/extra/answer").json()["result"] == 42
        revision = client.get("/v1/status").json()["result"]["bundles"]["privacy"]["active_revision"]
        assert revision != before
        bad = client.put("/v1/policies/extra.rego", content="package extra\n\nanswer := {\n", headers=auth)
        assert bad.status_code == 400
        assert bad.json()["message"] == "error(s) occurred while compiling module(s)"
        first = bad.json()["errors"][0]  # OPA's compiler's words, in OPA's shape
        assert first["code"] == "rego_parse_error" and first["location"] == {"file": "extra.rego", "row": 4, "col": 1}
        assert client.get("/v1/data/extra/answer").json()["result"] == 42  # the last good set serves
        status = client.get("/v1/status").json()["result"]["bundles"]["privacy"]
        assert status["active_revision"] == revision and status["code"] == "bundle_error"
        assert client.delete("/v1/policies/extra.rego", headers=auth).status_code == 200
        assert "result" not in client.get("/v1/data/extra/answer").json()
        assert client.delete("/v1/policies/extra.rego", headers=auth).status_code == 404
        assert client.post("/v1/data/privacy/decision", json={"input": {}}).json()["result"]["allow"] is False
