"""Coverage, failure details, and the CI reports of `privacy-pdp test` (JUnit, Cobertura,
the JSON summary), on a small policy whose coverage is known."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from privacy_pdp.authoring import cobertura, coverage, junit, regotest, summary
from privacy_pdp.core import policyset

POLICY = """package demo

allow if input.user == "alice"

allow if input.user == "root"

greeting := g if {
\tg := concat(" ", ["hello", input.user])
}
"""

TESTS = """package demo_test

import data.demo

# clause: demo.alice
test_alice_is_allowed if {
\tdemo.allow with input as {"user": "alice"}
}

# clause: demo.alice
test_bob_is_not_allowed if {
\tnot demo.allow with input as {"user": "bob"}
}
"""

FAILING = """
# clause: demo.alice
test_bob_is_allowed if {
\td := {"user": "bob", "greeting": demo.greeting} with input as {"user": "bob"}
\tcount(d) == 2
\td.greeting == "hello alice"
}

test_three if {
\tx := 1 + 1
\tx == 3
}
"""


def tree(root: Path, tests: str = TESTS) -> Path:
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "demo.rego").write_text(POLICY)
    (root / "demo" / "demo_test.rego").write_text(tests)
    return root


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> tuple[policyset.PolicySet, list[regotest.TestResult], coverage.CoverageReport]:
    policy_set = policyset.load_directory(tree(tmp_path_factory.mktemp("demo")))
    collector = coverage.Collector()
    results = regotest.run(policy_set, coverage=collector)
    return policy_set, results, coverage.measure(policy_set, collector)


def test_a_rule_no_test_defines_is_not_covered(measured) -> None:
    _, results, report = measured
    assert all(r.passed for r in results)
    [file] = report.files  # the test module is not the policy
    assert file.file == "demo/demo.rego"
    assert {(r.name, r.line): r.covered for r in file.rules} == {
        ("allow", 3): True,
        ("allow", 5): False,  # its expression ran, but no test made it true
        ("greeting", 7): False,
    }
    assert (report.rules.covered, report.rules.total) == (1, 3)
    assert file.uncovered_lines == [5, 7, 8]
    assert file.lines[3] is True
    assert coverage.format_uncovered(report) == [
        "demo/demo.rego:5: rule allow is never defined by a test",
        "demo/demo.rego:7: rule greeting is never defined by a test",
    ]


def test_a_range_covered_by_any_evaluation_is_covered() -> None:
    def report(covered: list[tuple[int, int]], missed: list[tuple[int, int]]) -> dict:
        def ranges(rows):
            return [{"start": {"row": a, "col": 1}, "end": {"row": b, "col": 9}} for a, b in rows]
        return {"files": {"p.rego": {"covered": ranges(covered), "not_covered": ranges(missed)}}}

    collector = coverage.Collector()
    collector.add(report([(3, 3)], [(5, 5), (7, 8)]))
    collector.add(report([(5, 5)], [(3, 3), (7, 8)]))
    collector.add(None)  # an evaluation without coverage adds nothing
    policy_set = policyset.PolicySet({"p.rego": "package p\n\nx := 1\n\ny := 2\n\nz := 3\n"}, {})
    [file] = coverage.measure(policy_set, collector).files
    assert file.lines == {3: True, 5: True, 7: False, 8: False}


def test_a_failed_assertion_shows_the_expression_and_the_values(tmp_path: Path) -> None:
    results = regotest.run(policyset.load_directory(tree(tmp_path, TESTS + FAILING)))
    by_name = {r.test.name: r for r in results}
    failure = by_name["test_bob_is_allowed"].failure
    assert failure is not None
    assert (failure.line, failure.expression) == (19, 'd.greeting == "hello alice"')
    assert failure.values == {"d": {"user": "bob", "greeting": "hello bob"}}
    assert failure.actual == ("d.greeting", "hello bob")
    assert failure.expected == ('"hello alice"', "hello alice")
    text = regotest.format_result(by_name["test_bob_is_allowed"])
    assert 'failed at demo/demo_test.rego:19: d.greeting == "hello alice"' in text
    assert 'actual   d.greeting = "hello bob"' in text and 'expected "hello alice"' in text
    three = by_name["test_three"].failure
    assert three is not None and (three.actual, three.expected) == (("x", 2), ("3", 3))
    assert by_name["test_alice_is_allowed"].failure is None


def test_junit_names_each_test_and_shows_what_failed(tmp_path: Path) -> None:
    results = regotest.run(policyset.load_directory(tree(tmp_path, TESTS + FAILING)))
    out = junit.write(tmp_path / "out" / "junit.xml", results, "policies")
    top = ET.parse(out).getroot()
    assert (top.tag, top.get("tests"), top.get("failures"), top.get("errors")) == ("testsuites", "4", "2", "0")
    [suite] = top
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["test_alice_is_allowed"].get("file") == "policies/demo/demo_test.rego"
    assert cases["test_alice_is_allowed"].get("line") == "6"
    assert list(cases["test_alice_is_allowed"]) == []
    [failure] = cases["test_bob_is_allowed"].findall("failure")
    assert failure.get("message") == 'failed at demo/demo_test.rego:19: d.greeting == "hello alice"'
    assert '"greeting": "hello bob"' in failure.text and 'actual   d.greeting = "hello bob"' in failure.text


def test_junit_shows_both_decisions_when_the_engines_disagree(tmp_path: Path) -> None:
    from test_regotest import DIFFERING_POLICY, DIFFERING_TEST

    (tmp_path / "privacy").mkdir()
    (tmp_path / "privacy" / "decision.rego").write_text(DIFFERING_POLICY)
    (tmp_path / "privacy" / "decision_test.rego").write_text(DIFFERING_TEST)
    results = regotest.run(policyset.load_directory(tmp_path))
    [failure] = ET.fromstring(ET.tostring(junit.document(results))).iter("failure")
    assert failure.get("type") == "disagree"
    assert "regopy [" in failure.text and "opa    [" in failure.text


def test_cobertura_has_a_line_per_covered_place_and_a_method_per_rule(measured, tmp_path: Path) -> None:
    _, _, report = measured
    top = ET.parse(cobertura.write(tmp_path / "cov.xml", report, "policies")).getroot()
    assert top.get("lines-valid") == "4" and top.get("lines-covered") == "1"
    assert top.find("sources/source").text == "policies"
    [cls] = top.iter("class")
    assert cls.get("filename") == "demo/demo.rego"
    assert {int(l.get("number")): l.get("hits") for l in cls.findall("lines/line")} == {3: "1", 5: "0", 7: "0", 8: "0"}
    assert [(m.get("name"), m.get("line-rate")) for m in cls.iter("method")] == [
        ("allow", "1"), ("allow", "0"), ("greeting", "0")]


def test_the_summary_holds_results_clauses_and_coverage(measured, tmp_path: Path) -> None:
    policy_set, results, report = measured
    built = summary.build(policy_set, results, policies="policies", engines=["regopy", "opa"], coverage=report,
                          thresholds={"rules": 30.0})
    data = json.loads(summary.write(tmp_path / "s.json", built).read_text())
    assert data["totals"] == {"total": 2, "passed": 2, "failed": 0, "errors": 0, "disagreements": 0,
                              "seconds": data["totals"]["seconds"]}
    assert [t["clauses"] for t in data["tests"]] == [["demo.alice"], ["demo.alice"]]
    assert data["coverage"]["rules"] == {"covered": 1, "total": 3, "percent": 33.33}
    assert data["coverage"]["thresholds"] == {"rules": 30.0}
    assert data["coverage"]["files"][0]["uncovered_lines"] == [5, 7, 8]
    assert summary.RunSummary.model_validate(data) == built


def test_the_command_writes_the_reports_and_holds_the_threshold(tmp_path: Path) -> None:
    root = tree(tmp_path / "p")
    out = tmp_path / "reports"

    def cli(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "privacy_pdp", "test", str(root), *extra],
                              capture_output=True, text=True, timeout=120)

    passing = cli("--junit", str(out / "j.xml"), "--cobertura", str(out / "c.xml"), "--summary", str(out / "s.json"),
                  "--min-rule-coverage", "33")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "total" in passing.stdout and "1/3" in passing.stdout
    assert {p.name for p in out.iterdir()} == {"j.xml", "c.xml", "s.json"}
    failing = cli("--min-rule-coverage", "34")
    assert failing.returncode == 1
    assert "rules coverage 33.3% is below the threshold 34%" in failing.stdout
    no_opa = cli("--coverage", "--engine", "regopy")
    assert no_opa.returncode == 2 and "under OPA" in no_opa.stderr
