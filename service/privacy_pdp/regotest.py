"""A Rego test runner in the manner of ``opa test``.

Discovers ``test_*`` rules in ``*_test.rego`` modules and evaluates each under both
engines: regopy (production) and the OPA Go evaluator (reference). A test passes when
it is true under both; an engine error, a false or undefined test, or a disagreement
between the engines is a failure. regopy runs in a child process, so that an abort
inside rego-cpp is reported as a failed run instead of killing the runner.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from privacy_pdp.engine import Engine, EngineError, OpaGoEngine, RegoEngine
from privacy_pdp.policyset import PolicySet

_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_\w+)\b", re.MULTILINE)

Outcome = tuple[str, str, float]  # pass | fail | error, error message, seconds


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


def _outcome(engine: Engine, path: str) -> Outcome:
    started = time.perf_counter()
    try:
        result = engine.evaluate(path)
    except EngineError as exc:
        return "error", exc.message, time.perf_counter() - started
    status = "pass" if result.defined and result.value is True else "fail"
    return status, "", time.perf_counter() - started


def _run_regopy(policy_set: PolicySet, paths: list[str]) -> dict[str, Outcome]:
    """In a child process: compile once with every test as an entrypoint, run them all."""
    try:
        engine = RegoEngine(policy_set, entrypoints=paths)
    except EngineError as exc:
        return {path: ("error", exc.message, 0.0) for path in paths}
    return {path: _outcome(engine, path) for path in paths}


def _run_regopy_isolated(policy_set: PolicySet, paths: list[str]) -> dict[str, Outcome]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            return pool.submit(_run_regopy, policy_set, paths).result()
        except BrokenProcessPool:
            message = "regopy aborted while compiling or evaluating the tests (its own message is above)"
            return {path: ("error", message, 0.0) for path in paths}


def run(
    policy_set: PolicySet,
    pattern: str | None = None,
    engines: Sequence[str] = ("regopy", "opa"),
    report: Callable[[TestResult], None] | None = None,
) -> list[TestResult]:
    """Run every discovered test (or those matching pattern) under the given engines."""
    tests = [t for t in discover(policy_set) if pattern is None or re.search(pattern, t.ref)]
    full = policy_set.with_tests()
    paths = [t.path for t in tests]
    by_engine: dict[str, dict[str, Outcome]] = {}
    if "opa" in engines:
        try:
            opa = OpaGoEngine(full)
        except EngineError as exc:
            by_engine["opa"] = {p: ("error", exc.message, 0.0) for p in paths}
        else:
            by_engine["opa"] = {p: _outcome(opa, p) for p in paths}
    if "regopy" in engines and paths:
        by_engine["regopy"] = _run_regopy_isolated(full, paths)
    results = []
    for test in tests:
        outcomes = {name: found[test.path] for name, found in by_engine.items()}
        result = TestResult(
            test,
            {name: o[0] for name, o in outcomes.items()},
            {name: o[1] for name, o in outcomes.items() if o[1]},
            sum(o[2] for o in outcomes.values()),
        )
        results.append(result)
        if report is not None:
            report(result)
    return results


def format_result(result: TestResult) -> str:
    t = result.test
    line = f"{result.status:<8} {t.file}:{t.line}  {t.ref} ({result.seconds * 1000:.1f}ms)"
    if result.status == "DISAGREE":
        line += "  " + ", ".join(f"{name}={o}" for name, o in sorted(result.outcomes.items()))
    for name, message in sorted(set(result.errors.items())):
        line += f"\n         {name}: {message}"
    return line


def summary(results: Iterable[TestResult]) -> str:
    results = list(results)
    passed = sum(r.passed for r in results)
    return f"{passed} passed, {len(results) - passed} failed"
