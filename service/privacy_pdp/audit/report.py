"""What the audit report shows, gathered from a policy source: the catalogue with each
clause's rules and tests, the readings, the results of the test runs and the decision
matrix evaluated by the policy set itself. ``report_html`` draws it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from privacy_pdp import __version__
from privacy_pdp.audit import matrix
from privacy_pdp.audit.results import Results, read_results
from privacy_pdp.audit.rules import RuleRef, clause_index
from privacy_pdp.audit.source import PolicySource
from privacy_pdp.audit.explain import catalogue_of
from privacy_pdp.audit.vocabulary import Vocabulary, promises_of
from privacy_pdp.core.policyset import PolicySetError, load_directory


@dataclass(frozen=True)
class ClauseRow:
    id: str
    entry: Mapping[str, Any]
    rules: list[RuleRef]
    tests: list[RuleRef]

    def get(self, key: str) -> Any:
        return self.entry.get(key)

    @property
    def status(self) -> str:
        return str(self.entry.get("status") or "unknown")

    @property
    def lines(self) -> str:
        source = self.entry.get("source") if isinstance(self.entry.get("source"), Mapping) else {}
        lines = source.get("lines")
        document = source.get("document") or "?"
        if isinstance(lines, list) and len(lines) == 2:
            span = f"L{lines[0]}" if lines[0] == lines[1] else f"L{lines[0]}–{lines[1]}"
            return f"{document} {span}"
        return str(document)

    @property
    def problems(self) -> list[str]:
        """What an auditor should notice: an encoded clause no rule implements or no test names."""
        found = []
        if self.status == "encoded" and not self.rules:
            found.append("encoded, but no rule cites it")
        if self.status == "encoded" and not self.tests and self.entry.get("company") != "all":
            found.append("encoded, but no test names it")
        if self.status == "not_decidable" and not self.entry.get("why"):
            found.append("not decidable, but no reason given")
        return found


@dataclass(frozen=True)
class CompanySection:
    name: str
    clauses: list[ClauseRow]
    promises: Mapping[str, Any]

    def with_status(self, status: str) -> list[ClauseRow]:
        return [c for c in self.clauses if c.status == status]


@dataclass
class ReportData:
    source: PolicySource
    generated: str
    tool_version: str
    results: Results
    tests_from: str
    companies: list[CompanySection]
    general: list[ClauseRow]  # clauses of no one company (company "all")
    axes: matrix.Axes
    cells: list[matrix.Cell]
    matrix_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def clause_count(self) -> int:
        return sum(len(c.clauses) for c in self.companies) + len(self.general)


def gather(source: PolicySource, results_dir: Path | None = None, tests_dir: Path | None = None,
           workers: int = 2, progress: Callable[[int, int], None] | None = None) -> ReportData:
    policy_set = source.policy_set
    tests, tests_from = _tests(source, tests_dir)
    implementing, naming = clause_index(policy_set, tests)
    catalogue = catalogue_of(policy_set)
    vocabulary = Vocabulary.of(policy_set)
    rows = {cid: ClauseRow(cid, entry, implementing.get(cid, []), naming.get(cid, []))
            for cid, entry in sorted(catalogue.items())}
    companies = [
        CompanySection(company, [r for r in rows.values() if r.entry.get("company") == company],
                       promises_of(policy_set, company))
        for company in vocabulary.companies
    ]
    known = set(vocabulary.companies)
    general = [r for r in rows.values() if r.entry.get("company") not in known]
    axes = matrix.Axes.of(vocabulary, matrix.REPORT_CONTEXTS)
    started = time.perf_counter()
    cells = matrix.compute(policy_set, axes, workers=workers, progress=progress)
    return ReportData(
        source=source,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        tool_version=__version__,
        results=read_results(results_dir),
        tests_from=tests_from,
        companies=companies,
        general=general,
        axes=axes,
        cells=cells,
        matrix_seconds=time.perf_counter() - started,
    )


def _tests(source: PolicySource, tests_dir: Path | None) -> tuple[dict[str, str] | None, str]:
    """The Rego tests to read: the directory's own, or (a bundle ships none) tests_dir's."""
    if source.kind == "directory" and tests_dir is None:
        return None, f"{source.path} (the policy directory)"
    if tests_dir is None:
        return {}, "none (a bundle carries no tests; pass --tests DIR)"
    try:
        return load_directory(tests_dir).test_modules, str(tests_dir)
    except PolicySetError as exc:
        return {}, f"none ({exc})"
