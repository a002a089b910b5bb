"""Which rules implement a clause and which tests name it, read from the Rego source.

A rule implements the clause its METADATA ``custom.clause`` names; a test names a clause
when the clause id appears in the test or in the comment lines right above it (the
``# clause: <id>`` convention of the company test files). The source is read through
``core.regosource``, the one reader of Rego source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from privacy_pdp.core import regosource
from privacy_pdp.core.policyset import PolicySet

_CLAUSE_ID = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+"


@dataclass(frozen=True)
class RuleRef:
    file: str
    line: int
    name: str
    title: str | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class _Rule:
    ref: RuleRef
    clause: str | None
    text: str  # the rule and the comment lines right above it


def clause_index(policy_set: PolicySet, tests: Mapping[str, str] | None = None,
                 ) -> tuple[dict[str, list[RuleRef]], dict[str, list[RuleRef]]]:
    """(clause -> implementing rules, clause -> tests naming it). ``tests`` are the test
    modules to read (a bundle ships none; pass a policy directory's)."""
    implementing: dict[str, list[RuleRef]] = defaultdict(list)
    for file, source in sorted(policy_set.modules.items()):
        for rule in _rules(file, source):
            if rule.clause and not rule.ref.name.startswith("test_"):
                implementing[rule.clause].append(rule.ref)
    naming: dict[str, list[RuleRef]] = defaultdict(list)
    test_modules = policy_set.test_modules if tests is None else tests
    for file, source in sorted(test_modules.items()):
        for rule in _rules(file, source):
            if not rule.ref.name.startswith("test_"):
                continue
            for clause in dict.fromkeys(re.findall(rf"(?<![\w.])({_CLAUSE_ID})(?![\w.])", rule.text)):
                naming[clause].append(rule.ref)
    return dict(implementing), dict(naming)


def _rules(file: str, source: str) -> Iterable[_Rule]:
    module = regosource.parse_module(source, file)
    for rule in module.rules:
        above = rule.comments_start.text(source) if rule.comments_start else ""
        title = rule.metadata.data.get("title") if rule.metadata else None
        yield _Rule(RuleRef(file, rule.line, rule.name, title if isinstance(title, str) else None), rule.clause,
                    above + "\n" + rule.span.text(source))
