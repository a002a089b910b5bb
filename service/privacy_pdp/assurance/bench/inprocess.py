"""In-process figures: the privacy decision under each engine, cache off and on, and by stage.

Every input of the corpus is decided in turn on one thread. Wall-clock latency is what a
caller waits; CPU time (this thread's) is what the engine costs, and stays steady on a
machine other work shares. Stages are separate queries on the same inputs:

- floor: ``privacy/request/categories``, a trivial rule: what any call costs;
- validation: ``privacy/validation/conforms``;
- company rules: the dispatched company's ``forbids``, ``permits`` and ``obligations``
  (all three, as if the decision needed every one);
- assembly: what the whole decision costs beyond those (ordering and citing the reasons):
  decision - floor - validation - company rules; it can come out below zero, since a
  decision that found a forbidding clause skips the permits the stage sum counted.

Each stage but the floor is given without the floor (what it adds to a call).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Sequence

from privacy_pdp.core.cache import DecisionCache, canonical_key
from privacy_pdp.core.engine import Engine, EngineError, engine_for
from privacy_pdp.core.policyset import PolicySet

DECISION = "privacy/decision"
FLOOR = "privacy/request/categories"
VALIDATION = "privacy/validation/conforms"
COMPANY_RULES = ("privacy/dispatch/forbids", "privacy/dispatch/permits", "privacy/dispatch/obligations")
STAGE_PATHS = (DECISION, FLOOR, VALIDATION, *COMPANY_RULES)


@dataclass(frozen=True)
class Timing:
    """Latency of one kind of call over the corpus (milliseconds)."""

    calls: int
    per_second: float
    p50_ms: float
    p99_ms: float
    cpu_p50_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of sorted samples, nearest rank."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), int(round(q / 100 * len(ordered) + 0.5))))
    return ordered[rank - 1]


def timing(wall: list[float], cpu: list[float]) -> Timing:
    ordered = sorted(wall)
    total = sum(wall)
    return Timing(
        calls=len(wall),
        per_second=len(wall) / total if total else 0.0,
        p50_ms=percentile(ordered, 50) * 1e3,
        p99_ms=percentile(ordered, 99) * 1e3,
        cpu_p50_ms=statistics.median(cpu) * 1e3 if cpu else 0.0,
    )


def measure(call: Callable[[Any], Any], inputs: Sequence[Any], rounds: int = 1) -> Timing:
    """Time ``call`` once per input, ``rounds`` times over the inputs."""
    wall: list[float] = []
    cpu: list[float] = []
    clock, cpu_clock = time.perf_counter, time.thread_time
    for _ in range(rounds):
        for item in inputs:
            c0, t0 = cpu_clock(), clock()
            call(item)
            t1, c1 = clock(), cpu_clock()
            wall.append(t1 - t0)
            cpu.append(c1 - c0)
    return timing(wall, cpu)


def build_engine(kind: str, policy_set: PolicySet) -> Engine:
    """The engine as the service runs it: regopy's plan compacted (the figures wait for it)."""
    engine = engine_for(kind, policy_set, STAGE_PATHS)
    compact = getattr(engine, "compact_in_background", None)
    compaction = compact() if compact is not None else None
    if compaction is not None:
        compaction.join()
    return engine


def decisions(engine: Engine, inputs: Sequence[dict[str, Any]]) -> Timing:
    """Cache off: every decision evaluated."""
    return measure(lambda doc: engine.evaluate(DECISION, doc), inputs)


def cached_decisions(engine: Engine, revision: str, inputs: Sequence[dict[str, Any]], rounds: int = 3) -> Timing:
    """Cache on and warm: the lookup a repeated decision costs (key, find, copy out)."""
    cache = DecisionCache(max_entries=max(len(inputs), 1))
    cache.invalidate(revision)
    for doc in inputs:
        key = canonical_key(revision, DECISION, doc)
        if cache.get(key) is None:
            cache.put(key, revision, engine.evaluate(DECISION, doc))

    def lookup(doc: dict[str, Any]) -> Any:
        found = cache.get(canonical_key(revision, DECISION, doc))
        if found is None:  # never, with the cache this size: counted as a failure of the bench
            raise RuntimeError("decision cache missed a warm entry")
        return found

    return measure(lookup, inputs, rounds)


def stages(engine: Engine, inputs: Sequence[dict[str, Any]]) -> dict[str, Timing | float]:
    """Floor, validation, company rules (all three sets) and assembly; interleaved per
    input so that a slow moment of a shared machine falls on every stage alike."""
    samples: dict[str, tuple[list[float], list[float]]] = {p: ([], []) for p in STAGE_PATHS}
    clock, cpu_clock = time.perf_counter, time.thread_time
    for doc in inputs:
        for path in STAGE_PATHS:
            c0, t0 = cpu_clock(), clock()
            engine.evaluate(path, doc)
            t1, c1 = clock(), cpu_clock()
            samples[path][0].append(t1 - t0)
            samples[path][1].append(c1 - c0)
    t = {path: timing(*samples[path]) for path in STAGE_PATHS}
    floor = t[FLOOR].cpu_p50_ms
    validation = t[VALIDATION].cpu_p50_ms - floor
    company = sum(t[p].cpu_p50_ms - floor for p in COMPANY_RULES)
    decision = t[DECISION].cpu_p50_ms
    return {
        "floor_cpu_ms": floor,
        "validation_cpu_ms": validation,
        "company_rules_cpu_ms": company,
        "company_rules_by_set_cpu_ms": {p.rsplit("/", 1)[1]: t[p].cpu_p50_ms - floor for p in COMPANY_RULES},
        "assembly_cpu_ms": decision - floor - validation - company,
        "decision_cpu_ms": decision,
    }


def run(policy_set: PolicySet, inputs: Sequence[dict[str, Any]], engines: Sequence[str] = ("regopy", "opa"),
        progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Every in-process figure, per engine; engines that cannot be built are reported, not fatal."""
    report: dict[str, Any] = {"inputs": len(inputs), "engines": {}}
    for kind in engines:
        try:
            engine = build_engine(kind, policy_set)
        except EngineError as exc:
            report["engines"][kind] = {"error": exc.message}
            continue
        for doc in inputs[:50]:  # warm: first calls pay for lazy set-up
            engine.evaluate(DECISION, doc)
        progress(f"in process, {kind}: decisions, cache off")
        off = decisions(engine, inputs)
        progress(f"in process, {kind}: decisions, cache on")
        on = cached_decisions(engine, policy_set.revision, inputs)
        progress(f"in process, {kind}: stages")
        report["engines"][kind] = {"cache_off": off.as_dict(), "cache_on": on.as_dict(), "stages": stages(engine, inputs)}
    regopy, opa = report["engines"].get("regopy", {}), report["engines"].get("opa", {})
    if "cache_off" in regopy and "cache_off" in opa:
        report["regopy_to_opa_p50"] = regopy["cache_off"]["p50_ms"] / opa["cache_off"]["p50_ms"]
        report["regopy_to_opa_cpu_p50"] = regopy["cache_off"]["cpu_p50_ms"] / opa["cache_off"]["cpu_p50_ms"]
    return report
