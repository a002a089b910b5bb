"""Concurrent singles and batches against a real server: every decision answered once, with a
unique id, counted in /metrics, nothing dropped by the decision log."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from conftest import Server

DENY = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party"}}
SINGLES = 300
BATCHES, BATCH_SIZE = 10, 50
CONCURRENCY = 16


def decisions_so_far(client: httpx.Client) -> tuple[float, float]:
    total = dropped = 0.0
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == "pdp_decisions_total":
                total += sample.value
            elif sample.name == "pdp_decision_log_dropped_total":
                dropped += sample.value
    return total, dropped


async def run_load(url: str) -> list[str]:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def single(i: int) -> list[str]:
            async with limit:
                document = {**DENY, "consents": ["marketing"]} if i % 2 else DENY
                response = await client.post("/v1/data/privacy/decision", json={"input": document})
                assert response.status_code == 200, response.text
                body = response.json()
                assert body["result"]["allow"] is bool(i % 2)
                return [body["decision_id"]]

        async def batch(b: int) -> list[str]:
            async with limit:
                inputs = {f"{b}-{i}": {"recipient": {"kind": "third_party", "name": f"n{i}"}} for i in range(BATCH_SIZE)}
                response = await client.post("/v1/batch/data/privacy/decision",
                                             json={"inputs": inputs, "common_input": DENY})
                assert response.status_code == 200, response.text
                answers: dict[str, Any] = response.json()["responses"]
                assert set(answers) == set(inputs)
                return [a["decision_id"] for a in answers.values()]

        parts = await asyncio.gather(*[single(i) for i in range(SINGLES)], *[batch(b) for b in range(BATCHES)])
    return [decision_id for part in parts for decision_id in part]


def test_concurrent_singles_and_batches(e2e_server: Server) -> None:
    with httpx.Client(base_url=e2e_server.url, timeout=30) as client:
        before, _ = decisions_so_far(client)
        ids = asyncio.run(run_load(e2e_server.url))
        after, dropped = decisions_so_far(client)
        assert client.get("/health?plugins").status_code == 200
    expected = SINGLES + BATCHES * BATCH_SIZE
    assert len(ids) == expected
    assert len(set(ids)) == expected
    assert after - before == expected
    assert dropped == 0
