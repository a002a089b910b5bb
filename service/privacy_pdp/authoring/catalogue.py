"""The clause catalogue check: rules, tests and catalogue must agree.

Reads METADATA annotations from the Rego source (regopy cannot read them at evaluation
time) and checks that every cited clause is catalogued, that the clause in a rule's
METADATA is the one its reason cites, that every ``encoded`` clause has a rule and a
test, and that every ``not_decidable`` clause says why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from privacy_pdp.core import regosource
from privacy_pdp.core.policyset import PolicySet

# The rules privacy.decision reads from a company package, and their kinds.
DECIDING_SETS = ("forbids", "permits", "obligations")
DECIDING_ONE = "catch_all"
REQUIRED_FIELDS = ("company", "title", "summary", "source", "language", "status")
MAX_QUOTE = 200
GENERATED_DISPATCH = "privacy/dispatch.rego"


@dataclass(frozen=True)
class AnnotatedRule:
    file: str
    line: int
    name: str
    metadata: dict[str, Any]
    body_clauses: tuple[str, ...]
    deciding: bool = False
    metadata_error: str | None = None

    @property
    def clause(self) -> str | None:
        custom = self.metadata.get("custom") or {}
        return custom.get("clause") if isinstance(custom, dict) else None


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def catalogue_of(policy_set: PolicySet) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for entries in policy_set.data.get("privacy", {}).get("catalogue", {}).values():
        merged.update(entries)
    return merged


def is_deciding(rule: regosource.Rule) -> bool:
    """One of the rules privacy.decision reads: every such rule cites a clause."""
    if rule.name in DECIDING_SETS:
        return rule.kind == regosource.PARTIAL_SET
    return rule.name == DECIDING_ONE and rule.kind in (regosource.COMPLETE, regosource.DEFAULT)


def rules_of(file: str, source: str) -> list[AnnotatedRule]:
    """Every top-level rule in source, with its METADATA block (empty if none) and the
    clause ids its body writes as `"clause": "<id>"`."""
    found = []
    for rule in regosource.parse_module(source, file).rules:
        metadata = rule.metadata.data if rule.metadata else {}
        error = rule.metadata.error if rule.metadata else None
        clauses = tuple(value for key, value in rule.string_pairs if key == "clause")
        found.append(AnnotatedRule(file, rule.line, rule.name, metadata, clauses, is_deciding(rule), error))
    return found


def check(policy_set: PolicySet) -> Report:
    report = Report()
    problems = report.problems
    catalogue = catalogue_of(policy_set)
    cited: set[str] = set()

    for file, source in sorted(policy_set.modules.items()):
        if file == GENERATED_DISPATCH:  # forwards the companies' rules; decides nothing itself
            continue
        for rule in rules_of(file, source):
            where = f"{file}:{rule.line}"
            if rule.metadata_error:
                problems.append(f"{where}: {rule.metadata_error}")
                continue
            deciding = rule.deciding
            if deciding and not rule.metadata:
                problems.append(f"{where}: rule {rule.name} decides but has no METADATA")
                continue
            if deciding:
                for key in ("title", "description"):
                    if not rule.metadata.get(key):
                        problems.append(f"{where}: rule {rule.name} has no METADATA {key}")
                if not rule.clause:
                    problems.append(f"{where}: rule {rule.name} has no METADATA custom.clause")
            if rule.clause:
                cited.add(rule.clause)
                if rule.clause not in catalogue:
                    problems.append(f"{where}: rule {rule.name} cites unknown clause {rule.clause}")
            for literal in rule.body_clauses:
                if literal not in catalogue:
                    problems.append(f"{where}: rule {rule.name} gives unknown clause {literal}")
                elif deciding and rule.clause and literal != rule.clause:
                    problems.append(f"{where}: rule {rule.name} cites {rule.clause} in METADATA but {literal} in its reason")

    # A test names a clause when one of its string literals is the clause id.
    test_literals = {s for file, source in policy_set.test_modules.items() for s in regosource.parse_module(source, file).strings}
    for clause_id, entry in sorted(catalogue.items()):
        missing = [f for f in REQUIRED_FIELDS if f not in entry]
        if missing:
            problems.append(f"catalogue {clause_id}: missing {', '.join(missing)}")
            continue
        company = entry["company"]
        report.counts.setdefault(company, Counter())[entry["status"]] += 1
        if company != "all" and not clause_id.startswith(f"{company}."):
            problems.append(f"catalogue {clause_id}: id does not start with its company {company}")
        quote = entry.get("quote") or ""
        if len(quote) > MAX_QUOTE:
            problems.append(f"catalogue {clause_id}: quote is {len(quote)} characters (at most {MAX_QUOTE})")
        if entry["status"] == "encoded":
            if clause_id not in cited:
                problems.append(f"catalogue {clause_id}: encoded, but no rule's METADATA cites it")
            if company != "all" and clause_id not in test_literals:
                problems.append(f"catalogue {clause_id}: encoded, but no test names it")
        elif entry["status"] == "not_decidable":
            if not str(entry.get("why") or "").strip():
                problems.append(f"catalogue {clause_id}: not_decidable without why")
            if clause_id in cited:
                problems.append(f"catalogue {clause_id}: not_decidable, but a rule cites it")
        else:
            problems.append(f"catalogue {clause_id}: unknown status {entry['status']!r}")
    return report


def format_counts(report: Report) -> str:
    rows = ["| company | encoded | not decidable |", "|---|---|---|"]
    for company, counts in sorted(report.counts.items()):
        if company == "all":
            continue
        rows.append(f"| {company} | {counts['encoded']} | {counts['not_decidable']} |")
    return "\n".join(rows)
