"""The clause catalogue check: rules, tests and catalogue must agree.

Reads METADATA annotations from the Rego source (regopy cannot read them at evaluation
time) and checks that every cited clause is catalogued, that the clause in a rule's
METADATA is the one its reason cites, that every ``encoded`` clause has a rule and a
test, and that every ``not_decidable`` clause says why.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import yaml

from privacy_pdp.core.policyset import PolicySet

DECIDING_RULE = re.compile(r"^(forbids|permits|obligations)\s+contains\b|^catch_all\s*:?=")
RULE_HEAD = re.compile(r"^([a-z_][a-z0-9_]*)\b")
CLAUSE_LITERAL = re.compile(r'"clause"\s*:\s*"([^"]+)"')
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


def rules_of(file: str, source: str) -> list[AnnotatedRule]:
    """Every top-level rule in source, with its METADATA block (empty if none)."""
    lines = source.splitlines()
    rules: list[AnnotatedRule] = []
    metadata_lines: list[str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() == "# METADATA":
            metadata_lines = []
            index += 1
            while index < len(lines) and lines[index].startswith("#"):
                metadata_lines.append(re.sub(r"^# ?", "", lines[index]))
                index += 1
            continue
        head = RULE_HEAD.match(line)
        if head and not line.startswith(("package", "import")):
            end = index + 1
            while end < len(lines) and not RULE_HEAD.match(lines[end]) and lines[end].strip() != "# METADATA":
                end += 1
            body = "\n".join(lines[index:end])
            try:
                metadata = yaml.safe_load("\n".join(metadata_lines)) if metadata_lines else {}
            except yaml.YAMLError as exc:
                metadata = {"_error": str(exc)}
            rules.append(
                AnnotatedRule(file, index + 1, head.group(1), metadata or {}, tuple(CLAUSE_LITERAL.findall(body)))
            )
            metadata_lines = None
            index = end
            continue
        if line.strip() and not line.startswith("#"):
            metadata_lines = None
        index += 1
    return rules


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
            if "_error" in rule.metadata:
                problems.append(f"{where}: METADATA is not valid YAML: {rule.metadata['_error']}")
                continue
            deciding = bool(DECIDING_RULE.match(source.splitlines()[rule.line - 1]))
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

    tests_text = "\n".join(policy_set.test_modules.values())
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
            if company != "all" and not re.search(rf"(?<![\w.]){re.escape(clause_id)}(?![\w.])", tests_text):
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
