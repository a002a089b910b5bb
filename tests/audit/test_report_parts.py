"""The report's parts without a browser: results files, the clause index, HTML escaping."""

from __future__ import annotations

import json
from pathlib import Path

from privacy_pdp.audit.results import read_results
from privacy_pdp.audit.rules import clause_index
from privacy_pdp.core.policyset import PolicySet

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3">
<testcase classname="tests.assurance.test_invariants" name="test_fail_closed"/>
<testcase classname="tests.test_api" name="test_health"><failure message="boom">expected 200, got 500</failure></testcase>
<testcase classname="tests.test_api" name="test_skip"><skipped/></testcase>
</testsuite></testsuites>"""
COBERTURA = '<?xml version="1.0"?><coverage line-rate="0.874" lines-covered="874" lines-valid="1000"></coverage>'


def test_results_are_read_from_junit_cobertura_and_json(tmp_path: Path) -> None:
    (tmp_path / "pytest.xml").write_text(JUNIT)
    (tmp_path / "coverage.xml").write_text(COBERTURA)
    (tmp_path / "rego.json").write_text(json.dumps({"name": "rego tests", "passed": 410, "failed": 0}))
    (tmp_path / "broken.xml").write_text("<testsuite")
    results = read_results(tmp_path)
    by_name = {s.name: s for s in results.tests}
    assert (by_name["pytest"].tests, by_name["pytest"].failures, by_name["pytest"].skipped) == (3, 1, 1)
    assert by_name["rego tests"].passed == 410 and by_name["rego tests"].ok
    assert [(s.tests, s.failures) for s in results.invariants] == [(1, 0)]
    assert [round(c.percent, 1) for c in results.coverage] == [87.4]
    assert results.problems and "broken.xml" in results.problems[0]


def test_no_results_means_not_run(tmp_path: Path) -> None:
    results = read_results(tmp_path / "absent")
    assert results.tests == [] and results.coverage == [] and results.invariants == []


def test_clause_index_finds_rules_by_metadata_and_tests_by_comment(policies: PolicySet) -> None:
    implementing, naming = clause_index(policies)
    rules = implementing["kallu.disclosure.group"]
    assert [r.name for r in rules] == ["permits", "obligations"]  # in file order
    assert all(r.file.endswith("kallu.rego") for r in rules)
    assert [r.title for r in rules] == ["Group companies for the policy's purposes",
                                        "Only what the purpose needs goes to the group"]
    tests = {t.name for t in naming["kallu.disclosure.group"]}
    assert "test_group_company_for_listed_purpose_is_allowed" in tests
    # a test belongs to the comment right above it, not to the one above its neighbour
    assert "test_all_correspondence_opt_out_leaves_service_mail" not in tests
    assert not any(r.name.startswith("test_") for refs in implementing.values() for r in refs)


def test_the_rego_run_summary_is_read_once(tmp_path: Path) -> None:
    summary = {
        "schema_version": 1, "generated_at": "2026-11-29T20:16:23+0000", "policies": "policies",
        "revision": "2b9008518b83e4ca", "engines": ["regopy", "opa"], "run": None,
        "totals": {"total": 473, "passed": 471, "failed": 1, "errors": 0, "disagreements": 1, "seconds": 4.6},
        "tests": [],
        "coverage": {"rules": {"covered": 338, "total": 343, "percent": 98.5},
                     "lines": {"covered": 1513, "total": 1519, "percent": 99.6}, "thresholds": {}, "files": []},
    }
    (tmp_path / "test-summary.json").write_text(json.dumps(summary))
    (tmp_path / "rego-junit.xml").write_text(JUNIT)  # repeats the summary: not counted again
    (tmp_path / "rego-coverage.xml").write_text(COBERTURA)
    (tmp_path / "pytest-junit.xml").write_text(JUNIT)
    results = read_results(tmp_path)
    assert [(s.name, s.tests, s.failures) for s in results.tests] == [
        ("Rego tests (regopy, opa)", 473, 2), ("pytest", 3, 1)]
    assert [(c.percent, c.covered, c.valid) for c in results.coverage] == [(98.5, 338, 343), (99.6, 1513, 1519)]
    assert results.tested_revisions == ["2b9008518b83e4ca"]
    assert [s.tests for s in results.invariants] == [1]
