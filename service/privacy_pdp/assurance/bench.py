"""Benchmarks: decisions per second in process, and HTTP latency against a live server.

Timing goals live here, never in unit tests.
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from privacy_pdp.core.engine import RegoEngine
from privacy_pdp.core.policyset import PolicySet

REQUESTS: list[dict[str, Any]] = [
    {
        "company": "callsapp",
        "data_categories": ["user.device.advertising_id", "user.demographic.language"],
        "data_use": "marketing.advertising.third_party.targeted",
        "recipient": {"kind": "advertising_partner", "name": "AdCo Ltd", "country": "US", "under_contract": True},
        "subject": {"age": 34, "country": "DE", "subdivision": None},
        "consents": ["marketing.advertising"],
        "opt_outs": [],
        "legal_request": None,
        "identifiability": "pseudonymous",
    },
    {
        "company": "kallu",
        "data_categories": ["user.contact.email"],
        "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party", "name": "Mailer Ltd"},
    },
    {
        "company": "callbridge",
        "data_categories": ["user.financial.credit_card"],
        "data_use": "essential.service.payment_processing",
        "recipient": {"kind": "service_provider", "country": "US", "under_contract": True},
    },
    {
        "company": "callmatikpro",
        "data_categories": ["user.contact.email"],
        "data_use": "essential.legal_obligation",
        "recipient": {"kind": "law_enforcement"},
        "legal_request": {"verified": True, "matter": "court_order"},
    },
]


def in_process(policy_set: PolicySet, seconds: float = 3.0, threads: int = 1) -> dict[str, float]:
    engine = RegoEngine(policy_set)

    def worker(_: int) -> list[float]:
        samples = []
        deadline = time.perf_counter() + seconds
        i = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            engine.evaluate("privacy/decision", REQUESTS[i % len(REQUESTS)])
            samples.append(time.perf_counter() - started)
            i += 1
        return samples

    with ThreadPoolExecutor(max_workers=threads) as pool:
        per_thread = list(pool.map(worker, range(threads)))
    samples = [s for chunk in per_thread for s in chunk]
    return _summary(samples, seconds)


def over_http(url: str, seconds: float = 3.0, concurrency: int = 4) -> dict[str, float]:
    import httpx

    def worker(_: int) -> list[float]:
        samples = []
        deadline = time.perf_counter() + seconds
        i = 0
        with httpx.Client(base_url=url, timeout=10) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = client.post("/v1/data/privacy/decision", json={"input": REQUESTS[i % len(REQUESTS)]})
                response.raise_for_status()
                samples.append(time.perf_counter() - started)
                i += 1
        return samples

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        per_worker = list(pool.map(worker, range(concurrency)))
    return _summary([s for chunk in per_worker for s in chunk], seconds)


def _summary(samples: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "decisions": len(samples),
        "per_second": len(samples) / seconds,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else 0.0,
    }
