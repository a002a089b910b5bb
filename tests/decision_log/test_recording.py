"""Recording: concurrency, rotation, the chain across restarts, shutdown, backpressure."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from decision_log.common import event, read_events, run, settings

from privacy_pdp.server.decision_log import DecisionLog, DecisionLogUnavailable, apply_rules, parse_rules
from privacy_pdp.server.decision_log import writer as writer_module
from privacy_pdp.server.decision_log.segments import list_segments
from privacy_pdp.server.decision_log.verify import verify_directory


async def _erase_email(e: dict) -> dict:
    return apply_rules(e, parse_rules(["/input/user_email"]))


def test_ten_thousand_concurrent_events_are_all_written_once_masked_and_chained(tmp_path: Path) -> None:
    originals = [event(i, user_email=f"u{i}@example.com") for i in range(10_000)]

    async def scenario() -> dict:
        log = DecisionLog.from_settings(settings(tmp_path, max_file_bytes=512 * 1024), mask=_erase_email)
        await log.start()
        started = time.perf_counter()
        await asyncio.gather(*(log.record(e) for e in originals))
        seconds = time.perf_counter() - started
        stats = log.stats()
        await log.close()
        return {"stats": stats, "seconds": seconds, "after": log.stats()}

    outcome = run(scenario())
    report = verify_directory(tmp_path)
    assert report.ok, report.first_break
    assert report.events == 10_000
    assert len(report.files) > 3  # rotated by size, the chain runs across files
    lines = sum(len(s.path.read_bytes().splitlines()) for s in list_segments(tmp_path))
    assert lines == 10_000
    logged = read_events(tmp_path)
    assert len({e["decision_id"] for e in logged}) == 10_000
    assert {e["decision_id"] for e in logged} == {e["decision_id"] for e in originals}
    assert all("user_email" not in e["input"] and e["erased"] == ["/input/user_email"] for e in logged)
    assert all("user_email" in e["input"] and "erased" not in e for e in originals)  # the answer is untouched
    assert outcome["after"]["written"] == 10_000 and outcome["after"]["dropped"] == 0
    assert outcome["after"]["queue_depth"] == 0
    print(f"10,000 events recorded in {outcome['seconds']:.2f} s")


def test_the_chain_continues_across_restarts_and_files(tmp_path: Path) -> None:
    async def one_run(start: int, count: int) -> None:
        async with DecisionLog.from_settings(settings(tmp_path, max_file_bytes=8192)) as log:
            for i in range(start, start + count):
                await log.record(event(i))

    for n in range(3):
        run(one_run(n * 40, 40))
    report = verify_directory(tmp_path)
    assert report.ok, report.first_break
    assert report.events == 120
    assert [e["input"]["n"] for e in read_events(tmp_path)] == list(range(120))
    assert len(report.files) >= 3


def test_events_are_on_disk_within_the_flush_interval_without_close(tmp_path: Path) -> None:
    async def scenario() -> int:
        log = DecisionLog.from_settings(settings(tmp_path, flush_seconds=0.2))
        await log.start()
        for i in range(50):
            await log.record(event(i))
        await asyncio.sleep(0.3)
        on_disk = len(read_events(tmp_path))  # read while running: already there
        await log.close()
        return on_disk

    assert run(scenario()) == 50


def test_a_second_process_cannot_share_the_directory(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with DecisionLog.from_settings(settings(tmp_path)):
            other = DecisionLog.from_settings(settings(tmp_path))
            with pytest.raises(DecisionLogUnavailable, match="in use"):
                await other.start()
            assert other.status()["state"] == "ERROR"

    run(scenario())


def test_record_before_start_or_after_close_is_refused(tmp_path: Path) -> None:
    async def scenario() -> None:
        log = DecisionLog.from_settings(settings(tmp_path))
        with pytest.raises(DecisionLogUnavailable):
            await log.record(event(0))
        assert log.status()["state"] == "NOT_READY"
        await log.start()
        await log.record(event(1))
        assert log.status()["state"] == "OK"
        await log.close()
        with pytest.raises(DecisionLogUnavailable):
            await log.record(event(2))

    run(scenario())
    assert [e["input"]["n"] for e in read_events(tmp_path)] == [1]


def test_a_failing_disk_applies_backpressure_and_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes fail (disk full): record waits, then raises; once the disk is back every
    accepted event is written once and the chain holds."""
    real_write = writer_module._write_all
    failing = {"on": False}

    def write_all(fd: int, blob: bytes) -> None:
        if failing["on"]:
            real_write(fd, blob[: len(blob) // 2])  # a partial write, then the error
            raise OSError(28, "No space left on device")
        real_write(fd, blob)

    monkeypatch.setattr(writer_module, "_write_all", write_all)
    monkeypatch.setattr(writer_module, "RETRY_SECONDS", 0.05)

    async def scenario() -> tuple[int, float, dict, dict]:
        log = DecisionLog.from_settings(settings(tmp_path, queue_max_events=20, backpressure_seconds=0.3))
        await log.start()
        for i in range(10):
            await log.record(event(i))
        await asyncio.sleep(0.05)
        failing["on"] = True
        accepted = 10
        started = time.perf_counter()
        with pytest.raises(DecisionLogUnavailable, match="No space left"):
            for i in range(10, 100):
                await log.record(event(i))
                accepted += 1
        waited = time.perf_counter() - started
        status = log.status()
        failing["on"] = False
        await log.record(event(accepted))  # room again once the writer catches up
        accepted += 1
        await log.close()
        return accepted, waited, status, log.stats()

    accepted, waited, status, stats = run(scenario())
    assert status["state"] == "ERROR" and "No space left" in status["message"]
    assert 0.3 <= waited < 3
    report = verify_directory(tmp_path)
    assert report.ok, report.first_break
    assert report.events == accepted
    ns = [e["input"]["n"] for e in read_events(tmp_path)]
    assert len(ns) == len(set(ns)) == accepted
    assert stats["refused"] == 1 and stats["dropped"] == 0


def test_event_that_is_not_json_is_a_clear_error(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with DecisionLog.from_settings(settings(tmp_path)) as log:
            with pytest.raises(ValueError, match="not JSON"):
                await log.record({"decision_id": "x", "result": float("nan")})
            await log.record(event(1))

    run(scenario())
    assert verify_directory(tmp_path).events == 1


def test_bad_settings_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PDP_DECISION_LOG_FLUSH_SECONDS"):
        DecisionLog.from_settings(settings(tmp_path, flush_seconds=5))
    with pytest.raises(ValueError, match="PDP_DECISION_LOG_UPLOAD_URL"):
        DecisionLog.from_settings(settings(tmp_path, upload_url="ftp://x"))


def test_a_batchs_events_are_written_together_in_order_and_masked(tmp_path: Path) -> None:
    batches = [[event(b * 100 + i, user_email="x@example.com") for i in range(100)] for b in range(30)]

    async def scenario() -> dict:
        async with DecisionLog.from_settings(settings(tmp_path, max_file_bytes=64 * 1024), mask=_erase_email) as log:
            await asyncio.gather(*(log.record_many(batch) for batch in batches))
            return log.stats()

    run(scenario())
    report = verify_directory(tmp_path)
    assert report.ok and report.events == 3000, report.first_break
    ids = [e["decision_id"] for e in read_events(tmp_path)]
    for batch in batches:  # each batch's events are contiguous, in the order given
        first = ids.index(batch[0]["decision_id"])
        assert ids[first:first + 100] == [e["decision_id"] for e in batch]
    assert all("user_email" not in e["input"] for e in read_events(tmp_path))


def test_under_backpressure_requests_get_room_in_the_order_they_came(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow disk: the queue stays full, so every record waits. Each gets room in its turn;
    none is overtaken by a later one (polling alone let later requests in first)."""
    real_write = writer_module._write_all

    def slow_write(fd: int, blob: bytes) -> None:
        time.sleep(0.02)
        real_write(fd, blob)

    monkeypatch.setattr(writer_module, "_write_all", slow_write)

    async def scenario() -> list[int]:
        done: list[int] = []
        async with DecisionLog.from_settings(settings(tmp_path, queue_max_events=2, backpressure_seconds=20)) as log:
            async def one(n: int) -> None:
                await asyncio.sleep(n * 0.003)  # arrive in order, while the queue is full
                await log.record(event(n))
                done.append(n)

            await asyncio.gather(*(one(n) for n in range(40)))
        return done

    done = run(scenario())
    waited = done[2:]  # the first ones found room at once
    assert waited == sorted(waited), done
    assert verify_directory(tmp_path).events == 40
