"""A machine-readable summary of a Rego test run: results, the clauses each test names,
and coverage. `privacy-pdp test --summary FILE` writes it (``make test``:
``var/reports/test-summary.json``) for the audit report and CI to read without parsing
the XML reports. The models below are its schema; ``schema_version`` changes when a field
changes meaning.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from privacy_pdp.authoring.coverage import CoverageReport, Figure
from privacy_pdp.authoring.regotest import TestResult
from privacy_pdp.authoring.testclauses import named_clauses
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regosource import parse_module

SCHEMA_VERSION = 1
COVERAGE_MEASURE = (
    "OPA Go evaluator coverage of the test packages' evaluations, over the policy modules "
    "(test modules left out). rules: a rule definition is covered when a test's evaluation "
    "defined it (OPA marked its head covered). lines: the lines OPA places a rule head or an "
    "expression on; covered when everything there ran."
)


class Ratio(BaseModel):
    covered: int
    total: int
    percent: float


class CaseEntry(BaseModel):
    ref: str  # data.<package>.<name>
    package: str
    name: str
    file: str  # relative to the policy directory
    line: int
    status: Literal["pass", "fail", "error", "disagree"]
    outcomes: dict[str, str]  # engine -> pass | fail | error
    seconds: float
    clauses: list[str]  # clause ids the test names (its `# clause:` comment, then its literals)
    message: str | None = None  # what failed, in one line
    details: list[str] = []  # what failed, in full: engine messages, expression and values


class Totals(BaseModel):
    total: int
    passed: int
    failed: int  # false or undefined under an engine
    errors: int
    disagreements: int
    seconds: float


class RuleEntry(BaseModel):
    name: str
    line: int
    kind: str
    covered: bool
    clause: str | None = None  # its METADATA custom.clause


class FileEntry(BaseModel):
    file: str
    package: str
    rules: Ratio
    lines: Ratio
    uncovered_lines: list[int]
    rule_definitions: list[RuleEntry]


class CoverageSummary(BaseModel):
    measure: str = COVERAGE_MEASURE
    rules: Ratio
    lines: Ratio
    thresholds: dict[str, float]  # rules / lines -> the least percent `make test` accepts
    files: list[FileEntry]


class RunSummary(BaseModel):
    schema_version: int = SCHEMA_VERSION
    generated_at: str
    policies: str  # the policy directory, as given
    revision: str  # the policy set's revision (a digest of its modules and data)
    engines: list[str]
    run: str | None = None  # the --run pattern, if the run was narrowed
    totals: Totals
    tests: list[CaseEntry]
    coverage: CoverageSummary | None = None


def build(policy_set: PolicySet, results: list[TestResult], *, policies: str, engines: list[str],
          run: str | None = None, coverage: CoverageReport | None = None,
          thresholds: dict[str, float] | None = None) -> RunSummary:
    from privacy_pdp.authoring.catalogue import catalogue_of

    catalogue = catalogue_of(policy_set)
    entries = [_entry(policy_set, result, catalogue) for result in results]
    totals = Totals(
        total=len(results),
        passed=sum(r.passed for r in results),
        failed=sum(r.status == "FAIL" for r in results),
        errors=sum(r.status == "ERROR" for r in results),
        disagreements=sum(r.status == "DISAGREE" for r in results),
        seconds=round(sum(r.seconds for r in results), 3),
    )
    return RunSummary(
        generated_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        policies=policies,
        revision=policy_set.revision,
        engines=list(engines),
        run=run,
        totals=totals,
        tests=entries,
        coverage=_coverage(coverage, thresholds or {}) if coverage is not None else None,
    )


def write(path: Path | str, summary: RunSummary) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def _entry(policy_set: PolicySet, result: TestResult, catalogue: dict[str, object]) -> CaseEntry:
    test = result.test
    source = policy_set.test_modules.get(test.file, "")
    rule = next((r for r in parse_module(source, test.file).named(test.name)), None)
    details = [f"{name}: {message}" for name, message in sorted(set(result.errors.items()))]
    if result.failure is not None and not result.passed:
        details += result.failure.lines(limit=None)
    message = None
    if not result.passed:
        message = details[0].splitlines()[0] if details else f"{result.status.lower()}: " + ", ".join(
            f"{n}={o}" for n, o in sorted(result.outcomes.items()))
    return CaseEntry(
        ref=test.ref,
        package=test.package,
        name=test.name,
        file=test.file,
        line=test.line,
        status=result.status.lower(),  # type: ignore[arg-type]
        outcomes=result.outcomes,
        seconds=round(result.seconds, 6),
        clauses=named_clauses(source, rule, catalogue) if rule is not None else [],
        message=message,
        details=details if not result.passed else [],
    )


def _ratio(figure: Figure) -> Ratio:
    return Ratio(covered=figure.covered, total=figure.total, percent=round(figure.percent, 2))


def _coverage(report: CoverageReport, thresholds: dict[str, float]) -> CoverageSummary:
    return CoverageSummary(
        rules=_ratio(report.rules),
        lines=_ratio(report.lines),
        thresholds=thresholds,
        files=[
            FileEntry(
                file=f.file,
                package=f.package,
                rules=_ratio(f.rule_figure),
                lines=_ratio(f.line_figure),
                uncovered_lines=f.uncovered_lines,
                rule_definitions=[RuleEntry(name=r.name, line=r.line, kind=r.kind, covered=r.covered, clause=r.clause)
                                  for r in f.rules],
            )
            for f in report.files
        ],
    )
