"""Mutation check: would the Rego unit tests or the invariants notice a broken rule?

For each company module (``privacy/companies/<c>/<c>.rego``) this makes mutants of its
``forbids`` and ``permits`` rules:

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
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

from privacy_pdp.assurance import invariants as inv
from privacy_pdp.authoring import regotest
from privacy_pdp.assurance import verify
from privacy_pdp.core.engine import EngineError, OpaGoEngine
from privacy_pdp.core.policyset import PolicySet

_RULE_START = re.compile(r"^(forbids|permits)\s+contains\b")
_SKIP_LINE = re.compile(r"^(some|every)\b|:=|(?<![=!<>])=(?!=)|\bwith\b")


@dataclass(frozen=True)
class Rule:
    name: str
    start: int  # 0-based line of the head
    end: int  # 0-based line of the last line
    body: tuple[int, ...]  # 0-based lines of plain condition expressions
    comment_start: int  # first line of the comment block just above the head


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


def _depths(source: str) -> list[tuple[int, int]]:
    """For each line, the brace/bracket depth at its start and at its end (strings, raw
    strings and comments skipped)."""
    out = []
    depth = 0
    in_raw = False
    for line in source.split("\n"):
        start = depth
        i = 0
        in_str = False
        while i < len(line):
            ch = line[i]
            if in_raw:
                if ch == "`":
                    in_raw = False
            elif in_str:
                if ch == "\\":
                    i += 1
                elif ch == '"':
                    in_str = False
            elif ch == "#":
                break
            elif ch == '"':
                in_str = True
            elif ch == "`":
                in_raw = True
            elif ch in "{[(":
                depth += 1
            elif ch in "}])":
                depth -= 1
            i += 1
        out.append((start, depth))
    return out


def _code(line: str) -> str:
    """The line without a trailing comment (outside strings)."""
    in_str = False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            in_str = not in_str
        elif ch == "#" and not in_str:
            return line[:i]
    return line


def rules(source: str) -> list[Rule]:
    """The forbids/permits rules of a module, with their body's plain condition lines."""
    lines = source.split("\n")
    depths = _depths(source)
    found = []
    i = 0
    while i < len(lines):
        match = _RULE_START.match(lines[i])
        if not match or depths[i][0] != 0:
            i += 1
            continue
        start = i
        # the rule ends where the depth comes back to 0 on a line that does not go on
        # with `if {`, `} if {` or `else`
        j = i
        while j < len(lines):
            code = _code(lines[j]).rstrip()
            if depths[j][1] == 0 and not re.search(r"\bif\s*$|\bif\s*\{\s*$|\belse\b.*$", code) and code.strip():
                # a head object closed by `} if {` raises the depth again on the same line
                break
            j += 1
        end = min(j, len(lines) - 1)
        # the body: lines after the line that opened `if {`
        body_open = None
        for k in range(start, end + 1):
            if re.search(r"\bif\s*\{\s*$", _code(lines[k]).rstrip()):
                body_open = k
        body = []
        if body_open is not None:
            for k in range(body_open + 1, end):
                text = _code(lines[k]).strip()
                if not text or depths[k] != (1, 1):
                    continue
                if _SKIP_LINE.search(text):
                    continue
                body.append(k)
        comment_start = start
        while comment_start > 0 and lines[comment_start - 1].startswith("#"):
            comment_start -= 1
        found.append(Rule(match.group(1), start, end, tuple(body), comment_start))
        i = end + 1
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
        clause = re.search(r"clause:\s*(\S+)", "\n".join(lines[rule.comment_start : rule.end + 1]))
        label = f"{rule.name} rule" + (f" citing {clause.group(1)}" if clause else "")
        yield Mutant(file, rule.start + 1, "drop", f"drop the {label}", "\n".join(new))


def company_modules(policy_set: PolicySet) -> dict[str, str]:
    """company -> path of its main module."""
    found = {}
    for path in sorted(policy_set.modules):
        m = re.fullmatch(r"privacy/companies/([^/]+)/\1\.rego", path)
        if m:
            found[m.group(1)] = path
    return found


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
        pattern = rf"^data\.privacy\.companies\.{re.escape(company)}_test\."
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
