"""Decision-log events in OPA's format; masking and dropping by system.log; fail closed."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from privacy_pdp.core.engine import UNDEFINED
from privacy_pdp.server.decision_events import NoDecisionLog, decision_event, open_decision_log
from privacy_pdp.server.decision_log.mask import MaskRuleError, apply_rules, parse_rules, policy_mask
from privacy_pdp.server.runtime import PolicyRuntime
from privacy_pdp.server.settings import Settings

INPUT = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "marketing.communications.email",
         "recipient": {"kind": "third_party", "name": "Mailer Ltd"}, "subject": {"age": 34, "country": "DE"}}


def test_event_has_opas_fields() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
    event = decision_event(
        decision_id="d1", path="/privacy/decision", input=INPUT, result={"allow": False}, revision="r1",
        labels={"id": "i", "version": "v"}, requested_by="127.0.0.1:5", metrics={"timer_server_handler_ns": 1},
        timestamp=at, batch_decision_id="b1",
    )
    assert event == {
        "labels": {"id": "i", "version": "v"}, "decision_id": "d1", "bundles": {"privacy": {"revision": "r1"}},
        "path": "privacy/decision", "requested_by": "127.0.0.1:5", "timestamp": "2026-01-02T03:04:05.678901Z",
        "input": INPUT, "result": {"allow": False}, "metrics": {"timer_server_handler_ns": 1},
        "batch_decision_id": "b1",
    }


def test_undefined_input_and_result_are_absent() -> None:
    event = decision_event(decision_id="d", path="p", input=UNDEFINED, result=UNDEFINED, revision="", labels={},
                           requested_by="")
    assert "input" not in event and "result" not in event and "batch_decision_id" not in event


def test_disabled_logging_is_the_no_op_log() -> None:
    log = open_decision_log(Settings(decision_log_enabled=False))
    assert isinstance(log, NoDecisionLog)
    asyncio.run(log.record({"decision_id": "x"}))
    assert log.stats() == {"queue_depth": 0, "dropped": 0, "written": 0}


def test_a_refused_event_fails_the_decision_closed(make_app) -> None:
    with make_app() as (client, log):
        log.refuse = "buffer full"
        response = client.post("/v1/data/privacy/decision", json={"input": INPUT})
        assert response.status_code == 503
        assert response.json() == {"code": "internal_error", "message": "decision log unavailable: buffer full"}
        batch = client.post("/v1/batch/data/privacy/decision", json={"inputs": {"a": INPUT}})
        assert batch.status_code == 503
        log.refuse = None
        assert client.post("/v1/data/privacy/decision", json={"input": INPUT}).status_code == 200


def test_v0_and_default_decision_are_logged_too(make_app) -> None:
    with make_app() as (client, log):
        client.post("/", json=INPUT)
        client.post("/v0/data/privacy/decision", json=INPUT)
        client.get("/v1/data/privacy/decision")
        assert [e["path"] for e in log.events] == ["privacy/decision"] * 3
        assert "input" not in log.events[2]
        assert len({e["decision_id"] for e in log.events}) == 3


def test_apply_mask_erases_and_upserts_by_pointer() -> None:
    event = {"input": INPUT, "result": {"allow": False}, "decision_id": "d"}
    with pytest.raises(MaskRuleError):  # only /input and /result are maskable, as in OPA
        parse_rules(["/decision_id"])
    masked = apply_rules(event, parse_rules(["/input/subject", "/input/nope",
                                {"op": "upsert", "path": "/input/recipient/name", "value": "**"},
                                {"op": "upsert", "path": "/result/extra/x", "value": 1}]))
    assert "subject" not in masked["input"] and masked["input"]["recipient"]["name"] == "**"
    assert masked["result"]["extra"] == {"x": 1}
    assert masked["decision_id"] == "d"
    assert masked["erased"] == ["/input/subject"]
    assert masked["masked"] == ["/input/recipient/name", "/result/extra/x"]
    assert event["input"]["subject"] == INPUT["subject"]  # the original (and the response) untouched


LOG_POLICY = """package system.log

import rego.v1

drop if input.input.company == "drop-me"

mask contains "/input/subject"

mask contains {"op": "upsert", "path": "/input/recipient/name", "value": "<name>"} if input.input.recipient.name
"""


def test_log_policy_masks_and_drops_in_rego(policies) -> None:
    policy_set = type(policies)({**policies.modules, "system/log.rego": LOG_POLICY}, policies.data, revision="logpol")

    async def run() -> tuple:
        runtime = PolicyRuntime(policy_set, workers=1)
        try:
            policy = policy_mask(runtime.evaluation)
            kept = await policy({"input": INPUT, "result": {"allow": False}})
            dropped = await policy({"input": {**INPUT, "company": "drop-me"}})
            return kept, dropped
        finally:
            runtime.close()

    kept, dropped = asyncio.run(run())
    assert dropped is None
    assert "subject" not in kept["input"] and kept["input"]["recipient"]["name"] == "<name>"
    assert kept["erased"] == ["/input/subject"] and kept["masked"] == ["/input/recipient/name"]


def test_without_a_log_policy_events_pass_unchanged(policies) -> None:
    without = {name: source for name, source in policies.modules.items() if not name.startswith("system/")}
    policy_set = type(policies)(without, policies.data, revision="nolog")

    async def run() -> dict:
        runtime = PolicyRuntime(policy_set, workers=1)
        try:
            return await policy_mask(runtime.evaluation)({"input": INPUT})
        finally:
            runtime.close()

    assert asyncio.run(run()) == {"input": INPUT}
