"""Mutation check: would the Rego unit tests or the invariants notice a broken rule?

For each company module (``privacy/companies/<c>/<c>.rego``) this makes mutants of its
``forbids``, ``permits`` and ``obligations`` rules (an obligation is part of the answer too):

- **negate**: one plain condition line of a rule body negated (``not `` prefixed, or a
  leading ``not`` removed); lines that bind (``:=``, ``=``, ``some``, ``every``), open or
  close a block, or carry ``with`` are left alone;
- **drop**: a whole rule removed (with its METADATA comment).

Removed or changed lines keep their line numbers (a dropped rule leaves blank lines), so a
mutant is reported as file:line. Each mutant is run against

1. the Rego unit tests (``regotest.run`` under the OPA Go evaluator, for speed), and
2. the invariant predicates (``privacy_pdp.assurance.invariants``) over a fixed seeded sample of the
   bounded domain of ``privacy_pdp.assurance.verify`` for that company, also under OPA;

and is *killed* when a test that passes on the original fails, or an invariant violation
appears that the original does not have. A mutant that does not compile is *stillborn* and
not counted. The score is killed / (killed + survived); survivors are printed with
file:line, since each is a rule change nothing pins down.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

from privacy_pdp.assurance import invariants as inv
from privacy_pdp.assurance import verify
from privacy_pdp.authoring import regotest
from privacy_pdp.core import regosource
from privacy_pdp.core.engine import EngineError, OpaGoEngine
from privacy_pdp.core.policyset import PolicySet

MUTATED_RULES = ("forbids", "permits", "obligations")


@dataclass(frozen=True)
class Rule:
    name: str
    start: int  # 0-based line of the head
    end: int  # 0-based line of the last line
    body: tuple[int, ...]  # 0-based lines of plain condition expressions
    comment_start: int  # first line of the comment block just above the head
    clause: str | None = None


@dataclass(frozen=True)
class Mutant:
    file: str
    line: int  # 1-based
    kind: str  # negate | drop
    description: str
    source: str  # the mutated module

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _plain(expr: regosource.Expr) -> bool:
    """A condition that can be negated in place: on one line, binding nothing, no `some`,
    `every` or `with`."""
    return (expr.span.start_line == expr.span.end_line and expr.keyword not in ("some", "every")
            and not expr.binds and not expr.has_with)


def rules(source: str) -> list[Rule]:
    """The forbids/permits/obligations rules of a module, with their body's plain condition lines."""
    found = []
    for rule in regosource.parse_module(source).rules:
        if rule.name not in MUTATED_RULES or rule.kind != regosource.PARTIAL_SET:
            continue
        body = tuple(e.span.start_line - 1 for b in rule.bodies if b.braced for e in b.exprs if _plain(e))
        above = rule.comments_start.start_line if rule.comments_start else rule.span.start_line
        found.append(Rule(rule.name, rule.span.start_line - 1, rule.span.end_line - 1, body, above - 1, rule.clause))
    return found


def mutants_of(file: str, source: str) -> Iterator[Mutant]:
    lines = source.split("\n")
    for rule in rules(source):
        for k in rule.body:
            line = lines[k]
            indent = line[: len(line) - len(line.lstrip())]
            text = line.strip()
            if text.startswith("not "):
                changed, what = indent + text[4:], "drop `not`"
            else:
                changed, what = indent + "not " + text, "negate"
            new = lines[:k] + [changed] + lines[k + 1 :]
            yield Mutant(file, k + 1, "negate", f"{what}: {text}", "\n".join(new))
        blank = [""] * (rule.end - rule.comment_start + 1)
        new = lines[: rule.comment_start] + blank + lines[rule.end + 1 :]
        label = f"{rule.name} rule" + (f" citing {rule.clause}" if rule.clause else "")
        yield Mutant(file, rule.start + 1, "drop", f"drop the {label}", "\n".join(new))


def company_modules(policy_set: PolicySet) -> dict[str, str]:
    """company -> path of its main module."""
    return {c: path for c in policy_set.companies if (path := policy_set.company_module(c)) in policy_set.modules}


@dataclass
class Result:
    mutant: Mutant
    status: str  # killed | survived | stillborn
    by: str = ""  # what killed it


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0
    baseline_failures: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def score(self) -> float:
        killed, survived = self.count("killed"), self.count("survived")
        return killed / (killed + survived) if killed + survived else 1.0


def _test_failures(policy_set: PolicySet, pattern: str | None) -> set[str]:
    return {r.test.ref for r in regotest.run(policy_set, pattern, engines=("opa",)) if not r.passed}


def _violations(policy_set: PolicySet, company: str, sample: int, seed: int) -> dict[str, str]:
    """(invariant, input) keys of every violation on the company's sample, under OPA."""
    report = verify.run(policy_set, workers=1, sample=sample, seed=seed, companies=[company], keep=10**9,
                        observer=inv.Observer.opa(policy_set))
    return {f"{c.invariant} {json.dumps(c.input, sort_keys=True)}": f"{c.invariant}: {c.problem}" for c in report.counterexamples}


def run(
    policy_set: PolicySet,
    *,
    companies: Sequence[str] | None = None,
    sample: int = 600,
    seed: int = 7,
    limit: int | None = None,
    progress: Callable[[Result, int, int], None] | None = None,
) -> Report:
    started = time.perf_counter()
    report = Report()
    modules = company_modules(policy_set)
    for company in companies or sorted(modules):
        path = modules.get(company)
        if path is None:
            continue
        pattern = f"^data\\.privacy\\.companies\\.{company}_test\\."  # not Rego: a test ref (company is an identifier)
        base_tests = _test_failures(policy_set, pattern)
        base_violations = _violations(policy_set, company, sample, seed)
        report.baseline_failures += sorted(base_tests) + sorted(set(base_violations.values()))
        mutants = list(mutants_of(path, policy_set.modules[path]))
        if limit is not None:
            mutants = mutants[:limit]
        for index, mutant in enumerate(mutants):
            mutated = PolicySet({**policy_set.modules, path: mutant.source}, policy_set.data, policy_set.revision + "+m",
                                dict(policy_set.test_modules))
            try:
                OpaGoEngine(mutated)
            except EngineError as exc:
                result = Result(mutant, "stillborn", exc.message.splitlines()[0] if exc.message else "compile error")
            else:
                failed = _test_failures(mutated, pattern) - base_tests
                if failed:
                    result = Result(mutant, "killed", "test " + sorted(failed)[0])
                else:
                    new = {k: v for k, v in _violations(mutated, company, sample, seed).items() if k not in base_violations}
                    if new:
                        key = sorted(new)[0]
                        result = Result(mutant, "killed", f"invariant {new[key][:160]} on {key.split(' ', 2)[-1][:300]}")
                    else:
                        result = Result(mutant, "survived")
            report.results.append(result)
            if progress is not None:
                progress(result, index + 1, len(mutants))
    report.seconds = time.perf_counter() - started
    return report
