"""Masking and dropping as OPA does, and the default system.log policy on both engines."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from decision_log.common import event, read_events, run, settings

from privacy_pdp.core.engine import Evaluation, OpaGoEngine, RegoEngine
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.decision_log import DecisionLog, MaskRuleError, apply_rules, parse_rules, policy_mask
from privacy_pdp.server.decision_log.mask import PACKAGE_PATH

MASK_PATH, DROP_PATH = f"{PACKAGE_PATH}/mask", f"{PACKAGE_PATH}/drop"

ROOT = Path(__file__).resolve().parents[2]


def _mask(e: dict[str, Any], rules: list[Any]) -> dict[str, Any]:
    return apply_rules(e, parse_rules(rules))


def test_a_pointer_erases_and_is_listed_in_erased() -> None:
    e = {"input": {"a": {"b": 1, "c": 2}}, "result": {"allow": True}}
    masked = _mask(e, ["/input/a/b"])
    assert masked == {"input": {"a": {"c": 2}}, "result": {"allow": True}, "erased": ["/input/a/b"]}
    assert e == {"input": {"a": {"b": 1, "c": 2}}, "result": {"allow": True}}  # not changed


def test_upsert_replaces_or_creates_and_is_listed_in_masked() -> None:
    e = {"input": {"a": {"b": 1}}}
    masked = _mask(e, [{"op": "upsert", "path": "/input/a/b", "value": "**"},
                       {"op": "upsert", "path": "/input/x/y", "value": [1]}])
    assert masked["input"] == {"a": {"b": "**"}, "x": {"y": [1]}}
    assert masked["masked"] == ["/input/a/b", "/input/x/y"]
    assert e == {"input": {"a": {"b": 1}}}


def test_arrays_whole_fields_and_missing_paths() -> None:
    e = {"input": {"xs": [{"k": 1}, {"k": 2}, 3]}, "result": {"r": 1}}
    assert _mask(e, ["/input/xs/1"])["input"] == {"xs": [{"k": 1}, 3]}
    assert _mask(e, ["/input/xs/0/k"])["input"] == {"xs": [{}, {"k": 2}, 3]}
    assert "input" not in _mask(e, ["/input"]) and _mask(e, ["/input"])["erased"] == ["/input"]
    assert _mask(e, [{"op": "upsert", "path": "/result", "value": "hidden"}])["result"] == "hidden"
    untouched = _mask(e, ["/input/nope", "/input/xs/9", "/input/xs/x", {"op": "upsert", "path": "/input/xs/0/k/z"}])
    assert untouched == e  # undefined paths are ignored and not listed
    assert _mask({"result": 1}, ["/input/a"]) == {"result": 1}  # no input: nothing to mask


def test_percent_encoded_segments_name_keys_with_slashes() -> None:
    assert _mask({"input": {"a/b": 1, "a": {"b": 2}}}, ["/input/a%2Fb"])["input"] == {"a": {"b": 2}}


@pytest.mark.parametrize("rules", [
    "not a set", ["input/a"], ["/labels/id"], [""], [{"op": "replace", "path": "/input/a"}], [{"path": 3}], [7],
])
def test_malformed_mask_rules_are_rejected_like_opa(rules: Any) -> None:
    with pytest.raises(MaskRuleError):
        parse_rules(rules)


class _Evaluator:
    """An async evaluate(path, input) over an engine, as the policy runtime offers."""

    def __init__(self, engine: Any):
        self.engine = engine
        self.calls: list[str] = []

    async def __call__(self, path: str, input: Any) -> Evaluation:
        self.calls.append(path)
        return await asyncio.to_thread(self.engine.evaluate, path, input)


@pytest.fixture(scope="module")
def log_policies() -> PolicySet:
    """The system.log package alone (the decision policies are not needed to mask)."""
    source = (ROOT / "policies/system/log.rego").read_text()
    return PolicySet({"system/log.rego": source}, {}, "test")


@pytest.fixture(scope="module")
def engines(log_policies: PolicySet) -> list[Any]:
    return [RegoEngine(log_policies, entrypoints=[PACKAGE_PATH, MASK_PATH, DROP_PATH]), OpaGoEngine(log_policies)]


EVENTS = [
    event(0),
    event(1, user_email="ann@example.com", recipient={"kind": "other_users", "name": "Ann", "phone": "1"}),
    event(2, recipient={"kind": "service_provider", "name": "Cloud Ltd"}, subject={"age": 3, "ssn": "x"}),
    event(3, **{"a/b": 1, "50%": 2, "": 3}),
    {**event(4), "input": "a string"},
    {k: v for k, v in event(5).items() if k != "input"},
]


def test_the_default_policy_masks_alike_on_both_engines(engines: list[Any]) -> None:
    for e in EVENTS:
        answers = []
        for engine in engines:
            mask, drop = engine.evaluate(MASK_PATH, e), engine.evaluate(DROP_PATH, e)
            answers.append((sorted(mask.value) if mask.defined else None, drop.value if drop.defined else None))
            package = engine.evaluate(PACKAGE_PATH, e)  # what policy_mask asks: the same answers at once
            if mask.defined:
                assert sorted(package.value["mask"]) == answers[-1][0] and package.value["drop"] is False
        assert answers[0] == answers[1], (e, answers)
        assert answers[0][1] is False  # nothing is dropped


def test_the_default_policy_through_the_decision_log(tmp_path: Path, engines: list[Any]) -> None:
    originals = copy.deepcopy(EVENTS[:4])
    evaluator = _Evaluator(engines[0])

    async def scenario() -> dict:
        async with DecisionLog.from_settings(settings(tmp_path), mask=policy_mask(evaluator)) as log:
            for e in EVENTS[:4]:
                await log.record(e)
        return log.stats()

    stats = run(scenario())
    assert EVENTS[:4] == originals  # the answers are not touched
    logged = read_events(tmp_path)
    # the events carry "n" beside the contract's fields: erased everywhere
    assert logged[0]["erased"] == ["/input/n"] and "n" not in logged[0]["input"]
    assert sorted(logged[1]["erased"]) == ["/input/n", "/input/recipient/name", "/input/recipient/phone",
                                           "/input/user_email"]
    assert logged[1]["input"]["recipient"] == {"kind": "other_users"}
    assert sorted(logged[2]["erased"]) == ["/input/n", "/input/subject/ssn"]
    assert logged[2]["input"]["recipient"]["name"] == "Cloud Ltd"
    assert sorted(logged[3]["erased"]) == ["/input/", "/input/50%25", "/input/a%2Fb", "/input/n"]
    assert set(logged[3]["input"]) == {"company", "data_categories", "data_use", "recipient"}
    assert stats["mask_errors"] == 0 and set(evaluator.calls) == {PACKAGE_PATH}


def test_drop_true_drops_and_an_error_fails_closed(tmp_path: Path) -> None:
    async def evaluate(path: str, input: Any) -> Evaluation:
        assert path == PACKAGE_PATH
        n = input["input"]["n"]
        if n == 1:
            return Evaluation(True, {"drop": True, "mask": []})
        if n == 2:
            raise RuntimeError("engine failed")
        if n == 3:
            return Evaluation(True, {"drop": False, "mask": ["/bad"]})
        return Evaluation(False)

    async def scenario() -> dict:
        async with DecisionLog.from_settings(settings(tmp_path), mask=policy_mask(evaluate)) as log:
            for n in range(4):
                await log.record(event(n))
        return log.stats()

    stats = run(scenario())
    logged = read_events(tmp_path)
    assert [e.get("input", {}).get("n") for e in logged] == [0, None, None]  # 1 dropped; 2, 3 erased
    assert logged[1]["erased"] == ["/input", "/result"] and "result" not in logged[1]
    assert logged[2]["erased"] == ["/input", "/result"]
    assert stats["policy_dropped"] == 1 and stats["mask_errors"] == 2 and stats["dropped"] == 0


def test_the_policy_knows_every_contract_field(engines: list[Any]) -> None:
    """The mask keeps exactly the contract's fields: it must follow the input schema."""
    schema = json.loads((ROOT / "policies/schema/decision-input.schema.json").read_text())
    opa = engines[1]
    assert set(opa.evaluate("system/log/contract_fields").value) == set(schema["properties"])
    nested = opa.evaluate("system/log/nested_fields").value
    objects = {k: v for k, v in schema["properties"].items() if _object_properties(v)}
    assert {k: set(v) for k, v in nested.items()} == {k: set(_object_properties(v)) for k, v in objects.items()}


def _object_properties(schema: dict[str, Any]) -> list[str]:
    for option in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        if "properties" in option:
            return list(option["properties"])
    return []


def test_without_a_log_package_the_engine_is_not_asked(policies: PolicySet) -> None:
    # a path not compiled in costs regopy a compile per query: asked per event, it stalled
    # the server under load
    from privacy_pdp.server.runtime import PolicyRuntime

    bare = PolicySet({k: v for k, v in policies.modules.items() if not k.startswith("system/")}, policies.data, "r")
    assert PolicyRuntime(bare, workers=1).has_log_policy is False
    assert PolicyRuntime(policies, workers=1).has_log_policy is True

    async def evaluate(path: str, value: Any) -> Evaluation:
        raise AssertionError(f"the engine was asked for {path}")

    original = event(1, user_email="x@example.com")
    assert run(policy_mask(evaluate, present=lambda: False)(original)) == original
