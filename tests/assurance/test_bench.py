"""`privacy-pdp bench` (what `make bench` runs): its corpus, its plan, and one short run end to
end. No timing is asserted here (timing goals live in `make bench` itself): only that every
figure is measured, reported and named."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from privacy_pdp.assurance.bench import httpbench
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
