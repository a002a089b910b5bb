"""HTTP figures: the service under load on loopback, next to the raw ASGI floor.

Scenarios, each at every concurrency (1, 16, 64 by default):
- ``repeated``: five realistic decisions over and over (the cache answers after the first);
- ``distinct``: every request a decision no request asked before (the engine answers);
- ``batch_warm``: batches of 100 inputs the cache holds; ``batch_cold``: batches of 100
  inputs never asked before.
The floor (``noop``) runs at the same concurrencies in the same run; each scenario's request
rate is also given as a share of the floor's at the same concurrency.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path
from typing import Any, Callable, Sequence

import orjson

from privacy_pdp.assurance.bench import loadgen, servers

DECISION_PATH = "/v1/data/privacy/decision"
BATCH_PATH = "/v1/batch/data/privacy/decision"
BATCH_SIZE = 100
CONCURRENCY = (1, 16, 64)
SCENARIOS = ("repeated", "distinct", "batch_warm", "batch_cold")
SINGLES_PER_RUN = 12_000  # distinct inputs set aside for one distinct run
BATCHES_PER_RUN = 100
LAYOUT_CONCURRENCY = 16


def pool_size(concurrency: Sequence[int] = CONCURRENCY, layouts: int = 2) -> int:
    """Distinct inputs the HTTP runs need beside the repeated ones (layouts: distinct runs
    of the process/thread comparison)."""
    return len(concurrency) * (SINGLES_PER_RUN + BATCHES_PER_RUN * BATCH_SIZE) + layouts * SINGLES_PER_RUN


def _single(doc: dict[str, Any]) -> bytes:
    return orjson.dumps({"input": doc})


def _batch(docs: Sequence[dict[str, Any]]) -> bytes:
    return orjson.dumps({"inputs": {str(i): d for i, d in enumerate(docs)}})


def bodies(repeated: Sequence[dict[str, Any]], pool: Sequence[dict[str, Any]],
           concurrency: Sequence[int] = CONCURRENCY, layouts: int = 2) -> dict[tuple[str, int], tuple[str, list[bytes], str]]:
    """(scenario, concurrency) -> (path, bodies, mode); distinct runs get disjoint slices of pool."""
    plan: dict[tuple[str, int], tuple[str, list[bytes], str]] = {}
    singles = [_single(d) for d in repeated[:5]]
    warm = [_batch(repeated[i * BATCH_SIZE:(i + 1) * BATCH_SIZE]) for i in range(5)]
    cursor = 0
    for c in concurrency:
        plan[("repeated", c)] = (DECISION_PATH, singles, "cycle")
        plan[("batch_warm", c)] = (BATCH_PATH, warm, "cycle")
        plan[("distinct", c)] = (DECISION_PATH, [_single(d) for d in pool[cursor:cursor + SINGLES_PER_RUN]], "once")
        cursor += SINGLES_PER_RUN
        chunk = pool[cursor:cursor + BATCHES_PER_RUN * BATCH_SIZE]
        plan[("batch_cold", c)] = (BATCH_PATH, [_batch(chunk[i:i + BATCH_SIZE]) for i in range(0, len(chunk), BATCH_SIZE)],
                                   "once")
        cursor += len(chunk)
    for n in range(layouts):  # the layout comparison's distinct runs
        plan[(f"layout_distinct_{n}", LAYOUT_CONCURRENCY)] = (
            DECISION_PATH, [_single(d) for d in pool[cursor:cursor + SINGLES_PER_RUN]], "once")
        cursor += SINGLES_PER_RUN
    return plan


def _post(url: str, body: bytes) -> dict[str, Any]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return json.loads(response.read())


def check_and_warm(server: servers.Server, plan: dict[tuple[str, int], tuple[str, list[bytes], str]]) -> None:
    """Every repeated body answered (and cached) once before the load; a wrong answer stops the bench."""
    lowest = min(c for scenario, c in plan if scenario == "repeated")  # the layout runs add other keys
    for key in (("repeated", lowest), ("batch_warm", lowest)):
        path, items, _ = plan[key]
        for body in items:
            answer = _post(server.url + path, body)
            if "result" not in answer and "responses" not in answer:
                raise RuntimeError(f"{server.name} answered {answer!r} to {path}")


def warm_every_process(server: servers.Server, plan: dict[tuple[str, int], tuple[str, list[bytes], str]],
                       work: Path, floor_runs: dict[str, Any], scenarios: Sequence[str]) -> None:
    """A second of load at concurrency 16 before the runs that count: the distinct runs
    between push warm answers out of the cache, and with several processes (each its own
    cache) check_and_warm's requests, or a run at concurrency 1 (one connection, one
    process), reach only some of them; each of 16 connections stays with one process."""
    for scenario in scenarios:
        key = (scenario, LAYOUT_CONCURRENCY) if (scenario, LAYOUT_CONCURRENCY) in plan else \
            next((k for k in plan if k[0] == scenario), None)
        if key is not None:
            path, items, mode = plan[key]
            _load(server, path, items, mode, LAYOUT_CONCURRENCY, 1.0, work, scenario, floor_runs)


def floor(work: Path, concurrency: Sequence[int], seconds: float,
          progress: Callable[[str], None], python: str = sys.executable) -> dict[str, Any]:
    server = servers.start_floor(work, python)
    try:
        body = [_single({"company": "kallu"})]
        runs = {}
        for c in concurrency:
            progress(f"HTTP floor, concurrency {c}")
            runs[str(c)] = _load(server, DECISION_PATH, body, "cycle", c, seconds, work, "floor", {})
        return {"ready_seconds": server.ready_seconds, "memory": server.memory(), "runs": runs}
    finally:
        server.stop()


def service(policies: Path, work: Path, engine: str, plan: dict[tuple[str, int], tuple[str, list[bytes], str]],
            seconds: float, floor_runs: dict[str, Any], progress: Callable[[str], None],
            workers: int | None = None, processes: int | None = None, python: str = sys.executable) -> dict[str, Any]:
    server = servers.start_service(policies, work, engine=engine, workers=workers, processes=processes, python=python)
    try:
        memory_at_ready = server.memory()
        check_and_warm(server, plan)
        runs: dict[str, dict[str, Any]] = {}
        for scenario in SCENARIOS:
            runs[scenario] = {}
            if scenario in ("repeated", "batch_warm"):
                warm_every_process(server, plan, work, floor_runs, (scenario,))
            for (name, c), (path, items, mode) in plan.items():
                if name != scenario:
                    continue
                progress(f"HTTP {engine}: {scenario}, concurrency {c}")
                runs[scenario][str(c)] = _load(server, path, items, mode, c, seconds, work, scenario, floor_runs)
        return {"engine": engine, "processes": processes, "threads_per_process": workers,
                "ready_seconds": server.ready_seconds, "memory_at_ready": memory_at_ready,
                "memory_after_load": server.memory(), "runs": runs}
    finally:
        server.stop()


def _load(server: servers.Server, path: str, items: list[bytes], mode: str, c: int, seconds: float, work: Path,
          scenario: str, floor_runs: dict[str, Any]) -> dict[str, Any]:
    cpu = server.cpu_seconds()
    load = loadgen.run(server.url, path, items, mode, c, seconds, work).as_dict()
    load["drain_seconds"] = servers.idle(server)  # work queued by this run is not the next run's
    # the server's CPU per answered request (requests still queued when the run ended count too)
    load["server_cpu_ms_per_request"] = (server.cpu_seconds() - cpu) * 1e3 / load["requests"] if load["requests"] else None
    per_request = BATCH_SIZE if scenario.startswith("batch") else 1
    load["decisions_per_second"] = load["per_second"] * per_request
    base = floor_runs.get(str(c), {}).get("per_second")
    load["share_of_floor"] = load["per_second"] / base if base else None
    return load


def layouts(policies: Path, work: Path, plan: dict[tuple[str, int], tuple[str, list[bytes], str]], seconds: float,
            floor_runs: dict[str, Any], cpus: int, progress: Callable[[str], None],
            python: str = sys.executable, engine: str = "regopy", first: int = 0) -> list[dict[str, Any]]:
    """One process with a thread per CPU against a process per CPU with one thread each
    (concurrency 16, repeated, distinct and warm batches): which way uses the cores better
    under this engine. ``first`` is the index of this engine's first distinct slice in the
    plan (each layout run gets its own)."""
    found = []
    c = LAYOUT_CONCURRENCY
    for n, (processes, threads) in enumerate(((1, cpus), (cpus, 1))):
        server = servers.start_service(policies, work, engine=engine, workers=threads, processes=processes,
                                       python=python)
        try:
            check_and_warm(server, plan)
            warm_every_process(server, plan, work, floor_runs, ("repeated",))  # batches: right before their run
            progress(f"HTTP layout, {engine}: {processes} process(es) x {threads} thread(s)")
            path, items, mode = plan[("repeated", c)] if ("repeated", c) in plan else plan[next(iter(plan))]
            repeated = _load(server, path, items, mode, c, seconds, work, "repeated", floor_runs)
            path, items, mode = plan[(f"layout_distinct_{first + n}", c)]
            distinct = _load(server, path, items, mode, c, seconds, work, "distinct", floor_runs)
            layout = {"engine": engine, "processes": processes, "threads_per_process": threads, "concurrency": c,
                      "repeated": repeated, "distinct": distinct}
            if ("batch_warm", c) in plan:
                path, items, mode = plan[("batch_warm", c)]
                warm_every_process(server, plan, work, floor_runs, ("batch_warm",))  # after the distinct run
                layout["batch_warm"] = _load(server, path, items, mode, c, seconds, work, "batch_warm", floor_runs)
            found.append({**layout, "memory_after_load": server.memory()})
        finally:
            server.stop()
    return found
