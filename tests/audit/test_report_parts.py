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
    assert [r.name for r in rules] == ["permits"] and rules[0].file.endswith("kallu.rego")
    assert rules[0].title == "Group companies for the policy's purposes"
    tests = {t.name for t in naming["kallu.disclosure.group"]}
    assert "test_group_company_for_listed_purpose_is_allowed" in tests
    # a test belongs to the comment right above it, not to the one above its neighbour
    assert "test_all_correspondence_opt_out_leaves_service_mail" not in tests
    assert not any(r.name.startswith("test_") for refs in implementing.values() for r in refs)
