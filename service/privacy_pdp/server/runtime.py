"""The active policy set, the worker threads that evaluate it, and the decision cache.

Evaluation is CPU-bound and both engines release the GIL, so decisions run on a small pool
of threads, one interpreter each, never on the event loop. ``activate`` is the one way to
change what is served: it compiles the new set first and keeps the last good one if that
fails; a request already running finishes on the set it started with. Every activation
empties the decision cache. A cached answer is served on the event loop itself (a lookup
costs microseconds; a hop to a worker thread would cost more than the lookup).
"""

from __future__ import annotations

import asyncio
import copy
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Sequence

import orjson

from privacy_pdp.core.cache import DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, DecisionCache, canonical_key, deterministic
from privacy_pdp.core.engine import DEFAULT_ENTRYPOINTS, UNDEFINED, Engine, EngineError, Evaluation, engine_for
from privacy_pdp.core.packages import input_fields, package_alone
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.compile_apart import compile_apart

# OPA's decision-log policy package: compiled as an entrypoint when the set has one, since
# regopy recompiles the whole set for a query outside its entrypoints; and, when it reads
# nothing of the other packages, compiled on its own as well and queried there (a query of
# the small bundle costs regopy about 0.4 ms where one of the whole set costs 0.7 ms, and
# the decision log asks it once per decision).
LOG_POLICY_PACKAGE = "system.log"
LOG_PATH = LOG_POLICY_PACKAGE.replace(".", "/")
# The decision log reads only drop and mask, and a query of a package builds every rule of
# it (system.log's constants too): beside the package alone, a module asking just those two
# (measured: 0.19 ms a query instead of 0.11). Compiled only with the package alone, so no
# name of it is ever seen beside a client's packages.
LOG_RULES_PATH = "privacy_pdp_internal/log_rules"
LOG_RULES_INPUT_ONLY = frozenset({"input"})
LOG_RULES_MODULE = (
    "package privacy_pdp_internal.log_rules\n\n"
    "mask := data.system.log.mask\n\n"
    "drop := data.system.log.drop\n"
)
# The event fields a mask policy may read and still be a function of the decision cache's key
# (revision, path, input): its outcome for a repeated decision is then reused.
MASK_REUSABLE_READS = frozenset({"input", "path", "result"})


@dataclass(frozen=True)
class Active:
    """What one request evaluates against: an engine and the revision it was built from."""

    engine: Engine
    revision: str
    activated_at: datetime
    cacheable: bool = True  # no rule calls a non-deterministic builtin
    alone: dict[str, Engine] = field(default_factory=dict)  # path -> engine of that package alone
    # path -> the only input fields that package reads: evaluated on them alone, and cached
    reads: dict[str, frozenset[str]] = field(default_factory=dict)
    log_policy: bool = False  # the set has a system.log package (decision-log mask and drop)

    @property
    def log_rules_beside(self) -> bool:
        """The decision log's rules read nothing of an event but its input, and are compiled
        alone: a decision's worker thread works them out beside the decision (see evaluate)."""
        return LOG_RULES_PATH in self.alone and self.reads.get(LOG_RULES_PATH) == LOG_RULES_INPUT_ONLY

    def engine_for(self, path: str) -> Engine:
        return self.alone.get(path.strip("/"), self.engine)


@dataclass(frozen=True)
class Answer:
    evaluation: Evaluation
    revision: str
    eval_ns: int
    cached: bool = False
    key: bytes | None = None  # the decision cache's key (None: not cacheable)
    log_rules: Evaluation | None = None  # the decision log's rules on this input, worked out beside it


@dataclass(frozen=True)
class ActivationFailure:
    revision: str
    message: str
    at: datetime


# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms).
# Each engine call gives the GIL up and must win it back from the event loop's thread; at
# 5 ms a decision's few calls could each wait that long under load. 0.5 ms measured 3x the
# decisions/s of the default beside a busy Python thread, for 13% less Python work there.
SWITCH_INTERVAL = 0.0005


class NotReady(Exception):
    """No policy set is active yet."""


class PolicyRuntime:
    def __init__(
        self,
        policy_set: PolicySet | None = None,
        workers: int = 2,
        entrypoints: Sequence[str] = DEFAULT_ENTRYPOINTS,
        engine: str = "regopy",
        cache_entries: int = DEFAULT_MAX_ENTRIES,
        cache_bytes: int = DEFAULT_MAX_BYTES,
        compact_plan: bool = True,
    ):
        self._entrypoints = tuple(entrypoints)
        self._workers = workers
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        self.engine_kind = engine
        self.compact_plan = compact_plan  # regopy's decision plan compacted after each warm-up
        self.cache = DecisionCache(cache_entries, cache_bytes)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pdp-eval")
        self._swap = threading.Lock()
        # cache key -> the evaluation under way: identical new inputs arriving together are
        # evaluated once (kept on the event loop; each entry lives as long as its evaluation)
        self._running: dict[bytes, asyncio.Future[Answer]] = {}
        self._active: Active | None = None
        self.last_failure: ActivationFailure | None = None
        self.activations = 0
        # Set by whoever wires a decision log that asks the log rules of every decision
        # (server/app.py): they are then worked out beside each new decision (see evaluate).
        self.log_rules_wanted = False
        if policy_set is not None:
            self.activate(policy_set)

    # --- what is served
    @property
    def ready(self) -> bool:
        """True once a policy set is active (readiness)."""
        return self._active is not None

    @property
    def active(self) -> Active | None:
        return self._active

    @property
    def revision(self) -> str:
        active = self._active
        return active.revision if active else ""

    @property
    def has_log_policy(self) -> bool:
        """The active set has a system.log package: without one there is nothing to mask or
        drop, and nothing to ask the engine (a path that is not compiled in costs regopy a
        compile per query)."""
        active = self._active
        return active is not None and active.log_policy

    def log_mask_scope(self) -> str | None:
        """What the decision-log mask's outcome depends on beside an event's input, path and
        result: the active revision, when its system.log package (if any) reads no other
        field of the event; None otherwise (its outcome cannot then be reused)."""
        active = self._active
        if active is None:
            return None
        if not active.log_policy:
            return active.revision
        fields = active.reads.get(LOG_PATH)
        return active.revision if fields is not None and fields <= MASK_REUSABLE_READS else None

    @property
    def policy_set(self) -> PolicySet | None:
        active = self._active
        return active.engine.policy_set if active else None

    def activate(self, policy_set: PolicySet, apart: bool = False) -> None:
        """Compile ``policy_set`` and serve it from now on; safe from any thread.

        Raises EngineError (and keeps serving the last good set) if it does not compile.
        ``apart``: compile it in a child process first (a set from outside the process: a
        bundle, a Policy API write), so that an engine that aborts on it takes down the child
        and not the server (``compile_apart.py``).
        """
        try:
            if apart:
                compile_apart(self.engine_kind, policy_set, self._entrypoints)
            entrypoints = self._entrypoints
            alone: dict[str, Engine] = {}
            reads: dict[str, frozenset[str]] = {}
            if policy_set.has_package(LOG_POLICY_PACKAGE):
                entrypoints += (LOG_PATH,)
                log_set = package_alone(policy_set, LOG_POLICY_PACKAGE)
                if log_set is not None:
                    fields = input_fields(log_set.modules)
                    log_set = PolicySet({**log_set.modules, f"{LOG_RULES_PATH}.rego": LOG_RULES_MODULE},
                                        log_set.data, log_set.revision)
                    alone[LOG_PATH] = alone[LOG_RULES_PATH] = engine_for(
                        self.engine_kind, log_set, (LOG_PATH, LOG_RULES_PATH))
                    if fields is not None:  # e.g. only input.input: a repeated decision's mask is cached
                        reads[LOG_PATH] = reads[LOG_RULES_PATH] = fields
            engine = engine_for(self.engine_kind, policy_set, entrypoints)  # compiles here, in the caller's thread
        except EngineError as exc:
            self.last_failure = ActivationFailure(policy_set.revision, exc.message, _now())
            raise
        cacheable = deterministic(policy_set.modules.values())
        with self._swap:
            replaced = self._active
            self._active = Active(engine, policy_set.revision, _now(), cacheable, alone, reads,
                                  policy_set.has_package(LOG_POLICY_PACKAGE))
            self.cache.invalidate(policy_set.revision)
            self.last_failure = None
            self.activations += 1
        if replaced is not None:
            _stop_compaction(replaced.engine)  # its requests finish on it; its plan is no longer worth compacting

    async def activate_async(self, policy_set: PolicySet) -> None:
        """``activate`` off the event loop (compiling takes a while), then warm the workers."""
        await asyncio.to_thread(self.activate, policy_set)
        await self.warm_up()

    async def warm_up(self) -> None:
        """Compile an interpreter for every worker thread now rather than on the first
        requests; then, unless turned off, start compacting the decision engine's plan (see
        RegoEngine)."""
        active = self._active
        if active is None:
            return
        loop = asyncio.get_running_loop()
        engines = {id(engine): engine for engine in (active.engine, *active.alone.values())}  # one may serve two paths
        pools = [engine.pool for engine in engines.values() if hasattr(engine, "pool")]
        # One task per worker, each holding its interpreters until every task has them, so
        # that each pool ends with one interpreter per worker.
        barrier = threading.Barrier(self._workers, timeout=60)

        def compile_here() -> None:
            taken = [pool.take() for pool in pools]
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
            for pool, item in zip(pools, taken):
                pool.give(item)

        await asyncio.gather(*(loop.run_in_executor(self._executor, compile_here) for _ in range(self._workers)))
        compact = getattr(active.engine, "compact_in_background", None)  # regopy: a cheaper plan, soon
        if compact is not None and self.compact_plan:
            compact()

    # --- evaluation
    async def evaluate(self, path: str, input: Any = UNDEFINED, cached: bool = False) -> Answer:
        """Evaluate ``path``; with ``cached``, answer from (and fill) the decision cache, and
        share an evaluation of the same input already under way."""
        active = self._active  # one request sees one policy set, even across a swap
        if active is None:
            raise NotReady("no policy set is active")
        started = time.perf_counter_ns()
        fields = active.reads.get(path.strip("/"))
        beside = input is not UNDEFINED and self._log_rules_beside(active, path, cached)
        if fields is not None and isinstance(input, dict):
            input, cached = {k: v for k, v in input.items() if k in fields}, True
        key = self._key(active, path, input) if cached else None
        if key is not None:
            hit = self.cache.get(key)
            if hit is not None:  # eval_ns is then the lookup's
                return Answer(hit, active.revision, time.perf_counter_ns() - started, cached=True, key=key)
        loop = asyncio.get_running_loop()
        if key is None:
            return await loop.run_in_executor(self._executor, _timed, active, path, input)
        running = self._running.get(key)
        if running is not None:  # the same input is on a worker thread for another request: share it
            return _repeat(await asyncio.shield(running), key)
        future = loop.run_in_executor(self._executor, _timed, active, path, input, beside)
        self._running[key] = future
        try:
            answer = await asyncio.shield(future)  # a cancelled caller leaves it to the others
        finally:
            if self._running.get(key) is future:
                del self._running[key]
        self.cache.put(key, active.revision, answer.evaluation)
        self._keep_log_rules(active, input, answer)
        return replace(answer, key=key)

    async def evaluate_many(self, path: str, inputs: Sequence[Any], cached: bool = False) -> list[Answer | EngineError]:
        """Evaluate ``path`` for each input (an EngineError in an input's place when its
        evaluation fails): cache hits at once, the rest in one task per worker thread rather
        than one per input, so that a batch does not pay a thread hop per item. An input
        repeated within the batch is evaluated once; its repeats get copies of that answer."""
        active = self._active
        if active is None:
            raise NotReady("no policy set is active")
        results: list[Answer | EngineError | None] = [None] * len(inputs)
        keys: list[bytes | None] = []
        todo: list[int] = []
        first_with: dict[bytes, int] = {}
        repeats: list[tuple[int, int]] = []  # (index, the index of the same input evaluated)
        for index, item in enumerate(inputs):
            started = time.perf_counter_ns()
            key = self._key(active, path, item) if cached else None
            keys.append(key)
            hit = self.cache.get(key) if key is not None else None
            if hit is not None:
                results[index] = Answer(hit, active.revision, time.perf_counter_ns() - started, cached=True, key=key)
            elif key is not None and key in first_with:
                repeats.append((index, first_with[key]))
            else:
                if key is not None:
                    first_with[key] = index
                todo.append(index)
        if todo:
            loop = asyncio.get_running_loop()
            chunks = [todo[i::self._workers] for i in range(min(self._workers, len(todo)))]
            beside = self._log_rules_beside(active, path, cached)
            done = await asyncio.gather(*(
                loop.run_in_executor(self._executor, _timed_each, active, path, [inputs[i] for i in chunk], beside)
                for chunk in chunks
            ))
            for chunk, answers in zip(chunks, done):
                for index, answer in zip(chunk, answers):
                    key = keys[index]
                    if key is not None and isinstance(answer, Answer):
                        self.cache.put(key, active.revision, answer.evaluation)
                        self._keep_log_rules(active, inputs[index], answer)
                        answer = replace(answer, key=key)
                    results[index] = answer
        for index, first in repeats:
            evaluated = results[first]
            results[index] = _repeat(evaluated, evaluated.key) if isinstance(evaluated, Answer) else evaluated
        return [_present(r) for r in results]

    def _log_rules_beside(self, active: Active, path: str, cached: bool) -> bool:
        """Work out the log rules on a new decision's input beside it, on its worker thread.
        A decision (cached, as the Data API asks) is logged next, and the log asks its rules
        on its input: they are then in the cache, and the log does not pay a second hop to a
        worker thread (measured: about 0.15 ms less CPU a new decision, in ASGI, one request
        at a time). Not for a package read on a few fields (the log rules themselves)."""
        return cached and self.log_rules_wanted and path.strip("/") not in active.reads and active.log_rules_beside

    def _keep_log_rules(self, active: Active, input: Any, answer: Answer) -> None:
        """Cache the log rules worked out beside a decision, under the key the decision log's
        query of them will have (the event's input alone)."""
        if answer.log_rules is not None:
            self.cache.put(self._key(active, LOG_RULES_PATH, {"input": input}), active.revision, answer.log_rules)

    def _key(self, active: Active, path: str, input: Any) -> bytes | None:
        if not (active.cacheable and self.cache.enabled):
            return None
        return canonical_key(active.revision, path, input)

    async def evaluation(self, path: str, input: Any = UNDEFINED) -> Evaluation:
        """Just the evaluation (the shape the decision log's mask expects)."""
        return (await self.evaluate(path, input)).evaluation

    async def log_rules(self, path: str, event: Any) -> Evaluation:
        """The decision-log package's drop and mask for an event (its other rules left out
        when it is compiled alone, with LOG_RULES_MODULE beside it)."""
        active = self._active
        if active is not None and path.strip("/") == LOG_PATH and LOG_RULES_PATH in active.alone:
            path = LOG_RULES_PATH
        return await self.evaluation(path, event)

    async def responsive(self) -> bool:
        """The worker pool still takes work (for /health)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, bool, 1)

    def close(self) -> None:
        active = self._active
        if active is not None:
            _stop_compaction(active.engine)
        self._executor.shutdown(wait=True, cancel_futures=True)


def _stop_compaction(engine: Engine) -> None:
    stop = getattr(engine, "stop_compaction", None)
    if stop is not None:
        stop()


def _timed(active: Active, path: str, input: Any, log_rules: bool = False) -> Answer:
    """The evaluation and its engine time; with ``log_rules``, the decision log's rules on
    the input too (not timed: the time is the decision's; a failure there is the log's to
    meet when it asks them itself)."""
    started = time.perf_counter_ns()
    evaluation = active.engine_for(path).evaluate(path, input)
    answer = Answer(evaluation, active.revision, time.perf_counter_ns() - started)
    if log_rules:
        try:
            rules = active.engine_for(LOG_RULES_PATH).evaluate(LOG_RULES_PATH, {"input": input})
        except EngineError:
            return answer
        return replace(answer, log_rules=rules)
    return answer


def _timed_each(active: Active, path: str, inputs: list[Any], log_rules: bool = False) -> list[Answer | EngineError]:
    answers: list[Answer | EngineError] = []
    for input in inputs:
        try:
            answers.append(_timed(active, path, input, log_rules))
        except EngineError as exc:
            answers.append(exc)
    return answers


def _repeat(answer: Answer, key: bytes | None) -> Answer:
    """The answer for a repeat of an input evaluated once for several callers (in one batch,
    or requests arriving together): its own copy of the value (no caller can change another's
    answer, as with the cache), no engine time, and the cache's key."""
    evaluation = answer.evaluation
    if evaluation.defined:
        try:  # a fifth of deepcopy's time
            evaluation = Evaluation(True, orjson.loads(orjson.dumps(evaluation.value)))
        except (TypeError, orjson.JSONEncodeError):  # an integer beyond 64 bits
            evaluation = Evaluation(True, copy.deepcopy(evaluation.value))
    return Answer(evaluation, answer.revision, 0, cached=True, key=key)


def _present(result: Answer | EngineError | None) -> Answer | EngineError:
    if result is None:  # every index is either a hit or in exactly one chunk
        raise RuntimeError("an input of the batch was not evaluated")
    return result


def _now() -> datetime:
    return datetime.now(timezone.utc)
