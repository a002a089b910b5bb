"""The active policy set and the worker threads that evaluate it.

Evaluation is CPU-bound and regopy releases the GIL, so decisions run on a small pool of
threads, one regopy interpreter each, never on the event loop. ``activate`` is the one way
to change what is served: it compiles the new set first and keeps the last good one if that
fails; a request already running finishes on the set it started with.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Sequence

from privacy_pdp.core.engine import DEFAULT_ENTRYPOINTS, UNDEFINED, EngineError, Evaluation, RegoEngine
from privacy_pdp.core.policyset import PolicySet

# OPA's decision-log policy package: compiled as an entrypoint when the set has one, since
# regopy recompiles the whole set for a query outside its entrypoints.
LOG_POLICY_PACKAGE = "system.log"


@dataclass(frozen=True)
class Active:
    """What one request evaluates against: an engine and the revision it was built from."""

    engine: RegoEngine
    revision: str
    activated_at: datetime


@dataclass(frozen=True)
class Answer:
    evaluation: Evaluation
    revision: str
    eval_ns: int


@dataclass(frozen=True)
class ActivationFailure:
    revision: str
    message: str
    at: datetime


class NotReady(Exception):
    """No policy set is active yet."""


class PolicyRuntime:
    def __init__(
        self,
        policy_set: PolicySet | None = None,
        workers: int = 2,
        entrypoints: Sequence[str] = DEFAULT_ENTRYPOINTS,
    ):
        self._entrypoints = tuple(entrypoints)
        self._workers = workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pdp-eval")
        self._swap = threading.Lock()
        self._active: Active | None = None
        self.last_failure: ActivationFailure | None = None
        self.activations = 0
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
    def policy_set(self) -> PolicySet | None:
        active = self._active
        return active.engine.policy_set if active else None

    def activate(self, policy_set: PolicySet) -> None:
        """Compile ``policy_set`` and serve it from now on; safe from any thread.

        Raises EngineError (and keeps serving the last good set) if it does not compile.
        """
        try:
            entrypoints = self._entrypoints
            if policy_set.has_package(LOG_POLICY_PACKAGE):
                entrypoints += (LOG_POLICY_PACKAGE.replace(".", "/"),)
            engine = RegoEngine(policy_set, entrypoints)  # compiles here, in the caller's thread
        except EngineError as exc:
            self.last_failure = ActivationFailure(policy_set.revision, exc.message, _now())
            raise
        with self._swap:
            self._active = Active(engine, policy_set.revision, _now())
            self.last_failure = None
            self.activations += 1

    async def activate_async(self, policy_set: PolicySet) -> None:
        """``activate`` off the event loop (compiling takes a while), then warm the workers."""
        await asyncio.to_thread(self.activate, policy_set)
        await self.warm_up()

    async def warm_up(self) -> None:
        """Compile in the worker threads now rather than on the first requests."""
        active = self._active
        if active is None:
            return
        loop = asyncio.get_running_loop()
        # One task per worker, each holding its thread briefly, so that every thread compiles.
        barrier = threading.Barrier(self._workers, timeout=60)

        def compile_here() -> None:
            active.engine.evaluate("privacy/clauses")
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass

        await asyncio.gather(*(loop.run_in_executor(self._executor, compile_here) for _ in range(self._workers)))

    # --- evaluation
    async def evaluate(self, path: str, input: Any = UNDEFINED) -> Answer:
        active = self._active  # one request sees one policy set, even across a swap
        if active is None:
            raise NotReady("no policy set is active")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _timed, active, path, input)

    async def evaluation(self, path: str, input: Any = UNDEFINED) -> Evaluation:
        """Just the evaluation (the shape the decision log's mask expects)."""
        return (await self.evaluate(path, input)).evaluation

    async def responsive(self) -> bool:
        """The worker pool still takes work (for /health)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, bool, 1)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _timed(active: Active, path: str, input: Any) -> Answer:
    started = time.perf_counter_ns()
    evaluation = active.engine.evaluate(path, input)
    return Answer(evaluation, active.revision, time.perf_counter_ns() - started)


def _now() -> datetime:
    return datetime.now(timezone.utc)
