"""A repeated decision's event is written from the masked parts of the first one with its key:
the bytes are those of masking it anew, and the mask is asked once per key."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from decision_log.common import event, read_events, run, settings
from decision_log.test_chain import standard, values
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from privacy_pdp.core.engine import Evaluation
from privacy_pdp.server.decision_log import DecisionLog, apply_rules, canonical, parse_rules, policy_mask
from privacy_pdp.server.decision_log.chain import CHAIN_FIELDS, canonical_with
from privacy_pdp.server.decision_log.reuse import MISSING, REUSED_FIELDS, ReusedParts, written

own_fields = st.dictionaries(
    st.sampled_from(["decision_id", "timestamp", "labels", "metrics", "path", "bundles", "requested_by", "é", "\x7f"])
    | st.text(max_size=6),
    values, max_size=6,
).map(lambda d: {k: v for k, v in d.items() if k not in REUSED_FIELDS + CHAIN_FIELDS})
parts = st.dictionaries(st.sampled_from(REUSED_FIELDS), values, max_size=4)
decided = st.dictionaries(st.sampled_from(["input", "result"]), values, max_size=2)  # erased, masked: the mask's
pointers = st.lists(st.sampled_from(["/input/a", "/input/a/b", "/input/x/0", "/result", "/result/allow", "/input"]),
                    max_size=3)


@hypothesis_settings(max_examples=500, deadline=None)
@given(own_fields, parts)
def test_an_object_from_written_fields_is_the_standard_writers_bytes(
    own: dict[str, Any], reused: dict[str, Any]
) -> None:
    written_parts = {k: standard({"v": v})[5:-1] for k, v in reused.items()}
    assert canonical_with(own, written_parts) == standard({**own, **reused})


@hypothesis_settings(max_examples=400, deadline=None)
@given(own_fields, own_fields, decided, pointers)
def test_a_second_event_written_from_the_first_ones_parts_is_masked_alike(
    first_own: dict[str, Any], second_own: dict[str, Any], reused: dict[str, Any], rules: list[str]
) -> None:
    masking = parse_rules(rules)
    first, second = {**first_own, **reused}, {**second_own, **copy.deepcopy(reused)}
    kept = ReusedParts().put(b"k", apply_rules(first, masking))
    assert kept is not None
    assert written(second, kept) == canonical(apply_rules(second, masking))


def test_the_parts_are_bounded_in_entries_and_bytes() -> None:
    by_entries = ReusedParts(max_entries=2)
    for n in range(3):
        by_entries.put(bytes([n]), {"input": {"n": n}})
    assert by_entries.get(bytes([0])) is MISSING and by_entries.get(bytes([2])) == {"input": b'{"n":2}'}
    by_bytes = ReusedParts(max_bytes=64 * 400)
    for n in range(100):
        by_bytes.put(bytes([n]), {"input": {"n": n}})
    assert 0 < len(by_bytes) < 100 and by_bytes.bytes <= 64 * 400
    huge = ReusedParts(max_bytes=64 * 400)
    assert huge.put(b"h", {"input": "x" * 1000}) == {"input": b'"' + b"x" * 1000 + b'"'}  # written, not kept
    assert len(huge) == 0


class _CountingMask:
    """An evaluate() for policy_mask: erases input.secret, drops events whose input.n is 7."""

    def __init__(self) -> None:
        self.asked = 0

    async def __call__(self, path: str, input: Any) -> Evaluation:
        self.asked += 1
        return Evaluation(True, {"drop": input["input"].get("n") == 7, "mask": ["/input/secret"]})


def _record(tmp_path: Path, events: list[dict[str, Any]], keys: list[bytes | None] | None,
            scope: str | None = "rev-1") -> tuple[list[dict[str, Any]], dict[str, int], _CountingMask, DecisionLog]:
    evaluate = _CountingMask()

    async def scenario() -> DecisionLog:
        async with DecisionLog.from_settings(settings(tmp_path), mask=policy_mask(evaluate),
                                             mask_scope=lambda: scope) as log:
            await log.record_many(events, keys)
        return log

    log = run(scenario())
    return read_events(tmp_path), log.stats(), evaluate, log


def _same_decision(n: int, times: int) -> list[dict[str, Any]]:
    first = event(n, secret="s3cret")
    return [{**copy.deepcopy(first), "decision_id": f"id-{i}", "metrics": {"timer_server_handler_ns": i}}
            for i in range(times)]


def test_a_repeated_key_asks_the_mask_once_and_logs_what_masking_each_would(tmp_path: Path) -> None:
    events = _same_decision(1, 5)
    logged, stats, evaluate, log = _record(tmp_path / "reused", events, [b"key-1"] * 5)
    fresh, _, fresh_evaluate, _ = _record(tmp_path / "fresh", events, None)
    assert evaluate.asked == 1 and fresh_evaluate.asked == 5
    assert logged == fresh  # byte for byte: read_events checks each line's canonical form and chain
    assert [e["decision_id"] for e in logged] == [f"id-{i}" for i in range(5)]
    assert all("secret" not in e["input"] and e["erased"] == ["/input/secret"] for e in logged)
    assert log.reused.hits == 4 and stats["mask_errors"] == 0


def test_a_dropped_decision_is_dropped_again_without_asking(tmp_path: Path) -> None:
    logged, stats, evaluate, _ = _record(tmp_path, _same_decision(7, 3) + _same_decision(1, 1), [b"k7"] * 3 + [b"k1"])
    assert evaluate.asked == 2 and stats["policy_dropped"] == 3
    assert [e["input"]["n"] for e in logged] == [1]


def test_without_a_scope_or_a_key_the_mask_is_asked_every_time(tmp_path: Path) -> None:
    _, _, no_scope, _ = _record(tmp_path / "a", _same_decision(1, 3), [b"k"] * 3, scope=None)
    _, _, no_key, _ = _record(tmp_path / "b", _same_decision(1, 3), [None] * 3)
    assert no_scope.asked == 3 and no_key.asked == 3


def test_a_new_scope_asks_the_mask_again(tmp_path: Path) -> None:
    scope = ["rev-1"]
    evaluate = _CountingMask()

    async def scenario() -> None:
        async with DecisionLog.from_settings(settings(tmp_path), mask=policy_mask(evaluate),
                                             mask_scope=lambda: scope[0]) as log:
            await log.record_many(_same_decision(1, 2), [b"k", b"k"])
            scope[0] = "rev-2"  # a new mask policy was activated
            await log.record_many(_same_decision(1, 2), [b"k", b"k"])

    run(scenario())
    assert evaluate.asked == 2


def test_a_failed_mask_is_not_kept(tmp_path: Path) -> None:
    asked = []

    async def evaluate(path: str, input: Any) -> Evaluation:
        asked.append(path)
        raise RuntimeError("engine failed")

    async def scenario() -> dict[str, int]:
        async with DecisionLog.from_settings(settings(tmp_path), mask=policy_mask(evaluate),
                                             mask_scope=lambda: "rev-1") as log:
            await log.record_many(_same_decision(1, 2), [b"k", b"k"])
        return log.stats()

    stats = run(scenario())
    assert len(asked) == 2 and stats["mask_errors"] == 2
    assert all(e["erased"] == ["/input", "/result"] for e in read_events(tmp_path))


@pytest.mark.parametrize("with_mask", [False, True])
def test_events_that_differ_in_their_own_fields_keep_them(tmp_path: Path, with_mask: bool) -> None:
    events = _same_decision(1, 2)
    events[1]["batch_decision_id"] = "batch-1"
    events[1]["labels"] = {"id": "another", "note": "é"}

    async def scenario() -> None:
        mask = policy_mask(_CountingMask()) if with_mask else None
        async with DecisionLog.from_settings(settings(tmp_path), mask=mask, mask_scope=lambda: "r") as log:
            await log.record_many(events, [b"k", b"k"])

    run(scenario())
    logged = read_events(tmp_path)
    assert logged[1]["batch_decision_id"] == "batch-1" and logged[1]["labels"] == {"id": "another", "note": "é"}
    assert "batch_decision_id" not in logged[0]
    assert ("secret" in logged[1]["input"]) is not with_mask


def test_the_server_logs_repeated_decisions_from_reused_parts(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from server.test_metrics import samples, value

    from privacy_pdp.server.app import create_app
    from privacy_pdp.server.settings import Settings

    doc = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "essential.service",
           "recipient": {"kind": "other_users", "name": "A Person"}, "note": "outside the contract"}
    app = create_app(Settings(policies=Path(__file__).resolve().parents[2] / "policies", workers=1,
                              decision_log_dir=tmp_path, decision_log_flush_seconds=0.05))
    with TestClient(app) as client:
        ids = [client.post("/v1/data/privacy/decision", json={"input": doc}).json()["decision_id"] for _ in range(3)]
        batch = client.post("/v1/batch/data/privacy/decision", json={"inputs": {"a": doc, "b": doc}}).json()
        found = samples(client.get("/metrics").text)
    # the first is masked as it is, the second (a cache hit) keeps its parts, the rest reuse them
    assert value(found, "pdp_decision_log_reused_total") == 3
    logged = read_events(tmp_path)
    assert [e["decision_id"] for e in logged] == ids + [batch["responses"][k]["decision_id"] for k in ("a", "b")]
    first = logged[0]
    assert sorted(first["erased"]) == ["/input/note", "/input/recipient/name"]  # the default mask's work
    for event in logged[1:]:
        assert {k: event[k] for k in ("input", "result", "erased")} == {k: first[k] for k in ("input", "result", "erased")}
    assert logged[-1]["batch_decision_id"] == batch["batch_decision_id"] and "batch_decision_id" not in first
