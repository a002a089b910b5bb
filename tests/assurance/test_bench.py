"""`privacy-pdp bench` (what `make bench` runs): its corpus, its plan, and one short run end to
end. No timing is asserted here (timing goals live in `make bench` itself): only that every
figure is measured, reported and named."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from privacy_pdp.assurance.bench import httpbench, report
from privacy_pdp.assurance.bench.corpus import corpus
from privacy_pdp.cli import app as cli_app
from privacy_pdp.core.engine import RegoEngine
from privacy_pdp.core.policyset import PolicySet

from conftest import POLICIES


def test_the_corpus_is_seeded_distinct_valid_and_covers_every_company(policies: PolicySet) -> None:
    first, again, other = corpus(policies, 1000, 7), corpus(policies, 1000, 7), corpus(policies, 1000, 8)
    assert first == again and first != other
    assert len({json.dumps(doc, sort_keys=True) for doc in first}) == 1000
    assert {doc["company"] for doc in first} == set(policies.companies)
    engine = RegoEngine(policies, ("privacy/validation/conforms",))
    invalid = [doc for doc in first if engine.evaluate("privacy/validation/conforms", doc).value is not True]
    assert invalid == []


def test_each_distinct_run_gets_inputs_no_other_run_sends(policies: PolicySet) -> None:
    concurrency = (1, 4)
    pool = corpus(policies, httpbench.pool_size(concurrency), 3)
    plan = httpbench.bodies(pool[:500], pool, concurrency)
    once = [set(items) for (scenario, _), (_, items, mode) in plan.items() if mode == "once"]
    assert len(once) == 2 * len(concurrency) + 2  # distinct and cold batches per concurrency, two layout runs
    assert sum(len(s) for s in once) == len(set().union(*once))


def test_a_short_bench_reports_every_figure_with_the_core_count(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(cli_app, [
        "bench", "--policies", str(POLICIES), "--seconds", "1", "--size", "1000", "--concurrency", "2",
        "--engine", "regopy", "--no-compare-layouts", "--json", str(out),
    ])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["machine"]["cpus"] == os.cpu_count()
    assert f"{os.cpu_count()} CPUs" in result.output
    regopy = report["in_process"]["engines"]["regopy"]
    assert regopy["cache_off"]["calls"] == 1000 and regopy["cache_off"]["p50_ms"] > 0
    assert regopy["cache_on"]["p50_ms"] > 0
    assert set(regopy["stages"]) >= {"floor_cpu_ms", "validation_cpu_ms", "company_rules_cpu_ms", "assembly_cpu_ms"}
    (served,) = report["http"]["services"]
    assert set(served["runs"]) == set(httpbench.SCENARIOS)
    for scenario in ("repeated", "distinct", "batch_warm"):
        run = served["runs"][scenario]["2"]
        assert run["requests"] > 0 and run["errors"] == 0, (scenario, run)
    assert report["http"]["floor"]["runs"]["2"]["requests"] > 0
    assert served["ready_seconds"] > 0 and served["memory_after_load"]["rss_mib"][0] > 0
    assert report["targets"] and all(isinstance(t["met"], bool) for t in report["targets"])
    assert "Targets (issue 11)" in result.output


def _run(per_second: float, p99_ms: float = 20.0, per_request: int = 1) -> dict:
    return {"per_second": per_second, "decisions_per_second": per_second * per_request, "p99_ms": p99_ms,
            "errors": 0, "server_cpu_ms_per_request": 1.0}


def _layouts(engine: str | None, distinct: tuple[float, float], batch: tuple[float, float]) -> list[dict]:
    found = []
    for (processes, threads), d, b in zip(((1, 2), (2, 1)), distinct, batch):
        layout = {"processes": processes, "threads_per_process": threads, "concurrency": 16,
                  "repeated": _run(8000, 4.0), "distinct": _run(d), "batch_warm": _run(b / 100, 300.0, 100)}
        found.append(layout if engine is None else {"engine": engine, **layout})
    return found


def test_the_layouts_are_reported_and_judged_for_every_engine() -> None:
    result = {"http": {"services": [{"engine": e, "runs": {}, "ready_seconds": 1.0, "memory_at_ready": {"rss_mib": [90.0]},
                                     "memory_after_load": {"peak_rss_mib": [150.0], "rss_mib": [150.0]}}
                                    for e in ("regopy", "opa")],
                       "layouts": _layouts("regopy", (800, 700), (28000, 52000))
                       + _layouts("opa", (900, 1100), (29000, 46000))}}
    judged = {t["target"]: t["met"] for t in report.targets(result)}
    assert judged["OPA Go, 2 processes x 1 thread, HTTP all distinct, c16: >= 1,000/s with p99 < 50 ms"] is True
    assert judged["regopy, 2 processes x 1 thread, HTTP all distinct, c16: >= 1,000/s with p99 < 50 ms"] is False
    assert judged["regopy, 2 processes x 1 thread, batch, warm cache: >= 50,000 decisions/s"] is True
    assert judged["OPA Go, 2 processes x 1 thread, batch, warm cache: >= 50,000 decisions/s"] is False
    assert not any("1 processes" in t for t in judged)  # one process is judged by the main runs
    result["http"].update(floor={"runs": {}, "ready_seconds": 0.5, "memory": {"rss_mib": [30.0]}}, seconds_per_run=5)
    rows = [line for line in report._http(result["http"]) if "process(es) x" in line and line.startswith("| ")]
    assert [row.split(" | ")[:2] for row in rows] == [
        ["| regopy", "1 process(es) x 2 thread(s)"], ["| regopy", "2 process(es) x 1 thread(s)"],
        ["| OPA Go", "1 process(es) x 2 thread(s)"], ["| OPA Go", "2 process(es) x 1 thread(s)"]]
    assert "| OPA Go | 2 process(es) x 1 thread(s) | 8,000 (4.00 ms; 1.00 ms) | 1,100" in rows[3]


def test_layouts_of_an_earlier_result_are_regopys_and_a_failed_engine_is_said() -> None:
    http = {"services": [], "floor": {"runs": {}, "ready_seconds": 0.5, "memory": {"rss_mib": [30.0]}},
            "seconds_per_run": 5, "layouts": _layouts(None, (800, 700), (28000, 52000))
            + [{"engine": "opa", "error": "the OPA Go bindings are not installed"}]}
    lines = list(report._http(http))
    assert sum(line.startswith("| regopy | ") for line in lines) == 2
    assert "OPA Go: processes or threads not measured (the OPA Go bindings are not installed)" in lines
    judged = {t["target"] for t in report.targets({"http": {**http, "services": [
        {"engine": "regopy", "runs": {}, "ready_seconds": 1.0, "memory_after_load": {"peak_rss_mib": [150.0]}}]}})}
    assert "regopy, 2 processes x 1 thread, batch, warm cache: >= 50,000 decisions/s" in judged


def test_every_layout_run_of_every_engine_gets_its_own_inputs(policies: PolicySet) -> None:
    concurrency = (16,)
    layouts = 4  # two layouts for each of two engines
    pool = corpus(policies, httpbench.pool_size(concurrency, layouts), 5)
    plan = httpbench.bodies(pool[:500], pool, concurrency, layouts)
    slices = [set(plan[(f"layout_distinct_{n}", httpbench.LAYOUT_CONCURRENCY)][1]) for n in range(layouts)]
    assert all(len(s) == httpbench.SINGLES_PER_RUN for s in slices)
    assert len(set().union(*slices)) == layouts * httpbench.SINGLES_PER_RUN
