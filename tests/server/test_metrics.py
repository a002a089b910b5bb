"""/metrics in Prometheus text format, read back with prometheus_client's own parser."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from privacy_pdp.server.metrics import handler_label

DENY = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party"}}
ALLOW = {**DENY, "consents": ["marketing"]}


def samples(text: str) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append(sample)
    return found


def value(found: dict[str, list[Any]], name: str, **labels: str) -> float:
    matches = [s.value for s in found.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(matches) == 1, (name, labels, matches)
    return matches[0]


def test_exposition_counts_requests_decisions_and_log_state(make_app, policies) -> None:
    with make_app() as (client, log):
        for _ in range(3):
            client.post("/v1/data/privacy/decision", json={"input": DENY})
        client.post("/v1/data/privacy/decision", json={"input": ALLOW})
        client.post("/v1/data/privacy/decision", json={"input": {**DENY, "company": "evil\"corp"}})
        client.post("/v1/batch/data/privacy/decision", json={"inputs": {"a": DENY, "b": ALLOW}})
        client.post("/v1/data/privacy/decision", content=b"{")
        response = client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        found = samples(response.text)
    assert value(found, "pdp_decisions_total", company="kallu", outcome="deny") == 4
    assert value(found, "pdp_decisions_total", company="kallu", outcome="allow") == 2
    assert value(found, "pdp_decisions_total", company="unknown", outcome="deny") == 1  # no label from input text
    assert value(found, "pdp_http_requests_total", handler="v1/data", code="200", method="post") == 5
    assert value(found, "pdp_http_requests_total", handler="v1/data", code="400", method="post") == 1
    assert value(found, "pdp_http_requests_total", handler="v1/batch/data", code="200", method="post") == 1
    assert value(found, "http_request_duration_seconds_count", handler="v1/data", code="200", method="post") == 5
    assert value(found, "http_request_duration_seconds_bucket", handler="v1/data", code="200", method="post", le="+Inf") == 5
    assert value(found, "pdp_policy_revision_info", revision=policies.revision) == 1
    assert value(found, "pdp_ready") == 1
    assert value(found, "pdp_decision_log_queue_depth") == 0
    assert value(found, "pdp_decision_log_dropped_total") == 0
    assert value(found, "pdp_decision_log_written_total") == len(log.events) == 7
    assert value(found, "pdp_batch_items_total") == 2
    # 7 decisions of 3 distinct inputs: the engine saw each input once, the cache answered the rest
    assert value(found, "pdp_evaluation_duration_seconds_count") == 3
    assert value(found, "pdp_decision_cache_misses_total") == 3
    assert value(found, "pdp_decision_cache_hits_total") == 4
    assert value(found, "pdp_decision_cache_entries") == 3
    assert value(found, "pdp_decision_cache_invalidations_total") == 1  # the first activation


def test_without_the_cache_every_decision_is_evaluated(make_app) -> None:
    with make_app(decision_cache_entries=0) as (client, log):
        for _ in range(3):
            client.post("/v1/data/privacy/decision", json={"input": DENY})
        found = samples(client.get("/metrics").text)
    assert value(found, "pdp_evaluation_duration_seconds_count") == 3
    assert value(found, "pdp_decision_cache_hits_total") == value(found, "pdp_decision_cache_misses_total") == 0


def test_handler_labels_are_bounded() -> None:
    assert handler_label("/v1/data/privacy/decision") == "v1/data"
    assert handler_label("/v1/batch/data/x") == "v1/batch/data"
    assert handler_label("/v1/dataxyz") == "catchall"
    assert handler_label("/") == "index"
    assert handler_label("/anything/else") == "catchall"


def test_the_cache_keeps_within_its_bytes_and_large_inputs_take_little_of_it(make_app) -> None:
    bound = 128 * 1024
    with make_app(decision_cache_bytes=bound) as (client, log):
        for n in range(200):  # inputs of about 3 KiB, answers under 1 KiB: the oldest go
            client.post("/v1/data/privacy/decision", json={"input": {**DENY, "note": f"{n:03}" + "x" * 3000}})
        found = samples(client.get("/metrics").text)
    held, entries = value(found, "pdp_decision_cache_bytes"), value(found, "pdp_decision_cache_entries")
    assert 0 < held <= bound and value(found, "pdp_decision_cache_evictions_total") > 0
    assert held < entries * 1536  # the inputs themselves are not kept


def _counted(middleware_app: Any, receive_messages: list[dict[str, Any]], metrics: Any) -> dict[str, list[Any]]:
    import asyncio

    messages = iter(receive_messages)

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(_: dict[str, Any]) -> None:
        return None

    scope = {"type": "http", "method": "POST", "path": "/v1/data/privacy/decision", "headers": [], "query_string": b""}
    try:
        asyncio.run(middleware_app(scope, receive, send))
    except Exception:  # noqa: BLE001 - the inner app's failure is what is counted
        pass
    from prometheus_client import generate_latest

    return samples(generate_latest(metrics.registry).decode())


def test_a_client_gone_before_the_answer_is_a_499_and_a_failure_a_500() -> None:
    from starlette.requests import Request

    from privacy_pdp.server.metrics import Metrics, OpaHttpMiddleware

    async def reads_the_body(scope: Any, receive: Any, send: Any) -> None:
        await Request(scope, receive).body()  # as the routes read it: starlette raises ClientDisconnect
        raise AssertionError("not reached")

    metrics = Metrics()
    partial = [{"type": "http.request", "body": b'{"inp', "more_body": True}, {"type": "http.disconnect"}]
    found = _counted(OpaHttpMiddleware(reads_the_body, metrics), partial, metrics)
    assert value(found, "pdp_http_requests_total", handler="v1/data", code="499", method="post") == 1

    async def fails(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        raise RuntimeError("a bug")

    whole = [{"type": "http.request", "body": b"{}", "more_body": False}]
    found = _counted(OpaHttpMiddleware(fails, metrics), whole, metrics)
    assert value(found, "pdp_http_requests_total", handler="v1/data", code="500", method="post") == 1
