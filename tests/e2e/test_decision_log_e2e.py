"""Issue 9's acceptance for the decision log, end to end: 10,000 decisions under concurrent
load (singles and batches) against a real server give exactly 10,000 logged events, each
decision id once, masked by system.log, and a hash chain that `logs verify` accepts; one
edited byte is then found, whichever process's slot holds it. (Collector outages and kill -9 are in tests/decision_log.)"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx

from conftest import POLICIES, ROOT, Server, server_env

BASE = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "essential.service",
        "recipient": {"kind": "other_users", "name": "Ann Example"}}
SINGLES = 2_000
BATCHES, BATCH_SIZE = 80, 100
CONCURRENCY = 16


async def load(url: str) -> list[str]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:

        async def single(i: int) -> list[str]:
            async with limit:
                response = await client.post("/v1/data/privacy/decision", json={"input": {**BASE, "subject": {"age": 20 + i % 50}}})
                assert response.status_code == 200, response.text
                return [response.json()["decision_id"]]

        async def batch(b: int) -> list[str]:
            async with limit:
                inputs = {f"{b}-{i}": {"subject": {"age": 20 + i % 50}} for i in range(BATCH_SIZE)}
                response = await client.post("/v1/batch/data/privacy/decision", json={"inputs": inputs, "common_input": BASE})
                assert response.status_code == 200, response.text
                return [answer["decision_id"] for answer in response.json()["responses"].values()]

        parts = await asyncio.gather(*[single(i) for i in range(SINGLES)], *[batch(b) for b in range(BATCHES)])
    return [decision_id for part in parts for decision_id in part]


def logs_verify(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "privacy_pdp", "logs", "verify", str(directory)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_ten_thousand_decisions_are_ten_thousand_chained_masked_events(tmp_path: Path) -> None:
    log_dir = tmp_path / "decision-logs"
    server = Server(POLICIES, env=server_env(log_dir))  # as make run serves: a process per core, a slot each
    try:
        ids = asyncio.run(load(server.url))
    finally:
        server.stop()  # SIGTERM: a clean shutdown writes everything queued
    assert len(ids) == len(set(ids)) == SINGLES + BATCHES * BATCH_SIZE

    events = [json.loads(line) for path in sorted(log_dir.rglob("*.jsonl")) for line in path.read_text().splitlines()]
    decisions = [e for e in events if e.get("path") == "privacy/decision"]
    assert len(decisions) == len(ids)
    assert sorted(e["decision_id"] for e in decisions) == sorted(ids)
    assert sum(1 for e in decisions if "batch_decision_id" in e) == BATCHES * BATCH_SIZE
    # masked as configured: another user's name never reaches the log, the answer is untouched
    assert all("name" not in e["input"]["recipient"] for e in decisions)
    assert all("/input/recipient/name" in e.get("erased", []) for e in decisions)

    verified = logs_verify(log_dir)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # one chain per process's slot, every event in one of them
    assert sum(int(n) for n in re.findall(r"OK (\d+) events", verified.stdout)) == len(events)

    # a segment holding a decision (a process may have taken none of the requests)
    segment = next(p for p in sorted(log_dir.rglob("*.jsonl")) if b'"decision_id":"' in p.read_bytes())
    raw = bytearray(segment.read_bytes())
    at = raw.index(b'"decision_id":"') + len(b'"decision_id":"')
    raw[at] = ord("0") if raw[at] != ord("0") else ord("1")
    segment.write_bytes(bytes(raw))
    broken = logs_verify(log_dir)
    assert broken.returncode != 0
    assert f"{segment.name}:1" in broken.stdout + broken.stderr
