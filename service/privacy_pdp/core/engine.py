"""Rego engines: compile a policy set once, evaluate documents many times.

``RegoEngine`` (regopy, rego-cpp) is the production engine. ``OpaGoEngine`` wraps the
real OPA Go evaluator and is the reference the tests hold ``RegoEngine`` to. Both take
a ``PolicySet`` and answer ``evaluate(path, input)`` with an ``Evaluation``; neither
knows anything of HTTP or the command line.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import weakref

import orjson
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from privacy_pdp.core.compaction import loading_is_safe, write_compacted
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regopy_input import InputRefused, load_input

UNDEFINED: Any = object()
"""Marker for an absent input document (distinct from a JSON null)."""

DEFAULT_ENTRYPOINTS = ("privacy/decision", "privacy/clauses")

COMPACT_NICENESS = 10
"""How much lower a priority the plan's compaction runs at than the evaluations beside it."""


_log = logging.getLogger(__name__)


class EngineError(Exception):
    """A policy that cannot be compiled or a query that cannot be evaluated."""

    def __init__(self, message: str, locations: Sequence[Location] = ()):
        super().__init__(message)
        self.message = message
        self.locations = list(locations)


class CompileError(EngineError):
    """A module that does not parse or compile; ``locations`` name file and line."""


class EvaluationError(EngineError):
    """Evaluation failed (e.g. a rule conflict); not the same as undefined."""


@dataclass(frozen=True)
class Location:
    file: str
    row: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.col}"


@dataclass(frozen=True)
class Evaluation:
    defined: bool
    value: Any = None


class Engine(Protocol):
    name: str
    policy_set: PolicySet

    def evaluate(self, path: str, input: Any = UNDEFINED) -> Evaluation: ...


def replace_lone_surrogates(value: Any) -> Any:
    """Strings with unpaired surrogates (legal in JSON escapes, not in UTF-8) get U+FFFD
    in their place, as Go's JSON decoder does in OPA."""
    if isinstance(value, str):
        return "".join("\ufffd" if _is_surrogate(ch) else ch for ch in value) if _has_surrogate(value) else value
    if isinstance(value, list):
        return [replace_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {replace_lone_surrogates(k): replace_lone_surrogates(v) for k, v in value.items()}
    return value


SIGNIFICANT_DIGITS = 15
"""Input floats are decided on to this many significant digits, by both engines."""
FLOAT_LIMIT = 1e308
"""Larger floats are read as this (rego-cpp fails to re-read floats at the edge of the range)."""
SMALLEST_FLOAT = sys.float_info.min
"""Floats nearer zero (subnormals) are read as 0 (rego-cpp cannot read them at all)."""


def canonical_numbers(value: Any) -> Any:
    """The input with every float rounded to 15 significant digits: what both engines decide on.

    15 is DBL_DIG, the most digits any decimal keeps through a double. rego-cpp compares
    floats at about 16 digits (it holds ``150.00000000000003 <= 150`` and ``0.1 + 0.2 ==
    0.3``) while OPA compares them exactly, so two engines given a float with noise beyond
    its 15th digit can decide differently (an age of 150.00000000000003 was valid under
    regopy and out of range under OPA). Rounded, both read the same decimal, and a number
    that differs from another only beyond the 15th digit is that other number. Floats
    beyond 1e308 are read as 1e308 and subnormal ones as 0 (far outside, or at, the edge
    of any valid field). Integers are left alone (they are exact in both). NaN, which no JSON
    text can hold and each engine would read differently (rego-cpp as null), is refused."""
    if isinstance(value, float):
        if value != value:
            raise EvaluationError("the input holds NaN, which is not a JSON number")
        if abs(value) > FLOAT_LIMIT:
            return FLOAT_LIMIT if value > 0 else -FLOAT_LIMIT
        if abs(value) < SMALLEST_FLOAT:
            return 0.0
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, list):
        return [canonical_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: canonical_numbers(v) for k, v in value.items()}
    return value


def _numbers(value: Any, found: set[str]) -> set[str]:
    """What kinds of number value holds: "float"; "big" (an integer past 64 bits, which
    regopy's set_input wraps); "fine" (a float that set_input would round: it prints floats
    with 6 decimals)."""
    if isinstance(value, bool):
        return found
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            found.add("big")
    elif isinstance(value, float):
        found.add("float")
        if not (value != value or abs(value) == float("inf")) and float(f"{value:f}") != value:
            found.add("fine")
    elif isinstance(value, list):
        for v in value:
            _numbers(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _numbers(v, found)
    return found


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def _has_surrogate(text: str) -> bool:
    return any(_is_surrogate(ch) for ch in text)


def path_segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s]


def ref_for(path: str) -> str:
    """A Rego reference for a slash-separated document path (``a/b`` -> ``data.a.b``)."""
    ref = "data"
    for segment in path_segments(path):
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", segment):  # not Rego: a path segment
            ref += f".{segment}"
        elif re.fullmatch(r"-?[0-9]+", segment):  # not Rego: a path segment
            ref += f"[{int(segment)}]"
        else:
            ref += f"[{json.dumps(segment)}]"
    return ref


class Pool:
    """Compiled interpreters, each used by one thread at a time.

    An interpreter is not thread-safe; a thread takes an idle one for an evaluation (or
    compiles one when none is idle) and gives it back. So there are as many as evaluations
    ever ran at once, and the one compiled up front (to fail early) serves the first thread
    that evaluates rather than being compiled again there. ``replace`` swaps them for
    interpreters made another way (a compacted plan, see ``RegoEngine``).
    """

    def __init__(self, make: Callable[[], Any]):
        self._make = make
        self._changed = threading.Condition()
        self._generation = 0
        first = make()
        self._idle: list[Any] = [first]
        self._of: dict[int, int] = {id(first): 0}  # every item held, idle or taken -> its generation
        self._given_back_old = 0  # items of an earlier generation given back since, and dropped
        self._replacing = 0

    def take(self) -> Any:
        with self._changed:
            while not self._idle and self._replacing:
                self._changed.wait()  # one is being replaced: wait for it rather than compile one more
            if self._idle:
                return self._idle.pop()
            make, generation = self._make, self._generation
        item = make()
        with self._changed:
            self._of[id(item)] = generation
        return item

    def give(self, item: Any) -> None:
        with self._changed:
            if self._of.get(id(item), self._generation) == self._generation:
                self._idle.append(item)
            else:  # of an earlier generation: dropped
                self._of.pop(id(item), None)
                self._given_back_old += 1
                self._changed.notify_all()

    def replace(self, make: Callable[[], Any], stopped: Callable[[], bool] = lambda: False) -> None:
        """Serve items from ``make`` from now on, replacing the pool's items one at a time:
        each is dropped (when idle, or when given back) before its successor is made, so the
        two are never held together (a plan is tens of MiB), while the others serve. With one
        item, evaluations wait for its successor meanwhile rather than make another. Stops
        early when ``stopped`` answers True (evaluations then make what they lack, from
        ``make``). ``make`` should not fail: an item it fails to make is not replaced."""
        with self._changed:
            self._generation += 1
            self._make = make
            old = len(self._of)
            self._given_back_old = 0
            self._replacing += 1
        try:
            for _ in range(old):
                with self._changed:
                    while not self._drop_one_old():
                        self._changed.wait()
                if stopped():
                    return
                fresh = make()
                with self._changed:
                    self._of[id(fresh)] = self._generation
                    self._idle.append(fresh)
                    self._changed.notify_all()
        finally:
            with self._changed:
                self._replacing -= 1
                self._changed.notify_all()

    @property
    def size(self) -> int:
        """Interpreters idle now."""
        with self._changed:
            return len(self._idle)

    def _drop_one_old(self) -> bool:
        """Drop an idle item of an earlier generation, or count one given back (under the lock)."""
        if self._given_back_old:
            self._given_back_old -= 1
            return True
        for i, item in enumerate(self._idle):
            if self._of[id(item)] != self._generation:
                del self._of[id(item)], self._idle[i]
                return True
        return False


class RegoEngine:
    """regopy, with a pool of interpreters each holding the compiled bundle.

    regopy releases the GIL, so threads evaluate in parallel, each on an interpreter of its
    own at the time (``Pool``).

    ``compact_in_background`` has the plan trimmed and its locals renumbered (``plantrim``,
    ``planslots``) by a child process at a lower priority (``compaction``), then replaces
    the interpreters one at a time with ones holding the result (``Pool.replace``): a
    decision then costs regopy about a third less. A plan that cannot be compacted, or
    whose compacted form answers the child's probe otherwise, is served as built, as it is
    wherever loading a plan is not safe. Interpreters are made in one thread of the process
    (``_made_apart``).
    """

    name = "regopy"

    def __init__(self, policy_set: PolicySet, entrypoints: Sequence[str] = DEFAULT_ENTRYPOINTS):
        self.policy_set = policy_set
        self.entrypoints = tuple(path.strip("/") for path in entrypoints)
        # compiles now (in the maker thread, see _made_apart): fail in the caller's thread if the set does not compile
        self.pool = Pool(lambda: _made_apart(self._compile))
        self.compacted = False
        self.compaction: threading.Thread | None = None
        self._compaction_lock = threading.Lock()
        self._compaction_child: Any = None  # the child compacting the plan, while it runs
        self._compaction_stopped = False
        self._load_failed = False

    def compact_in_background(self) -> threading.Thread | None:
        """Start compacting the plan (once; later calls return the same thread). None when
        there is no plan (no entrypoints)."""
        with self._compaction_lock:
            if self.compaction is None and self.entrypoints and not self._compaction_stopped:
                self.compaction = threading.Thread(target=self._compact, name="regopy-compact", daemon=True)
                self.compaction.start()
            return self.compaction

    def stop_compaction(self) -> None:
        """No compaction from now on (the engine is no longer served): a child at work is
        killed, and the plan stays as it is."""
        with self._compaction_lock:
            self._compaction_stopped = True
            child = self._compaction_child
        if child is not None and child.poll() is None:
            child.kill()

    def _compaction_started(self, child: Any) -> None:
        with self._compaction_lock:
            self._compaction_child = child
            stopped = self._compaction_stopped
        if stopped:
            child.kill()

    def _interpreter(self) -> Any:
        """An interpreter holding the set's modules and data (queries outside the
        entrypoints compile from them)."""
        import regopy

        interpreter = regopy.Interpreter()
        for name, source in self.policy_set.modules.items():
            try:
                interpreter.add_module(name, source)
            except regopy.RegoError as exc:
                raise _compile_error(str(exc), self.policy_set.modules) from None
        interpreter.add_data_json(json.dumps(self.policy_set.data))
        return interpreter

    def _compile(self) -> tuple[Any, Any]:
        import regopy

        interpreter = self._interpreter()
        try:
            bundle = interpreter.build(None, list(self.entrypoints)) if self.entrypoints else None
        except regopy.RegoError as exc:
            raise _compile_error(str(exc), self.policy_set.modules) from None
        return interpreter, bundle

    def load(self, directory: str) -> tuple[Any, Any]:
        """An interpreter holding the set, on the saved plan in ``directory``."""
        interpreter = self._interpreter()
        return interpreter, interpreter.load_bundle(directory)

    def _compact(self) -> None:
        if not loading_is_safe():
            _log.info("the plan is served as built: the C++ runtime was loaded before regopy (see core/compaction.py)")
            return
        try:
            directory = tempfile.mkdtemp(prefix="privacy-pdp-plan-")
            weakref.finalize(self, shutil.rmtree, directory, True)
            if not write_compacted(directory, self.policy_set, self.entrypoints, niceness=COMPACT_NICENESS,
                                   started=self._compaction_started):
                return
            if self._compaction_stopped:
                return
            # each interpreter as built is dropped before its successor loads, and both are
            # made in the maker thread: rego-cpp's allocator reuses the memory (24 MiB less)
            self.pool.replace(lambda: _made_apart(lambda: self._load_or_compile(directory)),
                              stopped=lambda: self._compaction_stopped)
        except Exception as exc:  # the child, disk, regopy: the plan as built serves on
            if not self._compaction_stopped:
                _log.warning("could not compact the plan (%s): serving it as built", exc)
            return
        self.compacted = not self._compaction_stopped and not self._load_failed

    def _load_or_compile(self, directory: str) -> tuple[Any, Any]:
        """Another interpreter on the compacted plan; on the plan as built should the saved
        one be gone (a temporary directory swept)."""
        try:
            return self.load(directory)
        except Exception as exc:  # regopy, disk
            self._load_failed = True
            _log.warning("could not load the compacted plan (%s): compiling the plan as built", exc)
            return self._compile()

    def outcome(self, compiled: tuple[Any, Any], path: str, input: Any) -> tuple[bool, Any]:
        """What ``compiled`` (an interpreter and its plan) answers: (True, the evaluation) or
        (False, the evaluation error's message)."""
        try:
            return True, self._evaluate(compiled, path, input)
        except EvaluationError as exc:
            return False, exc.message

    def evaluate(self, path: str, input: Any = UNDEFINED) -> Evaluation:
        compiled = self.pool.take()
        try:
            return self._evaluate(compiled, path, input)
        finally:
            self.pool.give(compiled)

    def _evaluate(self, compiled: tuple[Any, Any], path: str, input: Any) -> Evaluation:
        interpreter, bundle = compiled
        # regopy has no "absent input": null is the closest, and no rule of ours tells them apart.
        try:
            load_input(interpreter, None if input is UNDEFINED else input, _regopy_json)
        except InputRefused as exc:
            raise EvaluationError(str(exc)) from None
        path = path.strip("/")
        ok, expressions = _regopy_query(interpreter, bundle if path in self.entrypoints else None, path)
        if not ok:
            raise EvaluationError(f"error(s) occurred while evaluating {ref_for(path)}")
        if not expressions:
            return Evaluation(False)
        return Evaluation(True, expressions[0])


_maker: concurrent.futures.ThreadPoolExecutor | None = None
_maker_lock = threading.Lock()


def _made_apart(make: Callable[[], Any]) -> Any:
    """What ``make`` answers (or raises), made in the process's one maker thread.

    rego-cpp's allocator keeps memory per thread: what one thread frees, another cannot take
    until it is handed back. Every interpreter is made in the same thread, so a plan freed
    there (the one as built, dropped when its compacted successor is loaded) is memory the
    next load can take: 25 MiB less at peak than loading in the thread that compacts."""
    global _maker
    with _maker_lock:
        if _maker is None:
            _maker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="regopy-maker")
        maker = _maker
    return maker.submit(make).result()


def _forget_maker() -> None:  # a forked child has none of its parent's threads
    global _maker, _maker_lock
    _maker, _maker_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_maker)


def _regopy_json(value: Any) -> str:
    """The input as JSON text for regopy: floats rounded as both engines read them."""
    if "float" in _numbers(value, set()):
        value = canonical_numbers(value)
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # a lone surrogate or an integer beyond 64 bits
        return json.dumps(replace_lone_surrogates(value))


# A document outside the entrypoints is asked as `<var> := data.a.b` and read from the
# binding: asked as the bare reference, a document whose value is false leaves the query
# undefined (a false expression fails), where OPA's Data API answers false.
_BOUND = "pdp_document__"


def _regopy_query(interpreter: Any, bundle: Any, path: str) -> tuple[bool, list[Any]]:
    """Query through regopy's C API: (ok, [the value]; empty when undefined).

    regopy's own Output parses its text as strict JSON, but rego-cpp writes strings unescaped
    (control characters, and quotes and backslashes that came from the input): the text is
    read leniently and, when it is not JSON at all, the value is read from the node tree.
    """
    from regopy import rego_shared as c

    if bundle is not None:
        impl = c.rego_bundle_query_entrypoint(interpreter._impl, bundle._impl, path)
    else:
        impl = c.rego_query(interpreter._impl, f"{_BOUND} := {ref_for(path)}")
    try:
        if not c.rego_output_ok(impl):
            return False, []
        text = c.rego_output_string(impl)
        if text == "undefined":
            return True, []
        try:
            answer = json.loads(text, strict=False)
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            if bundle is not None:
                return True, answer.get("expressions") or []
            bindings = answer.get("bindings") or {}
            return True, [bindings[_BOUND]] if _BOUND in bindings else []
        try:
            if bundle is not None:
                return True, _node_value(c, c.rego_output_expressions_at_index(impl, 0))
            return True, [_node_value(c, c.rego_output_binding_at_index(impl, 0, _BOUND))]
        except (ValueError, c.RegoError):
            raise EvaluationError(f"error(s) occurred while evaluating {ref_for(path)}: {text[:500]}") from None
    finally:
        c.rego_free_output(impl)


_SCALARS: dict[int, Callable[[str], Any]] = {
    1008: int,  # Int
    1009: float,  # Float
    1010: lambda v: _string(v),  # String
    1111: lambda v: v == "true",  # Boolean
    1011: lambda v: True,  # True
    1012: lambda v: False,  # False
    1013: lambda v: None,  # Null
}


def _string(text: str) -> str:
    """rego-cpp keeps some strings as quoted JSON text and others raw; its own writer quotes
    only the raw ones, and so does this."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            return json.loads(text, strict=False)
        except ValueError:
            return text[1:-1]
    return text


def _node_value(c: Any, node: Any) -> Any:
    """A rego-cpp result node as a Python value."""
    kind = c.rego_node_type(node)
    if kind in _SCALARS:
        return _SCALARS[kind](c.rego_node_value(node))
    children = [c.rego_node_get(node, i) for i in range(c.rego_node_size(node))]
    if kind in (1002, 1003):  # Term, Scalar: a wrapper around one value
        return _node_value(c, children[0])
    if kind in (1004, 1005, 1015):  # Array, Set, Terms
        return [_node_value(c, child) for child in children]
    if kind == 1006:  # Object of ObjectItem(key, value)
        items = {}
        for item in children:
            key = _node_value(c, c.rego_node_get(item, 0))
            items[key if isinstance(key, str) else json.dumps(key)] = _node_value(c, c.rego_node_get(item, 1))
        return items
    raise ValueError(f"unexpected rego-cpp node kind {kind}")


class OpaGoEngine:
    """The OPA Go evaluator through ctypes: the reference oracle for tests, and a production
    engine on request (``PDP_ENGINE=opa``).

    An OpaEngine evaluates one query at a time (it holds a lock), so threads take one from a
    pool as with regopy (``Pool``); the calls release the GIL, so threads evaluate in parallel.
    """

    name = "opa"

    def __init__(self, policy_set: PolicySet, builtins: dict[str, Callable[..., Any]] | None = None):
        try:
            from opa_bindings import OpaError
        except ImportError:
            raise EngineError(OPA_MISSING) from None
        self._error_type = OpaError
        self.policy_set = policy_set
        self._builtins = dict(builtins or {})
        self.pool = Pool(self._compile)  # compiles now: fail in the caller's thread if the set does not compile

    def _compile(self) -> Any:
        from opa_bindings import OpaEngine, OpaError

        engine = OpaEngine()
        for name, function in self._builtins.items():  # custom builtins, e.g. the test runner's capture
            engine.register_function(name, function)
        for name, source in self.policy_set.modules.items():
            try:
                engine.add_policy(name, source)
            except OpaError as exc:
                raise CompileError(exc.message, _opa_locations(exc.message)) from None
        engine.add_data(self.policy_set.data)
        try:  # OPA compiles lazily: force it so that compile errors surface here
            engine.eval_query("true")
        except OpaError as exc:
            raise CompileError(exc.message, _opa_locations(exc.message)) from None
        return engine

    def evaluate(self, path: str, input: Any = UNDEFINED) -> Evaluation:
        engine = self.pool.take()
        try:
            return self._evaluate(engine, path, input)
        finally:
            self.pool.give(engine)

    def _evaluate(self, engine: Any, path: str, input: Any) -> Evaluation:
        from opa_bindings import OpaUndefinedError

        dotted = ".".join(path_segments(path))
        input = input if input is UNDEFINED else canonical_numbers(replace_lone_surrogates(input))
        try:
            if all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", s) for s in path_segments(path)):  # not Rego: a path
                value = engine.eval_document(dotted, None if input is UNDEFINED else input)
            else:
                rows = engine.eval_query(f"x := {ref_for(path)}", None if input is UNDEFINED else input)
                if not rows:
                    return Evaluation(False)
                value = rows[0]["x"]
        except OpaUndefinedError:
            return Evaluation(False)
        except self._error_type as exc:
            raise EvaluationError(exc.message, _opa_locations(exc.message)) from None
        return Evaluation(True, value)


OPA_MISSING = (
    "the OPA Go evaluator is not installed: pip install --ignore-requires-python "
    "opa-golib-python-bindings==0.4.4 (make install does), or use the regopy engine"
)

ENGINES = ("regopy", "opa")


def engine_for(kind: str, policy_set: PolicySet, entrypoints: Sequence[str] = DEFAULT_ENTRYPOINTS) -> Engine:
    """The engine called ``kind`` (regopy or opa), compiled from ``policy_set``: EngineError
    when it does not compile or is not installed. OPA compiles every rule; regopy only the
    entrypoints' (any other path costs it a recompile per query)."""
    if kind == "regopy":
        return RegoEngine(policy_set, entrypoints)
    if kind == "opa":
        return OpaGoEngine(policy_set)
    raise EngineError(f"unknown engine {kind!r}: one of {', '.join(ENGINES)}")


_REGOPY_LOCATION = re.compile(r"\(error \d+:(?P<file>[^|]+)\|(?P<offset>\d+)\|\d+")  # not Rego: an error
_REGOPY_MESSAGE = re.compile(r"\(errormsg \d+:(?P<message>[^)]*)\)")  # not Rego: an error
_OPA_LOCATION = re.compile(r"(?P<file>[\w./-]+\.rego):(?P<row>\d+)(?::(?P<col>\d+))?")  # not Rego: an error


def _compile_error(text: str, modules: dict[str, str]) -> CompileError:
    """Turn regopy's error tree into 'file:line:col: message' lines."""
    locations = []
    lines = []
    messages = [m.group("message") for m in _REGOPY_MESSAGE.finditer(text)]
    for index, match in enumerate(_REGOPY_LOCATION.finditer(text)):
        file = match.group("file")
        source = modules.get(file, "")
        offset = int(match.group("offset"))
        before = source.encode()[:offset].decode(errors="replace")
        location = Location(file, before.count("\n") + 1, len(before) - before.rfind("\n"))
        locations.append(location)
        message = messages[index] if index < len(messages) else "rego error"
        lines.append(f"{location}: {message}")
    if not lines:
        lines = [" ".join(messages) or text.strip()]
    return CompileError("\n".join(lines), locations)


def _opa_locations(text: str) -> list[Location]:
    return [
        Location(m.group("file"), int(m.group("row")), int(m.group("col") or 1))
        for m in _OPA_LOCATION.finditer(text)
    ]
