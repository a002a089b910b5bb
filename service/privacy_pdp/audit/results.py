"""Test, coverage and invariant results for the report, read from files the test runs write.

``make test`` leaves them in ``var/reports``: the Rego test run's summary
(``test-summary.json``: totals, coverage of rules and lines, the revision tested) beside
its JUnit and Cobertura XML, and pytest's JUnit XML, whose invariant tests are counted
apart. Other JUnit or Cobertura files and small JSON summaries
(``{"name": ..., "passed": n, "failed": m}``) are read too. When a run summary is there, the
``rego-*.xml`` files that repeat it are not counted twice. Whatever is absent is reported as
not run; nothing here runs a test.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

INVARIANT_MARKS = ("invariant", "verify")


@dataclass(frozen=True)
class Suite:
    name: str
    file: str
    tests: int
    failures: int
    skipped: int = 0

    @property
    def passed(self) -> int:
        return self.tests - self.failures - self.skipped

    @property
    def ok(self) -> bool:
        return self.failures == 0 and self.tests > 0


@dataclass(frozen=True)
class Coverage:
    file: str
    percent: float
    covered: int | None = None
    valid: int | None = None


@dataclass
class Results:
    directory: Path | None
    tests: list[Suite] = field(default_factory=list)
    invariants: list[Suite] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    tested_revisions: list[str] = field(default_factory=list)  # the policy revisions the runs tested
    generated_at: list[str] = field(default_factory=list)


def read_results(directory: Path | None) -> Results:
    results = Results(directory)
    if directory is None or not directory.is_dir():
        return results
    files = sorted(p for p in directory.iterdir() if p.is_file())
    summarised = False
    for path in [p for p in files if p.suffix == ".json"]:
        try:
            summarised |= _read_json(path, results)
        except (ValueError, OSError) as exc:
            results.problems.append(f"{path.name}: unreadable ({exc})")
    for path in [p for p in files if p.suffix == ".xml"]:
        if summarised and path.name.startswith("rego-"):
            continue  # the run summary already holds what these repeat
        try:
            _read_xml(path, results)
        except (ET.ParseError, ValueError, OSError) as exc:
            results.problems.append(f"{path.name}: unreadable ({exc})")
    return results


def _read_xml(path: Path, results: Results) -> None:
    root = ET.parse(path).getroot()
    if root.tag == "coverage":  # Cobertura
        rate = float(root.get("line-rate", "nan"))
        covered, valid = root.get("lines-covered"), root.get("lines-valid")
        results.coverage.append(Coverage(path.name, rate * 100, int(covered) if covered else None,
                                         int(valid) if valid else None))
        return
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite") if root.tag == "testsuites" else []
    for suite in suites:
        cases = suite.findall(".//testcase")
        failed = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
        skipped = [c for c in cases if c.find("skipped") is not None]
        name = suite.get("name") or path.stem
        results.tests.append(Suite(name, path.name, len(cases), len(failed), len(skipped)))
        marked = [c for c in cases if any(m in f"{c.get('classname', '')} {c.get('name', '')}".lower() for m in INVARIANT_MARKS)]
        if marked:
            bad = sum(1 for c in marked if c in failed)
            results.invariants.append(Suite(f"{name}: invariants", path.name, len(marked), bad,
                                            sum(1 for c in marked if c in skipped)))


def _read_json(path: Path, results: Results) -> bool:
    """Read one JSON file; True when it was a Rego run summary."""
    value = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(value, dict):
        return False
    if isinstance(value.get("totals"), dict):
        _read_run_summary(path, value, results)
        return True
    name = str(value.get("name") or path.stem)
    if isinstance(value.get("percent"), (int, float)):
        results.coverage.append(Coverage(path.name, float(value["percent"])))
    if isinstance(value.get("passed"), int) and isinstance(value.get("failed"), int):
        suite = Suite(name, path.name, value["passed"] + value["failed"], value["failed"])
        (results.invariants if any(m in name.lower() for m in INVARIANT_MARKS) else results.tests).append(suite)
    return False


def _read_run_summary(path: Path, value: dict, results: Results) -> None:
    """`privacy-pdp test --summary`: totals, coverage, the revision tested."""
    totals = value["totals"]
    bad = sum(int(totals.get(k) or 0) for k in ("failed", "errors", "disagreements"))
    engines = ", ".join(map(str, value.get("engines") or []))
    name = "Rego tests" + (f" ({engines})" if engines else "") + (f", narrowed to {value['run']}" if value.get("run") else "")
    results.tests.append(Suite(name, path.name, int(totals.get("total") or 0), bad))
    if isinstance(value.get("revision"), str):
        results.tested_revisions.append(value["revision"])
    if isinstance(value.get("generated_at"), str):
        results.generated_at.append(value["generated_at"])
    coverage = value.get("coverage")
    if isinstance(coverage, dict):
        for measure in ("rules", "lines"):
            ratio = coverage.get(measure)
            if isinstance(ratio, dict) and isinstance(ratio.get("percent"), (int, float)):
                results.coverage.append(Coverage(f"{path.name}: Rego {measure}", float(ratio["percent"]),
                                                 ratio.get("covered"), ratio.get("total")))
