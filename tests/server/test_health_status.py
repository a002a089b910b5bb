"""Health, readiness, status and config: OPA's shapes, and what they say before and after a
policy set is active."""

from __future__ import annotations

import pytest

import asyncio

import httpx


def test_health_and_its_parameters_when_serving(client: httpx.Client) -> None:
    for query in ("", "?bundles", "?bundles=true", "?plugins", "?bundles=false&plugins=false", "?bundles=True"):
        response = client.get("/health" + query)
        assert response.status_code == 200, query
        assert response.json() == {}
    assert client.get("/health/live").json() == {}
    assert client.get("/health/ready").json() == {}


def test_not_ready_until_a_policy_set_is_active(make_app, policies) -> None:
    with make_app(policy_set=None, bundle_path="unused.tar.gz") as (client, _):
        assert client.get("/health").status_code == 200  # it can evaluate; OPA says the same
        bundles = client.get("/health?bundles")
        assert bundles.status_code == 500
        assert bundles.json()["error"] == "one or more bundles are not activated"
        assert bundles.json()["code"] == "internal_error"
        assert client.get("/health?plugins").status_code == 500
        assert client.get("/health?plugins&exclude-plugin=bundle").status_code == 200
        assert client.get("/health/ready").status_code == 500
        assert client.get("/health/live").status_code == 200
        status = client.get("/v1/status").json()["result"]
        assert status["plugins"]["bundle"]["state"] == "NOT_READY"
        assert status["bundles"]["privacy"]["active_revision"] == ""
        # before activation every document is undefined, as in OPA before its first bundle,
        # but a decision fails closed: a deny saying why
        assert "result" not in client.get("/v1/data/privacy/clauses").json()
        answer = client.post("/v1/data/privacy/decision", json={"input": {}}).json()
        assert answer["decision_id"] and answer["result"]["allow"] is False
        assert [r["code"] for r in answer["result"]["reasons"]] == ["no_active_policy"]
        # so does any part of it a client asks for
        assert client.post("/v1/data/privacy/decision/allow", json={"input": {}}).json()["result"] is False
        part = client.get("/v1/data/privacy/decision/reasons/0/code").json()
        assert part["result"] == "no_active_policy"
        assert "result" not in client.get("/v1/data/privacy/decision/nothing").json()
        assert client.post("/", json={}).json()["reasons"][0]["code"] == "no_active_policy"
        batch = client.post("/v1/batch/data/privacy/decision", json={"inputs": {"a": {}}}).json()
        assert batch["responses"]["a"]["result"]["reasons"][0]["clause"] == "privacy.fail_closed"
        runtime = client.app.state.services.runtime
        asyncio.run(runtime.activate_async(policies))
        assert client.get("/health?bundles").status_code == 200
        assert client.get("/health/ready").status_code == 200
        assert client.post("/v1/data/privacy/decision", json={"input": {}}).json()["result"]["allow"] is False


def test_decision_log_state_reaches_health_and_status(make_app) -> None:
    with make_app() as (client, log):
        log.state = "ERROR"
        assert client.get("/health").status_code == 200
        plugins = client.get("/health?plugins")
        assert plugins.status_code == 500 and plugins.json()["error"] == "one or more plugins are not up"
        assert client.get("/health?plugins&exclude-plugin=decision_logs").status_code == 200
        assert client.get("/health/ready").status_code == 500
        assert client.get("/v1/status").json()["result"]["plugins"]["decision_logs"]["state"] == "ERROR"


def test_status_in_opas_shape(client: httpx.Client, policies) -> None:
    response = client.get("/v1/status")
    assert response.status_code == 200
    status = response.json()["result"]
    assert set(status["labels"]) >= {"id", "version"}
    bundle = status["bundles"]["privacy"]
    assert bundle["name"] == "privacy"
    assert bundle["active_revision"] == policies.revision
    assert bundle["last_successful_activation"].endswith("Z")
    # OPA writes every time field; one never set is Go's zero time (nothing is downloaded here)
    for field in ("last_successful_download", "last_successful_request", "last_request"):
        assert bundle[field] == "0001-01-01T00:00:00Z"
    assert {name: p["state"] for name, p in status["plugins"].items()} == {
        "bundle": "OK", "decision_logs": "OK", "status": "OK"
    }
    assert status["metrics"]["prometheus"]["counter_decision_logs_dropped"] == 0


def test_config_shows_labels_and_default_decision_but_no_secret(make_app) -> None:
    with make_app(policy_api_writes=True, policy_api_token="s3cret-token") as (client, _):
        response = client.get("/v1/config")
        assert response.status_code == 200
        config = response.json()["result"]
        assert config["default_decision"] == "/privacy/decision"
        assert "s3cret-token" not in response.text


@pytest.mark.parametrize("compact", [True, False])
def test_status_says_whether_regopy_serves_the_compacted_plan(make_app, compact: bool) -> None:
    with make_app(compact_plan=compact) as (client, _):
        engine = client.app.state.services.runtime.active.engine
        assert (engine.compaction is not None) is compact
        if compact:
            engine.compaction.join(timeout=120)
        gauge = client.get("/v1/status").json()["result"]["metrics"]["prometheus"]["gauge_plan_compacted"]
        assert gauge == (1 if compact else 0)
