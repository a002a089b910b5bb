"""Atomic activation: compile first, keep the last good set, finish in-flight work on the old."""

from __future__ import annotations

import asyncio
import dataclasses
import threading

import pytest

from privacy_pdp.core.engine import EngineError
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.runtime import NotReady, PolicyRuntime


def variant(policies: PolicySet, answer: int, revision: str) -> PolicySet:
    module = f"package probe\n\nimport rego.v1\n\nanswer := {answer}\n"
    return dataclasses.replace(policies, modules={**policies.modules, "probe.rego": module}, revision=revision)


def test_activate_swaps_and_a_broken_set_keeps_the_last_good(policies: PolicySet) -> None:
    runtime = PolicyRuntime(workers=1)
    try:
        assert not runtime.ready and runtime.revision == ""
        with pytest.raises(NotReady):
            asyncio.run(runtime.evaluate("probe/answer"))
        runtime.activate(variant(policies, 1, "one"))
        assert runtime.ready and runtime.revision == "one"
        assert asyncio.run(runtime.evaluate("probe/answer")).evaluation.value == 1
        broken = dataclasses.replace(policies, modules={**policies.modules, "bad.rego": "package bad\nx := {"},
                                     revision="broken")
        with pytest.raises(EngineError):
            runtime.activate(broken)
        assert runtime.revision == "one" and runtime.last_failure and runtime.last_failure.revision == "broken"
        answer = asyncio.run(runtime.evaluate("probe/answer"))
        assert (answer.evaluation.value, answer.revision) == (1, "one")
        asyncio.run(runtime.activate_async(variant(policies, 2, "two")))
        assert runtime.last_failure is None and runtime.activations == 2
        assert asyncio.run(runtime.evaluate("probe/answer")).evaluation.value == 2
    finally:
        runtime.close()


def test_a_request_in_flight_finishes_on_the_set_it_started_with(policies: PolicySet) -> None:
    runtime = PolicyRuntime(variant(policies, 1, "one"), workers=1)
    started, release = threading.Event(), threading.Event()
    old_engine = runtime.active.engine  # type: ignore[union-attr]
    evaluate = old_engine.evaluate

    def slow(path, input=None):  # holds the evaluation until the swap has happened
        started.set()
        release.wait(10)
        return evaluate(path, input)

    old_engine.evaluate = slow  # type: ignore[method-assign]

    async def run() -> tuple:
        in_flight = asyncio.create_task(runtime.evaluate("probe/answer"))
        await asyncio.to_thread(started.wait, 10)
        runtime.activate(variant(policies, 2, "two"))
        release.set()
        old = await in_flight
        new = await runtime.evaluate("probe/answer")
        return old, new

    try:
        old, new = asyncio.run(run())
    finally:
        runtime.close()
    assert (old.evaluation.value, old.revision) == (1, "one")
    assert (new.evaluation.value, new.revision) == (2, "two")


def test_warming_up_compacts_the_decision_plan_and_every_activation_anew(policies: PolicySet) -> None:
    runtime = PolicyRuntime(variant(policies, 1, "one"), workers=2)
    try:
        first = runtime.active.engine
        assert first.compaction is None  # served as built until warmed up
        asyncio.run(runtime.warm_up())
        first.compaction.join(timeout=120)
        assert first.compacted and first.pool.size == 2  # one compacted interpreter per worker
        doc = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "marketing.advertising",
               "recipient": {"kind": "advertising_partner"}}
        decided = asyncio.run(runtime.evaluate("privacy/decision", doc)).evaluation
        assert decided.value["allow"] is False
        asyncio.run(runtime.activate_async(variant(policies, 2, "two")))
        second = runtime.active.engine
        assert second is not first
        second.compaction.join(timeout=120)
        assert second.compacted
        assert asyncio.run(runtime.evaluate("probe/answer")).evaluation.value == 2
        assert asyncio.run(runtime.evaluate("privacy/decision", doc)).evaluation == decided
    finally:
        runtime.close()


def test_with_compaction_turned_off_the_plan_is_served_as_built(policies: PolicySet, monkeypatch) -> None:
    monkeypatch.setenv("PDP_COMPACT_PLAN", "false")
    from privacy_pdp.server.settings import load_settings

    settings = load_settings()
    assert settings.compact_plan is False
    runtime = PolicyRuntime(policies, workers=1, compact_plan=settings.compact_plan)
    try:
        asyncio.run(runtime.warm_up())
        assert runtime.active.engine.compaction is None and not runtime.active.engine.compacted
    finally:
        runtime.close()


def test_a_runtime_stops_the_compaction_of_the_engine_it_replaces(policies) -> None:
    runtime = PolicyRuntime(policies, workers=1)
    try:
        first = runtime.active.engine
        thread = first.compact_in_background()
        runtime.activate(dataclasses.replace(policies, revision="another"))
        thread.join(timeout=30)
        assert not thread.is_alive() and first._compaction_stopped
    finally:
        runtime.close()
    assert runtime.active.engine._compaction_stopped
