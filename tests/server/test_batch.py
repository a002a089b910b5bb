"""Batch decisions as Enterprise OPA answers them."""

from __future__ import annotations

import uuid

import httpx

from privacy_pdp.server.routes.batch import merge
from server.doubles import MemoryDecisionLog

COMMON = {"company": "kallu", "data_categories": ["user.contact.email"], "recipient": {"kind": "third_party"}}


def test_common_input_is_merged_into_each_and_items_win(client: httpx.Client, decision_log: MemoryDecisionLog) -> None:
    inputs = {
        "marketing": {"data_use": "marketing.communications.email"},
        "consented": {"data_use": "marketing.communications.email", "consents": ["marketing"]},
        "other-company": {"company": "nobody", "data_use": "essential.service"},
    }
    response = client.post("/v1/batch/data/privacy/decision", json={"inputs": inputs, "common_input": COMMON})
    assert response.status_code == 200
    body = response.json()
    uuid.UUID(body["batch_decision_id"])
    answers = body["responses"]
    assert set(answers) == set(inputs)
    assert answers["marketing"]["result"]["allow"] is False
    assert answers["consented"]["result"]["allow"] is True
    assert "invalid_input" in {r["code"] for r in answers["other-company"]["result"]["reasons"]}
    assert all("http_status_code" not in a for a in answers.values())
    ids = {a["decision_id"] for a in answers.values()}
    assert len(ids) == 3
    for key, answer in answers.items():
        event = decision_log.by_id(answer["decision_id"])
        assert event["batch_decision_id"] == body["batch_decision_id"]
        assert event["input"] == merge(COMMON, inputs[key])


def test_deep_merge_keeps_common_fields_of_nested_objects() -> None:
    merged = merge({"recipient": {"kind": "third_party", "country": "US"}, "a": 1}, {"recipient": {"country": "DE"}})
    assert merged == {"recipient": {"kind": "third_party", "country": "DE"}, "a": 1}


def test_a_hundred_flows_in_one_request(client: httpx.Client) -> None:
    inputs = {f"flow-{i}": {"data_use": "marketing.communications.email"} for i in range(100)}
    body = client.post("/v1/batch/data/privacy/decision", json={"inputs": inputs, "common_input": COMMON}).json()
    assert len(body["responses"]) == 100
    assert all(a["result"]["allow"] is False for a in body["responses"].values())


def test_no_inputs_is_200_with_a_warning(client: httpx.Client) -> None:
    for body in ({}, {"common_input": COMMON}):
        response = client.post("/v1/batch/data/privacy/decision", json=body)
        assert response.status_code == 200
        assert response.json()["warning"] == {"code": "api_usage_warning", "message": "'inputs' key missing from the request"}
        assert response.json()["responses"] == {}
    empty = client.post("/v1/batch/data/privacy/decision", json={"inputs": {}})
    assert empty.status_code == 200 and "warning" not in empty.json()


def test_malformed_batches_are_400(client: httpx.Client) -> None:
    for body in ([1], {"inputs": [COMMON]}, {"inputs": "x"}, {"inputs": {"a": {}}, "common_input": [COMMON]},
                 {"inputs": {"a": {}}, "common_input": "kallu"}):
        response = client.post("/v1/batch/data/privacy/decision", json=body)
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid_parameter"


def test_too_many_inputs_is_400(make_app) -> None:
    with make_app(max_batch_inputs=3) as (client, _):
        response = client.post("/v1/batch/data/privacy/decision", json={"inputs": {str(i): {} for i in range(4)}})
        assert response.status_code == 400
        assert "at most 3" in response.json()["message"]


def test_undefined_item_has_no_result(client: httpx.Client) -> None:
    body = client.post("/v1/batch/data/privacy/no_such_rule", json={"inputs": {"a": {}}}).json()
    assert "result" not in body["responses"]["a"] and "decision_id" in body["responses"]["a"]


def test_metrics_and_provenance_per_item(client: httpx.Client, policies) -> None:
    body = client.post(
        "/v1/batch/data/privacy/decision?metrics&provenance", json={"inputs": {"a": COMMON}}
    ).json()
    item = body["responses"]["a"]
    assert item["provenance"]["bundles"]["privacy"]["revision"] == policies.revision
    assert "timer_rego_query_eval_ns" in item["metrics"]
    assert "timer_server_handler_ns" in body["metrics"]


BROKEN = """package broken
import rego.v1
conflict := x if { x := input.n }
conflict := y if { y := input.n + 1 }
"""


def test_mixed_results_are_207_and_all_failed_500(make_app, policies) -> None:
    modules = {**policies.modules, "broken.rego": BROKEN}
    policy_set = type(policies)(modules, policies.data, revision="broken")
    with make_app(policy_set=policy_set) as (client, log):
        mixed = client.post("/v1/batch/data/broken/conflict", json={"inputs": {"ok": {}, "bad": {"n": 1}}})
        assert mixed.status_code == 207
        answers = mixed.json()["responses"]
        assert answers["ok"]["http_status_code"] == "200" and "result" not in answers["ok"]
        assert answers["bad"]["http_status_code"] == "500"
        assert answers["bad"]["code"] == "internal_error" and answers["bad"]["decision_id"]
        failed = client.post("/v1/batch/data/broken/conflict", json={"inputs": {"bad": {"n": 1}}})
        assert failed.status_code == 500
        assert "http_status_code" not in failed.json()["responses"]["bad"]
        assert "error" in log.by_id(answers["bad"]["decision_id"])


def test_batches_beyond_the_limit_wait_their_turn(policies, monkeypatch) -> None:
    import asyncio

    from privacy_pdp.server.app import create_app
    from privacy_pdp.server.routes import batch as batch_route
    from privacy_pdp.server.settings import Settings

    running, most = 0, 0
    decide_many = batch_route.decide_many

    async def counted(*args, **kwargs):
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await asyncio.sleep(0.05)
            return await decide_many(*args, **kwargs)
        finally:
            running -= 1

    monkeypatch.setattr(batch_route, "decide_many", counted)
    app = create_app(Settings(workers=1, decision_log_enabled=False, max_concurrent_batches=2), policy_set=policies,
                     decision_log=MemoryDecisionLog())

    async def six_at_once() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pdp") as client:
            body = {"inputs": {"a": {**COMMON, "data_use": "essential.service"}}}
            answers = await asyncio.gather(*(client.post("/v1/batch/data/privacy/decision", json=body) for _ in range(6)))
        return [a.status_code for a in answers]

    assert asyncio.run(six_at_once()) == [200] * 6
    assert most == 2


def test_an_input_repeated_in_a_batch_is_evaluated_once(make_app) -> None:
    from server.test_metrics import samples, value

    flow = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "essential.service",
            "recipient": {"kind": "first_party"}, "note": "a flow no earlier test asked"}
    other = {**flow, "data_use": "marketing.communications.email", "recipient": {"kind": "third_party"}}
    with make_app() as (client, log):
        inputs = {f"r{i}": flow for i in range(30)} | {"other": other}
        answer = client.post("/v1/batch/data/privacy/decision", json={"inputs": inputs}).json()
        found = samples(client.get("/metrics").text)
    results = [answer["responses"][f"r{i}"]["result"] for i in range(30)]
    assert all(r == results[0] for r in results) and results[0]["allow"] is True
    assert answer["responses"]["other"]["result"]["allow"] is False
    assert value(found, "pdp_evaluation_duration_seconds_count") == 2  # the engine saw each input once
    assert len({answer["responses"][k]["decision_id"] for k in inputs}) == 31  # each its own decision
    assert len(log.events) == 31


def test_repeats_in_a_batch_get_answers_of_their_own(policies) -> None:
    import asyncio

    from privacy_pdp.server.runtime import PolicyRuntime

    flow = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "essential.service",
            "recipient": {"kind": "first_party"}}
    runtime = PolicyRuntime(policies, workers=1)
    try:
        first, repeat = asyncio.run(runtime.evaluate_many("privacy/decision", [flow, flow], cached=True))
    finally:
        runtime.close()
    assert not first.cached and repeat.cached and first.key == repeat.key is not None
    assert repeat.evaluation == first.evaluation and repeat.evaluation.value is not first.evaluation.value
    repeat.evaluation.value["allow"] = "changed"
    assert first.evaluation.value["allow"] is True
