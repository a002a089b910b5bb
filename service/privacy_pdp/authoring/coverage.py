"""Coverage of the policy by its Rego tests, from the OPA Go evaluator's own coverage.

The test runner evaluates every test package under OPA with coverage on (opa_bindings'
``eval_document(..., coverage=True)``, OPA's ``cover`` tracer) and hands each report to a
``Collector``. OPA marks a source range covered when an expression there was evaluated or a
rule head there produced a value (its rule exited), and not covered otherwise; the
collector takes the union over all evaluations (a range covered by any test is covered).

Two figures, over the policy modules (test modules left out: they are not the policy):

- **rule coverage**: a rule definition (one top-level rule statement, read with
  ``core.regosource``; an ``else`` chain is one definition) is covered when OPA marks its
  head, or the head of one of its ``else`` branches, covered: some test's evaluation
  defined it. Nothing is said about which of its values were produced.
- **line coverage**: the lines on which OPA places a rule head or an expression; a line is
  covered when everything OPA placed on it ran, and not covered when something there never
  did. (Stricter than ``opa test --coverage``, which counts such a line on both sides.)
  Each line is run or not: there are no hit counts and no branch coverage.

The runner evaluates a test package as one document, so a run narrowed with ``--run``
counts every test of the packages the chosen tests belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regosource import Rule, parse_module

# (start row, start col, end row, end col), as OPA reports a location
Range = tuple[int, int, int, int]


def _range(item: dict[str, Any]) -> Range | None:
    try:
        start, end = item["start"], item["end"]
        return int(start["row"]), int(start.get("col", 0)), int(end["row"]), int(end.get("col", 0))
    except (KeyError, TypeError, ValueError):
        return None


def _contains(outer: Range, inner: Range) -> bool:
    return (outer[0], outer[1]) <= (inner[0], inner[1]) and (inner[2], inner[3]) <= (outer[2], outer[3])


@dataclass
class Collector:
    """The union of OPA coverage reports (``OpaEngine.last_coverage``), per file."""

    covered: dict[str, set[Range]] = field(default_factory=dict)
    not_covered: dict[str, set[Range]] = field(default_factory=dict)
    reports: int = 0

    def add(self, report: dict[str, Any] | None) -> None:
        if not isinstance(report, dict) or not isinstance(report.get("files"), dict):
            return
        self.reports += 1
        for file, found in report["files"].items():
            if not isinstance(found, dict):
                continue
            for key, into in (("covered", self.covered), ("not_covered", self.not_covered)):
                ranges = into.setdefault(file, set())
                for item in found.get(key) or ():
                    parsed = _range(item) if isinstance(item, dict) else None
                    if parsed is not None:
                        ranges.add(parsed)


@dataclass(frozen=True)
class RuleCoverage:
    name: str
    line: int
    kind: str
    covered: bool
    clause: str | None = None


@dataclass(frozen=True)
class Figure:
    covered: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0


@dataclass(frozen=True)
class FileCoverage:
    file: str
    package: str
    lines: dict[int, bool]  # line -> covered, for the lines OPA places something on
    rules: tuple[RuleCoverage, ...]

    @property
    def line_figure(self) -> Figure:
        return Figure(sum(self.lines.values()), len(self.lines))

    @property
    def rule_figure(self) -> Figure:
        return Figure(sum(r.covered for r in self.rules), len(self.rules))

    @property
    def uncovered_lines(self) -> list[int]:
        return sorted(line for line, hit in self.lines.items() if not hit)


@dataclass(frozen=True)
class CoverageReport:
    files: tuple[FileCoverage, ...]

    @property
    def lines(self) -> Figure:
        return Figure(sum(f.line_figure.covered for f in self.files), sum(f.line_figure.total for f in self.files))

    @property
    def rules(self) -> Figure:
        return Figure(sum(f.rule_figure.covered for f in self.files), sum(f.rule_figure.total for f in self.files))


def measure(policy_set: PolicySet, collector: Collector) -> CoverageReport:
    """The coverage of policy_set's modules from what collector gathered."""
    files = []
    for file, source in sorted(policy_set.modules.items()):
        covered = collector.covered.get(file, set())
        missed = _missed(covered, collector.not_covered.get(file, set()))
        lines: dict[int, bool] = {}
        for ranges, hit in ((covered, True), (missed, False)):
            for start_row, _, end_row, _ in ranges:
                for line in range(start_row, end_row + 1):
                    lines[line] = lines.get(line, True) and hit
        module = parse_module(source, file)
        starts = {(r[0], r[1]) for r in covered}
        elses = [token.start for token in module.tokens if token.is_word("else")]
        rules = tuple(
            RuleCoverage(rule.name, rule.line, rule.kind, _rule_covered(source, rule, starts, elses), rule.clause)
            for rule in module.rules
        )
        files.append(FileCoverage(file, module.package, lines, rules))
    return CoverageReport(tuple(files))


def _missed(covered: set[Range], not_covered: set[Range]) -> set[Range]:
    """Ranges some evaluation did not cover and no evaluation did (OPA's own rule: a range
    inside a covered one is covered)."""
    return {r for r in not_covered if r not in covered and not any(_contains(c, r) for c in covered)}


def _rule_covered(source: str, rule: Rule, starts: set[tuple[int, int]], elses: list[int]) -> bool:
    """OPA marks a head covered when its rule exits with a value; an else branch has its
    own head, starting at its `else` (starts: where covered ranges start)."""
    heads = [rule.span.start, *(e for e in elses if rule.span.start <= e < rule.span.end)]
    return any(_position(source, offset) in starts for offset in heads)


def _position(source: str, offset: int) -> tuple[int, int]:
    """(row, col) of an offset, 1-based, as OPA counts them (bytes)."""
    line_start = source.rfind("\n", 0, offset) + 1
    return source.count("\n", 0, offset) + 1, len(source[line_start:offset].encode()) + 1


def format_table(report: CoverageReport) -> str:
    """One line per file and the totals, for the test runner's output."""
    width = max((len(f.file) for f in report.files), default=10)
    rows = [f"{'coverage':<{width}}  {'rules':>13}  {'lines':>13}"]
    for f in report.files:
        rows.append(f"{f.file:<{width}}  {_cell(f.rule_figure)}  {_cell(f.line_figure)}")
    rows.append(f"{'total':<{width}}  {_cell(report.rules)}  {_cell(report.lines)}")
    return "\n".join(rows)


def format_uncovered(report: CoverageReport) -> list[str]:
    """`file:line: rule NAME is never defined by a test` for each uncovered rule."""
    return [
        f"{f.file}:{r.line}: rule {r.name} is never defined by a test"
        for f in report.files
        for r in f.rules
        if not r.covered
    ]


def _cell(figure: Figure) -> str:
    return f"{figure.covered:>4}/{figure.total:<4} {figure.percent:5.1f}%"
