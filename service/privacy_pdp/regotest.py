"""A Rego test runner in the manner of ``opa test``.

Discovers ``test_*`` rules in ``*_test.rego`` modules and evaluates each under both
engines: regopy (production) and the OPA Go evaluator (reference). A test passes when
it is true under both; an engine error, a false or undefined test, or a disagreement
between the engines is a failure.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from privacy_pdp.engine import Engine, EngineError, Evaluation, OpaGoEngine, RegoEngine
from privacy_pdp.policyset import PolicySet

_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_\w+)\b", re.MULTILINE)


@dataclass(frozen=True)
class RegoTest:
    file: str
    line: int
    package: str
    name: str

    @property
    def path(self) -> str:
        return "/".join([*self.package.split("."), self.name])

    @property
    def ref(self) -> str:
        return f"data.{self.package}.{self.name}"


@dataclass
class TestResult:
    test: RegoTest
    outcomes: dict[str, str]  # engine name -> pass | fail | error
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def status(self) -> str:
        values = set(self.outcomes.values())
        if len(values) > 1:
            return "DISAGREE"
        return values.pop().upper() if values else "ERROR"

    @property
    def passed(self) -> bool:
        return self.status == "PASS"


def discover(policy_set: PolicySet) -> list[RegoTest]:
    tests: list[RegoTest] = []
    seen: set[str] = set()
    for file, source in sorted(policy_set.test_modules.items()):
        package = _PACKAGE.search(source)
        if package is None:
            continue
        for match in _TEST_RULE.finditer(source):
            test = RegoTest(file, source.count("\n", 0, match.start()) + 1, package.group(1), match.group(1))
            if test.ref not in seen:  # a rule defined twice is one test, as in OPA
                seen.add(test.ref)
                tests.append(test)
    return tests


def _outcome(engine: Engine, test: RegoTest) -> tuple[str, str]:
    try:
        result: Evaluation = engine.evaluate(test.path)
    except EngineError as exc:
        return "error", exc.message
    return ("pass", "") if result.defined and result.value is True else ("fail", "")


def run(
    policy_set: PolicySet,
    pattern: str | None = None,
    engines: Sequence[str] = ("regopy", "opa"),
    report: Callable[[TestResult], None] | None = None,
) -> list[TestResult]:
    """Run every discovered test (or those matching pattern) under the given engines."""
    tests = [t for t in discover(policy_set) if pattern is None or re.search(pattern, t.ref)]
    full = policy_set.with_tests()
    built: list[Engine] = []
    if "regopy" in engines:
        built.append(RegoEngine(full, entrypoints=[t.path for t in tests]))
    if "opa" in engines:
        built.append(OpaGoEngine(full))
    results = []
    for test in tests:
        started = time.perf_counter()
        outcomes, errors = {}, {}
        for engine in built:
            outcomes[engine.name], message = _outcome(engine, test)
            if message:
                errors[engine.name] = message
        result = TestResult(test, outcomes, errors, time.perf_counter() - started)
        results.append(result)
        if report is not None:
            report(result)
    return results


def format_result(result: TestResult) -> str:
    t = result.test
    line = f"{result.status:<8} {t.file}:{t.line}  {t.ref} ({result.seconds * 1000:.1f}ms)"
    if result.status == "DISAGREE":
        line += "  " + ", ".join(f"{name}={o}" for name, o in sorted(result.outcomes.items()))
    for name, message in sorted(result.errors.items()):
        line += f"\n         {name}: {message}"
    return line


def summary(results: Iterable[TestResult]) -> str:
    results = list(results)
    passed = sum(r.passed for r in results)
    return f"{passed} passed, {len(results) - passed} failed"
