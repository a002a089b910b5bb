"""Upload to a real collector: outages, restarts, backpressure."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

import pytest
from decision_log.common import Collector, event, read_events, run, settings

from privacy_pdp.server.decision_log import DecisionLog, DecisionLogUnavailable
from privacy_pdp.server.decision_log.upload import backoff
from privacy_pdp.server.decision_log.verify import verify_directory

FAST = {"upload_min_delay": 0.02, "upload_max_delay": 0.2, "upload_batch_bytes": 16 * 1024}


async def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def test_collector_down_for_part_of_a_run_loses_nothing(tmp_path: Path, collector: Collector) -> None:
    async def scenario() -> dict:
        log = DecisionLog.from_settings(settings(tmp_path, upload_url=collector.url, **FAST))
        await log.start()
        await asyncio.gather(*(log.record(event(i)) for i in range(500)))
        await _wait_for(lambda: len(collector.ids()) == 500)
        collector.stop()  # connection refused from now on
        await asyncio.gather(*(log.record(event(i)) for i in range(500, 1000)))
        await _wait_for(lambda: log.status()["upload"]["state"] == "ERROR")
        during = log.status()
        collector.start()
        await asyncio.gather(*(log.record(event(i)) for i in range(1000, 1500)))
        await log.close()
        return {"during": during, "stats": log.stats()}

    outcome = run(scenario())
    ids = collector.ids()
    assert len(ids) == len(set(ids)) == 1500  # none lost, none twice
    assert set(ids) == {e["decision_id"] for e in read_events(tmp_path)}
    assert collector.problems == []
    assert outcome["during"]["upload"]["pending_bytes"] > 0
    assert outcome["during"]["state"] == "OK"  # events wait on disk: the instance stays healthy
    assert outcome["during"]["decision_logs"]["code"] == "decision_log_error"
    assert outcome["stats"]["uploaded"] == 1500 and outcome["stats"]["pending_upload_bytes"] == 0
    assert outcome["stats"]["dropped"] == 0
    uploaded = collector.events[0]
    assert uploaded["hash"] and uploaded["prev_hash"] and uploaded["path"] == "privacy/decision"


def test_a_restart_resumes_the_upload_without_loss_or_duplicates(tmp_path: Path, collector: Collector) -> None:
    async def one_run(start: int, count: int) -> dict:
        async with DecisionLog.from_settings(
            settings(tmp_path, upload_url=collector.url, upload_drain_seconds=1, **FAST)
        ) as log:
            for i in range(start, start + count):
                await log.record(event(i))
        return log.stats()

    run(one_run(0, 200))
    assert len(collector.ids()) == 200
    collector.failing = True  # 500s: the next run's events stay on disk
    left = run(one_run(200, 100))
    assert left["pending_upload_bytes"] > 0 and collector.refused > 0
    assert len(collector.ids()) == 200
    collector.failing = False
    run(one_run(300, 50))
    ids = collector.ids()
    assert len(ids) == len(set(ids)) == 350
    assert sorted(e["input"]["n"] for e in collector.events) == list(range(350))
    report = verify_directory(tmp_path)
    assert report.ok and report.events == 350


def test_a_full_buffer_makes_record_wait_then_refuse_then_recover(tmp_path: Path) -> None:
    collector = Collector()  # not started: nothing listens on its port

    async def scenario() -> dict:
        log = DecisionLog.from_settings(settings(
            tmp_path, upload_url=collector.url, buffer_max_bytes=20_000, backpressure_seconds=0.4, **FAST))
        await log.start()
        accepted = 0
        with pytest.raises(DecisionLogUnavailable, match="buffer full.*collector unavailable"):
            for i in range(1000):
                started = time.perf_counter()
                await log.record(event(i))
                accepted += 1
        waited = time.perf_counter() - started
        full = log.status()
        collector.start()  # the collector comes back while a request waits
        log.config = dataclasses.replace(log.config, backpressure_seconds=5.0)
        started = time.perf_counter()
        await log.record(event(accepted))
        accepted += 1
        resumed_after = time.perf_counter() - started
        await log.close()
        return {"accepted": accepted, "waited": waited, "full": full, "resumed": resumed_after, "stats": log.stats()}

    try:
        outcome = run(scenario())
    finally:
        collector.stop()
    assert 0.4 <= outcome["waited"] < 2
    assert outcome["full"]["state"] == "ERROR"
    assert outcome["stats"]["refused"] == 1 and outcome["stats"]["dropped"] == 0
    assert outcome["resumed"] < 5
    assert sorted(e["input"]["n"] for e in collector.events) == list(range(outcome["accepted"]))
    assert verify_directory(tmp_path).events == outcome["accepted"]


def test_backoff_grows_like_opas_and_is_capped_with_jitter() -> None:
    assert backoff(0, 10) == 0
    first = [backoff(1, 10) for _ in range(200)]
    assert all(0.16 * 0.8 <= d <= 0.16 * 1.2 for d in first)
    assert len({round(d, 6) for d in first}) > 1  # jittered
    assert all(10 * 0.8 <= backoff(50, 10) <= 10 * 1.2 for _ in range(50))
    # 0.1 s x 1.6^3 within its jitter: the ranges of retries 1 and 3 do not overlap
    assert all(0.4096 * 0.8 <= backoff(3, 10) <= 0.4096 * 1.2 for _ in range(200))
