"""The decision cache in the server: cached and uncached answers are the same, every request
keeps its own decision id and log event, and activation empties the cache."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
from hypothesis import given

from privacy_pdp.core.engine import UNDEFINED
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.runtime import PolicyRuntime

from strategies import examples, invalid_requests, valid_requests

DENY = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party", "name": "Mailer Ltd"}}


@pytest.fixture(scope="module")
def runtime(policies: PolicySet) -> Any:
    runtime = PolicyRuntime(policies, workers=1)
    yield runtime
    runtime.close()


def _three_ways(runtime: PolicyRuntime, doc: Any) -> tuple[Any, Any, Any]:
    async def run() -> tuple[Any, Any, Any]:
        uncached = await runtime.evaluate("privacy/decision", doc)
        first = await runtime.evaluate("privacy/decision", doc, cached=True)
        second = await runtime.evaluate("privacy/decision", doc, cached=True)
        return uncached, first, second

    return asyncio.run(run())


def _same(runtime: PolicyRuntime, doc: Any) -> None:
    uncached, first, second = _three_ways(runtime, doc)
    assert not uncached.cached
    assert uncached.evaluation == first.evaluation == second.evaluation, doc


@examples(150)
@given(doc=valid_requests())
def test_cached_and_uncached_answers_are_identical_on_valid_inputs(runtime, doc) -> None:
    _same(runtime, doc)


@examples(100)
@given(case=invalid_requests())
def test_cached_and_uncached_answers_are_identical_on_invalid_inputs(runtime, case) -> None:
    _same(runtime, case[0])


def test_a_repeated_input_is_answered_from_the_cache(runtime) -> None:
    doc = {**DENY, "recipient": {"kind": "third_party", "name": "Cache Probe Ltd"}}
    uncached, first, second = _three_ways(runtime, doc)
    assert second.cached and second.revision == runtime.revision
    assert asyncio.run(runtime.evaluate("privacy/decision", UNDEFINED, cached=True)).evaluation.defined


def test_a_batch_is_answered_as_its_items_one_by_one(runtime) -> None:
    docs = [DENY, {**DENY, "company": "callsapp"}, {"company": 3}, DENY]
    many = asyncio.run(runtime.evaluate_many("privacy/decision", docs, cached=True))
    one_by_one = [asyncio.run(runtime.evaluate("privacy/decision", d)) for d in docs]
    assert [a.evaluation for a in many] == [a.evaluation for a in one_by_one]


def test_every_request_keeps_its_own_decision_id_and_log_event(make_app) -> None:
    with make_app() as (client, log):
        answers = [client.post("/v1/data/privacy/decision", json={"input": DENY}).json() for _ in range(3)]
        batch = client.post("/v1/batch/data/privacy/decision", json={"inputs": {"a": DENY, "b": DENY}}).json()
    ids = [a["decision_id"] for a in answers] + [r["decision_id"] for r in batch["responses"].values()]
    assert len(set(ids)) == 5
    assert [log.by_id(i)["result"] for i in ids] == [answers[0]["result"]] * 5
    assert all(a["result"] == answers[0]["result"] for a in answers)


def test_activation_empties_the_cache(policies: PolicySet) -> None:
    runtime = PolicyRuntime(policies, workers=1)
    try:
        asyncio.run(runtime.evaluate("privacy/decision", DENY, cached=True))
        assert runtime.cache.stats().entries == 1
        runtime.activate(dataclasses.replace(policies, revision="next"))
        assert runtime.cache.stats().entries == 0
        answer = asyncio.run(runtime.evaluate("privacy/decision", DENY, cached=True))
        assert not answer.cached and answer.revision == "next"
    finally:
        runtime.close()


def test_a_policy_reading_the_clock_is_never_cached(policies: PolicySet) -> None:
    clock = "package probe\n\nimport rego.v1\n\nnow := time.now_ns()\n"
    runtime = PolicyRuntime(dataclasses.replace(policies, modules={**policies.modules, "probe.rego": clock}), workers=1)
    try:
        for _ in range(2):
            assert not asyncio.run(runtime.evaluate("privacy/decision", DENY, cached=True)).cached
        assert runtime.cache.stats().entries == 0
    finally:
        runtime.close()


def test_a_mask_reading_only_the_events_input_is_evaluated_on_it_and_cached(policies: PolicySet) -> None:
    # a system.log that reads input.input alone: its answer for a repeated input comes from the cache
    log = ("package system.log\n\nimport rego.v1\n\n"
           "mask contains \"/input/secret\" if input.input.secret\n\ndrop := false\n")
    modules = {k: v for k, v in policies.modules.items() if k != "system/log.rego"}
    runtime = PolicyRuntime(dataclasses.replace(policies, modules={**modules, "system/log.rego": log}), workers=1)
    try:
        events = [{"decision_id": str(n), "input": {"secret": "s", "company": "kallu"}, "result": {"n": n}} for n in range(3)]
        answers = [asyncio.run(runtime.evaluate("system/log", e)) for e in events]
        assert [a.evaluation.value for a in answers] == [{"drop": False, "mask": ["/input/secret"]}] * 3
        assert [a.cached for a in answers] == [False, True, True]
        other = asyncio.run(runtime.evaluate("system/log", {"decision_id": "x", "input": {"company": "kallu"}}))
        assert other.evaluation.value == {"drop": False, "mask": []} and not other.cached
    finally:
        runtime.close()


def test_an_answer_carries_the_key_its_decision_is_cached_under(runtime: PolicyRuntime) -> None:
    other = {**DENY, "data_use": "essential.service"}

    async def run() -> tuple[Any, ...]:
        return (await runtime.evaluate("privacy/decision", DENY, cached=True),
                await runtime.evaluate("privacy/decision", DENY, cached=True),
                await runtime.evaluate("privacy/decision", DENY),
                await runtime.evaluate_many("privacy/decision", [other, DENY], cached=True))

    first, second, uncached, (many_other, many_deny) = asyncio.run(run())
    assert first.key is not None and first.key == second.key == many_deny.key  # the decision log reuses by it
    assert many_other.key not in (None, first.key) and uncached.key is None


def _with_log(policies: PolicySet, log: str | None) -> PolicyRuntime:
    modules = {k: v for k, v in policies.modules.items() if k != "system/log.rego"}
    if log is not None:
        modules["system/log.rego"] = "package system.log\n\nimport rego.v1\n\n" + log
    return PolicyRuntime(dataclasses.replace(policies, modules=modules), workers=1)


@pytest.mark.parametrize(("log", "reusable"), [
    (None, True),  # nothing masks: the event is written as it is
    ("mask contains \"/input/secret\" if input.input.secret\n", True),
    ("mask contains \"/result\" if input.path == \"privacy/decision\"\n", True),
    ("mask contains \"/input\" if startswith(input.decision_id, \"0\")\n", False),  # per event
    ("mask contains \"/input\" if input[\"timestamp\"]\n", False),  # reads it all
])
def test_a_mask_outcome_is_reused_only_when_it_reads_no_more_than_the_decision(
    policies: PolicySet, log: str | None, reusable: bool
) -> None:
    runtime = _with_log(policies, log)
    try:
        assert runtime.log_mask_scope() == (runtime.revision if reusable else None)
    finally:
        runtime.close()


def test_the_default_mask_is_reused(runtime: PolicyRuntime) -> None:
    assert runtime.has_log_policy and runtime.log_mask_scope() == runtime.revision


def test_identical_new_inputs_arriving_together_are_evaluated_once(policies: PolicySet, monkeypatch) -> None:
    import time as clock

    from privacy_pdp.server import runtime as runtime_module

    calls = []
    real = runtime_module._timed

    def slow(*args: Any) -> Any:
        calls.append(args[1])
        clock.sleep(0.2)  # long enough for every request to arrive while it runs
        return real(*args)

    monkeypatch.setattr(runtime_module, "_timed", slow)
    runtime = PolicyRuntime(policies, workers=2)
    flow = {**DENY, "data_use": "essential.service"}

    async def together() -> list[Any]:
        return await asyncio.gather(*(runtime.evaluate("privacy/decision", flow, cached=True) for _ in range(5)))

    try:
        answers = asyncio.run(together())
    finally:
        runtime.close()
    assert calls == ["privacy/decision"]
    assert [a.cached for a in answers] == [False, True, True, True, True]
    assert all(a.evaluation == answers[0].evaluation and a.key == answers[0].key is not None for a in answers)
    assert len({id(a.evaluation.value) for a in answers}) == 5  # each its own copy


def test_a_failed_shared_evaluation_fails_every_caller(policies: PolicySet, monkeypatch) -> None:
    import time as clock

    from privacy_pdp.core.engine import EvaluationError
    from privacy_pdp.server import runtime as runtime_module

    def failing(*args: Any) -> Any:
        clock.sleep(0.1)
        raise EvaluationError("the engine failed")

    monkeypatch.setattr(runtime_module, "_timed", failing)
    runtime = PolicyRuntime(policies, workers=2)

    async def together() -> list[Any]:
        return await asyncio.gather(*(runtime.evaluate("privacy/decision", DENY, cached=True) for _ in range(3)),
                                    return_exceptions=True)

    try:
        outcomes = asyncio.run(together())
    finally:
        runtime.close()
    assert [type(o).__name__ for o in outcomes] == ["EvaluationError"] * 3
    assert runtime._running == {}


@pytest.mark.parametrize("log", [
    None,  # the shipped system.log
    "mask contains \"/input/secret\" if input.input.secret\n\ndrop if input.input.drop_me\n",
    "drop := false\n",  # no mask rule: none in the answer either
    "mask contains \"/input\" if data.privacy.request.company == \"kallu\"\n",  # reads another package: not alone
])
def test_the_log_rules_are_the_packages_own_drop_and_mask(policies: PolicySet, log: str | None) -> None:
    runtime = PolicyRuntime(policies, workers=1) if log is None else _with_log(policies, log)
    events = [{"decision_id": "1", "input": {**DENY, "secret": "s"}, "result": {"allow": False}},
              {"decision_id": "2", "input": {**DENY, "drop_me": True}},
              {"decision_id": "3", "input": {**DENY, "recipient": {"kind": "other_users", "name": "Ann"}}}]
    try:
        for event in events:
            whole = asyncio.run(runtime.evaluation("system/log", event))
            rules = asyncio.run(runtime.log_rules("system/log", event))
            assert whole.defined and rules.defined
            assert rules.value == {k: v for k, v in whole.value.items() if k in ("drop", "mask")}
    finally:
        runtime.close()


def test_the_log_rules_are_asked_alone_when_the_package_is_compiled_alone(runtime: PolicyRuntime, monkeypatch) -> None:
    from privacy_pdp.server import runtime as runtime_module

    asked = []
    real = runtime_module._timed
    monkeypatch.setattr(runtime_module, "_timed", lambda active, path, *rest: asked.append(path) or real(active, path, *rest))
    event = {"decision_id": "1", "input": {**DENY, "asked_alone": True}}  # an input no other test decided
    value = asyncio.run(runtime.log_rules("system/log", event)).value
    assert asked == [runtime_module.LOG_RULES_PATH] and set(value) == {"drop", "mask"}


@pytest.mark.parametrize("wanted", [True, False])
def test_a_new_decisions_log_rules_are_worked_out_beside_it_when_a_log_asks(policies: PolicySet, wanted: bool) -> None:
    from privacy_pdp.server.runtime import LOG_RULES_PATH

    runtime = PolicyRuntime(policies, workers=1)
    runtime.log_rules_wanted = wanted
    fresh = {**DENY, "client_field": "x"}
    event = {"decision_id": "1", "path": "privacy/decision", "input": fresh}

    async def run() -> tuple[Any, Any, Any]:
        decided = await runtime.evaluate("privacy/decision", fresh, cached=True)
        return decided, await runtime.evaluate(LOG_RULES_PATH, event), await runtime.evaluation("system/log", event)

    try:
        decided, rules, whole = asyncio.run(run())
    finally:
        runtime.close()
    assert not decided.cached and rules.cached is wanted  # with a log, in the cache before it asked
    assert rules.evaluation.value == {"drop": whole.value["drop"], "mask": whole.value["mask"]}
    assert rules.evaluation.value["mask"] == ["/input/client_field"]


def test_the_service_works_out_the_log_rules_only_with_a_decision_log(policies: PolicySet, tmp_path) -> None:
    from privacy_pdp.server.app import create_app
    from privacy_pdp.server.settings import Settings

    def wanted(**settings: Any) -> bool:
        runtime = create_app(Settings(**settings), policy_set=policies).state.services.runtime
        try:
            return runtime.log_rules_wanted
        finally:
            runtime.close()

    assert wanted(decision_log_enabled=True, decision_log_dir=tmp_path)
    assert not wanted(decision_log_enabled=False)


def test_log_rules_reading_more_than_the_input_are_left_to_the_log(policies: PolicySet) -> None:
    from privacy_pdp.server.runtime import LOG_RULES_PATH

    runtime = _with_log(policies, "mask contains \"/result\" if input.path == \"privacy/decision\"\n")
    runtime.log_rules_wanted = True
    event = {"decision_id": "1", "path": "privacy/decision", "input": DENY}
    try:
        asyncio.run(runtime.evaluate("privacy/decision", DENY, cached=True))
        rules = asyncio.run(runtime.evaluate(LOG_RULES_PATH, event))
        assert not rules.cached and rules.evaluation.value["mask"] == ["/result"]
    finally:
        runtime.close()
