"""A Rego test runner in the manner of ``opa test``.

Discovers ``test_*`` rules in ``*_test.rego`` modules and runs each under both engines:
regopy (production) and the OPA Go evaluator (reference). A test passes when it holds and
the engines agree; an engine error, a false or undefined test, or a disagreement is a
failure.

regopy 1.5.2 cannot run tests that use ``with``: it aborts when a rule that calls a
function is evaluated under ``with input as``, and its cost grows steeply with the number
of rules under ``with data.x as``. So a test that uses ``with`` runs under OPA, and every
document it substitutes for the input (``with input as D`` or
``with data.privacy.request.document as D``) is recorded and replayed: the decision
entrypoint is evaluated on D by both engines, without ``with``, and the two documents must
be identical. Tests without ``with`` run under both engines directly (regopy compiles the
test modules with their with-rules blanked out: they would only slow it down). regopy runs
in a child process, so an abort inside rego-cpp fails the run instead of killing the runner,
and the tests it aborts on are found by running the rest apart (``_aborted_apart``).
Test modules are read with ``core.regosource``; only a test rule's own `with` is recorded.

Under OPA the runner can also gather coverage (``authoring.coverage``: OPA's coverage of
each test package's evaluation) and, for a test that fails there, show the expression that
failed and the values it saw (``authoring.failure``: from OPA's trace of that test).
"""

from __future__ import annotations

import json
import multiprocessing
import re
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from privacy_pdp.authoring import failure as failures
from privacy_pdp.authoring.coverage import Collector
from privacy_pdp.core.engine import UNDEFINED, Engine, EngineError, Evaluation, OpaGoEngine, RegoEngine, path_segments
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regosource import is_identifier, parse_module

CAPTURE = "__pdp_capture"
# with-targets whose value is the decision input, and the document replayed on it
INPUT_TARGETS = ("input", "data.privacy.request.document")
REPLAY_ENTRYPOINT = "privacy/decision"
# Failed tests explained from OPA's trace, at most (each costs one traced evaluation).
MAX_EXPLAINED = 25

Outcome = tuple[str, str, float]  # pass | fail | error, error message, seconds


@dataclass(frozen=True)
class RegoTest:
    file: str
    line: int
    package: str
    name: str
    uses_with: bool = False

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
    failure: failures.Failure | None = None  # what failed under OPA, when it could be told

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
        module = parse_module(source, file)
        if not module.package:
            continue
        for rule in module.tests():
            test = RegoTest(file, rule.line, module.package, rule.name, bool(rule.withs))
            if test.ref not in seen:  # a rule defined twice is one test, as in OPA
                seen.add(test.ref)
                tests.append(test)
    return tests


def without_with_rules(source: str) -> str:
    """The module with every rule that uses `with` blanked out (line numbers kept)."""
    for rule in sorted(parse_module(source).rules, key=lambda r: r.span.start, reverse=True):
        if rule.withs:
            blank = "".join(ch if ch == "\n" else " " for ch in source[rule.span.start : rule.span.end])
            source = source[: rule.span.start] + blank + source[rule.span.end :]
    return source


def direct_test_set(policy_set: PolicySet) -> PolicySet:
    """What regopy compiles to run the tests without `with`: the policy and the test
    modules without their with-rules (regopy's compile time explodes with the number of
    rules under `with data.x as`, and those tests are replayed anyway)."""
    tests = {name: without_with_rules(source) for name, source in policy_set.test_modules.items()}
    return PolicySet({**policy_set.modules, **tests}, policy_set.data, policy_set.revision)


def _outcome(engine: Engine, path: str) -> Outcome:
    started = time.perf_counter()
    try:
        result = engine.evaluate(path)
    except EngineError as exc:
        return "error", exc.message, time.perf_counter() - started
    status = "pass" if result.defined and result.value is True else "fail"
    return status, "", time.perf_counter() - started


def with_capture(source: str) -> str:
    """Wrap every with-value of a test in a call that records it:
    `with T as E` -> `with T as CAPTURE("test", "T", E)`."""
    edits = [
        (w.value_span.start, w.value_span.end, f'{CAPTURE}("{rule.name}", "{w.target}", {w.value})')
        for rule in parse_module(source).tests()
        for w in rule.withs
    ]
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


class _TracingOpa(OpaGoEngine):
    """The OPA Go evaluator, also handing back its coverage report or trace of an evaluation."""

    def traced(self, path: str, coverage: bool = False, trace: bool = False
               ) -> tuple[Evaluation, dict[str, Any] | None, list[dict[str, Any]] | None]:
        """Evaluate the document at path (no input). Paths of plain names only (test paths)."""
        from opa_bindings import OpaUndefinedError

        segments = path_segments(path)
        if not all(is_identifier(s) for s in segments):
            return self.evaluate(path), None, None
        engine = self.pool.take()  # the report and the trace are the last evaluation's of that engine
        try:
            try:
                evaluation = Evaluation(True, engine.eval_document(".".join(segments), None,
                                                                   coverage=coverage, trace=trace))
            except OpaUndefinedError:
                evaluation = Evaluation(False)
            except self._error_type as exc:
                raise EngineError(exc.message) from None
            return evaluation, engine.last_coverage, engine.last_trace
        finally:
            self.pool.give(engine)

    def side(self, query: str) -> Any:
        """The value a query binds to failure.SIDE (raises when it binds none)."""
        engine = self.pool.take()
        try:
            return engine.eval_query(query)[0][failures.SIDE]
        finally:
            self.pool.give(engine)


class _CapturingOpa:
    """OPA with test modules rewritten to record the documents they substitute for the input."""

    name = "opa"

    def __init__(self, policy_set: PolicySet, coverage: Collector | None = None):
        self.captured: dict[str, list[Any]] = {}
        self.coverage = coverage
        self.test_sources = policy_set.test_modules
        modules = dict(policy_set.modules)
        for name, source in policy_set.test_modules.items():
            modules[name] = with_capture(source)
        self._engine = _TracingOpa(
            PolicySet(modules, policy_set.data, policy_set.revision),
            builtins={CAPTURE: self._capture},
        )

    def evaluate(self, path: str, input: Any = UNDEFINED) -> Evaluation:
        """As OpaGoEngine.evaluate; the coverage of the evaluation goes to the collector."""
        if self.coverage is None or input is not UNDEFINED:
            return self._engine.evaluate(path, input)
        evaluation, report, _ = self._engine.traced(path, coverage=True)
        self.coverage.add(report)
        return evaluation

    def explain(self, test: RegoTest) -> failures.Failure | None:
        """What failed in a test that does not hold under OPA (None if the trace cannot tell)."""
        kept = self.captured
        try:
            _, _, trace = self._engine.traced(test.path, trace=True)
        except EngineError:
            return None
        finally:
            self.captured = kept  # the traced run captures its inputs again
        source = self.test_sources.get(test.file, "")
        return failures.explain(trace, test.file, source, test.name, self._engine.side)

    def _capture(self, test: str, target: str, value: Any) -> Any:
        if target in INPUT_TARGETS:
            self.captured.setdefault(test, []).append(value)
        return value

    def run(self, tests: list[RegoTest]) -> tuple[dict[str, Outcome], dict[str, list[Any]]]:
        """Each test package is evaluated as one document (OPA prepares a query per path,
        which costs far more than evaluating); a test missing from it is asked alone to
        tell a failure from an error."""
        outcomes: dict[str, Outcome] = {}
        captured: dict[str, list[Any]] = {}
        by_package: dict[str, list[RegoTest]] = {}
        for test in tests:
            by_package.setdefault(test.package, []).append(test)
        for package, members in by_package.items():
            self.captured = {}
            started = time.perf_counter()
            try:
                result = self.evaluate(package.replace(".", "/"))
                document = result.value if result.defined and isinstance(result.value, dict) else {}
            except EngineError:
                document = {}
            seconds = (time.perf_counter() - started) / len(members)
            for test in members:
                if document.get(test.name) is True:
                    outcomes[test.path] = ("pass", "", seconds)
                else:
                    outcomes[test.path] = _outcome(self, test.path)
                captured[test.path] = self.captured.get(test.name, [])
        return outcomes, captured


def _run_regopy(policy_set: PolicySet, paths: list[str]) -> dict[str, Outcome]:
    """In a child process: compile once with every test as an entrypoint, run them all."""
    try:
        engine = RegoEngine(policy_set, entrypoints=paths)
    except EngineError as exc:
        return {path: ("error", exc.message, 0.0) for path in paths}
    return {path: _outcome(engine, path) for path in paths}


def _replay_regopy(policy_set: PolicySet, inputs: list[Any]) -> list[Any]:
    """In a child process: the replay entrypoint on each input (None where undefined)."""
    engine = RegoEngine(policy_set, entrypoints=[REPLAY_ENTRYPOINT])
    results = []
    for value in inputs:
        try:
            evaluation = engine.evaluate(REPLAY_ENTRYPOINT, value)
            results.append(evaluation.value if evaluation.defined else None)
        except EngineError as exc:
            results.append({"__error__": exc.message})
    return results


def _in_child(function: Callable[..., Any], *args: Any) -> Any:
    """Run function in a child process; None if regopy aborted it."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            return pool.submit(function, *args).result()
        except BrokenProcessPool:
            return None


REGOPY_ABORTED = "regopy aborted while compiling or evaluating (its own message is above)"


def _aborted_apart(full: PolicySet, paths: list[str]) -> dict[str, Outcome]:
    """Tests that made regopy abort when run together, split in halves (each in a child of
    its own, the two at once) until the tests it aborts on stand alone: a crash then names
    its test, and the others still run. A group both of whose halves abort is reported
    whole (the abort is no one test's, or several tests cause it), which bounds the search."""
    if len(paths) == 1:
        return {paths[0]: ("error", REGOPY_ABORTED, 0.0)}
    halves = (paths[: len(paths) // 2], paths[len(paths) // 2:])
    with ThreadPoolExecutor(max_workers=2) as threads:
        runs = list(threads.map(lambda half: _in_child(_run_regopy, full, half), halves))
    if all(run is None for run in runs):
        return {path: ("error", REGOPY_ABORTED, 0.0) for path in paths}
    outcomes: dict[str, Outcome] = {}
    for half, run in zip(halves, runs):
        outcomes.update(run if run is not None else _aborted_apart(full, half))
    return outcomes


def run(
    policy_set: PolicySet,
    pattern: str | None = None,
    engines: Sequence[str] = ("regopy", "opa"),
    report: Callable[[TestResult], None] | None = None,
    coverage: Collector | None = None,
    explain: int = MAX_EXPLAINED,
) -> list[TestResult]:
    """Run every discovered test (or those matching pattern) under the given engines.
    With a coverage collector, OPA's coverage of the tests goes to it (needs "opa"); the
    first `explain` tests that fail under OPA are explained (TestResult.failure)."""
    tests = [t for t in discover(policy_set) if pattern is None or re.search(pattern, t.ref)]  # not Rego: a test ref
    full = direct_test_set(policy_set)
    paths = [t.path for t in tests]
    by_engine: dict[str, dict[str, Outcome]] = {}
    captured: dict[str, list[Any]] = {}
    explained: dict[str, failures.Failure] = {}
    if "opa" in engines:
        try:
            opa = _CapturingOpa(policy_set, coverage)
        except EngineError as exc:
            by_engine["opa"] = {p: ("error", exc.message, 0.0) for p in paths}
        else:
            by_engine["opa"], captured = opa.run(tests)
            for test in [t for t in tests if by_engine["opa"][t.path][0] == "fail"][:explain]:
                found = opa.explain(test)
                if found is not None:
                    explained[test.path] = found
    if "regopy" in engines and paths:
        by_engine["regopy"] = _regopy_outcomes(policy_set, full, tests, captured)
        for test in tests:  # a replay that agrees takes the reference's verdict on the assertions
            mine, reference = by_engine["regopy"].get(test.path), by_engine.get("opa", {}).get(test.path)
            if test.uses_with and mine and reference and mine[0] == "pass":
                by_engine["regopy"][test.path] = (reference[0], mine[1], mine[2])
    results = []
    for test in tests:
        outcomes = {name: found[test.path] for name, found in by_engine.items()}
        result = TestResult(
            test,
            {name: o[0] for name, o in outcomes.items()},
            {name: o[1] for name, o in outcomes.items() if o[1]},
            sum(o[2] for o in outcomes.values()),
            explained.get(test.path),
        )
        results.append(result)
        if report is not None:
            report(result)
    return results


def _regopy_outcomes(
    policy_set: PolicySet, full: PolicySet, tests: list[RegoTest], captured: dict[str, list[Any]]
) -> dict[str, Outcome]:
    """Tests without `with` run directly under regopy; the rest are judged by replaying
    their captured inputs under both engines (needs the OPA run)."""
    outcomes: dict[str, Outcome] = {}
    direct = [t.path for t in tests if not t.uses_with]
    if direct:
        found = _in_child(_run_regopy, full, direct)
        outcomes.update(found if found is not None else _aborted_apart(full, direct))
    replayed = [t for t in tests if t.uses_with]
    inputs = [value for t in replayed for value in captured.get(t.path, [])]
    if not replayed:
        return outcomes
    if not inputs:
        for t in replayed:  # nothing captured: regopy's verdict is OPA's test outcome alone
            outcomes[t.path] = ("error", "no input captured to replay (was OPA run?)", 0.0)
        return outcomes
    started = time.perf_counter()
    regopy_values = _in_child(_replay_regopy, policy_set, inputs)
    reference = OpaGoEngine(policy_set)
    seconds = (time.perf_counter() - started) / max(1, len(inputs))
    cursor = 0
    for t in replayed:
        mine = captured.get(t.path, [])
        if regopy_values is None:
            outcomes[t.path] = ("error", REGOPY_ABORTED, 0.0)
            continue
        status, message = "pass", ""
        for value, got in zip(mine, regopy_values[cursor : cursor + len(mine)]):
            try:
                want = reference.evaluate(REPLAY_ENTRYPOINT, value)
                expected = want.value if want.defined else None
            except EngineError as exc:
                expected = {"__error__": exc.message}
            if got != expected:
                status = "fail"
                message = (
                    f"regopy and OPA decide differently on {json.dumps(value)}:\n"
                    f"           regopy {json.dumps(got)}\n           opa    {json.dumps(expected)}"
                )
                break
        cursor += len(mine)
        if not mine:
            status, message = "error", "the test substitutes no decision input, so regopy cannot replay it"
        outcomes[t.path] = (status, message, seconds * len(mine))
    return outcomes


def format_result(result: TestResult) -> str:
    t = result.test
    line = f"{result.status:<8} {t.file}:{t.line}  {t.ref} ({result.seconds * 1000:.1f}ms)"
    if result.status == "DISAGREE":
        line += "  " + ", ".join(f"{name}={o}" for name, o in sorted(result.outcomes.items()))
    for name, message in sorted(set(result.errors.items())):
        line += f"\n         {name}: {message}"
    if result.failure is not None and not result.passed:
        line += "".join(f"\n         {text}" for text in result.failure.lines())
    return line


def summary(results: Iterable[TestResult]) -> str:
    results = list(results)
    passed = sum(r.passed for r in results)
    return f"{passed} passed, {len(results) - passed} failed"
