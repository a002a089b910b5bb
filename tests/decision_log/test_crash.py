"""kill -9 mid-run: what remains verifies, at most the last second is missing, and the
next start continues the chain."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from decision_log.common import event, read_events, run, settings

from privacy_pdp.server.decision_log import DecisionLog
from privacy_pdp.server.decision_log.verify import verify_directory

# The child records events one after another (each with its sequence number and the time
# record() returned) and prints its progress; 64 KB segments make it rotate often.
CHILD = """
import asyncio, sys, time, types
from privacy_pdp.server.decision_log import DecisionLog

async def main():
    settings = types.SimpleNamespace(decision_log_dir=sys.argv[1], decision_log_max_file_bytes=65536)
    log = DecisionLog.from_settings(settings)
    await log.start()
    i = 0
    while True:
        await log.record({"decision_id": f"d{i}", "path": "privacy/decision",
                          "input": {"seq": i, "pad": "x" * 200}, "result": {"allow": True}})
        i += 1
        if i % 100 == 0:
            print(i, time.time(), flush=True)
            await asyncio.sleep(0)

asyncio.run(main())
"""


def test_kill_9_mid_run_loses_at_most_the_last_second(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 20
        recorded = 0
        while recorded < 3000:  # running at full speed, several segments in
            assert time.monotonic() < deadline, "child too slow"
            recorded = int(child.stdout.readline().split()[0])
        time.sleep(1.2)
        killed_at = time.time()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    progress = [(int(n), float(t)) for n, t in (line.split() for line in child.stdout.read().splitlines() if line.strip())]
    assert progress and progress[-1][1] > killed_at - 1.0  # it was recording until the kill

    report = verify_directory(tmp_path)
    assert report.ok, report.first_break
    seqs = [e["input"]["seq"] for e in read_events(tmp_path)]
    assert seqs == list(range(len(seqs)))  # a prefix: nothing missing in the middle
    # every event record() had returned for a second before the kill is on disk
    settled = max(n for n, t in progress if t <= killed_at - 1.0)
    assert len(seqs) >= settled
    missing = progress[-1][0] - len(seqs)
    lost_window = progress[-1][1] - next((t for n, t in progress if n >= len(seqs)), progress[-1][1])
    print(f"\nkill -9 after {progress[-1][0]}+ events: {len(seqs)} on disk; "
          f"{max(0, missing)} reported but not on disk ({lost_window * 1000:.0f} ms); notes: {report.notes}")

    async def restart() -> None:
        async with DecisionLog.from_settings(settings(tmp_path, max_file_bytes=65536)) as log:
            for i in range(len(seqs), len(seqs) + 10):
                await log.record(event(i))

    run(restart())
    after = verify_directory(tmp_path)
    assert after.ok, after.first_break
    assert after.events == len(seqs) + 10
