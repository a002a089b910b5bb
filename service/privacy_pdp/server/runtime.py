"""The active policy set and the worker threads that evaluate it.

Evaluation is CPU-bound and regopy releases the GIL, so decisions run on a small pool of
threads, one regopy interpreter each. Activating a new policy set compiles it first: if it
does not compile, the last good one keeps serving.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Sequence

from privacy_pdp.core.engine import DEFAULT_ENTRYPOINTS, UNDEFINED, Evaluation, RegoEngine
from privacy_pdp.core.policyset import PolicySet


class PolicyRuntime:
    def __init__(self, policy_set: PolicySet, workers: int = 2, entrypoints: Sequence[str] = DEFAULT_ENTRYPOINTS):
        self._entrypoints = tuple(entrypoints)
        self._engine = RegoEngine(policy_set, self._entrypoints)
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pdp-eval")
        self._workers = workers

    @property
    def policy_set(self) -> PolicySet:
        return self._engine.policy_set

    @property
    def revision(self) -> str:
        return self._engine.policy_set.revision

    def activate(self, policy_set: PolicySet) -> None:
        """Compile and switch to policy_set; raises (and keeps the old set) if it does not compile."""
        engine = RegoEngine(policy_set, self._entrypoints)
        with self._lock:
            self._engine = engine

    def warm_up(self) -> None:
        """Compile in every worker thread now rather than on the first requests."""
        futures = [self._executor.submit(self._engine.evaluate, "privacy/clauses") for _ in range(self._workers)]
        for future in futures:
            future.result()

    def evaluate_sync(self, path: str, input: Any = UNDEFINED) -> Evaluation:
        return self._engine.evaluate(path, input)

    async def evaluate(self, path: str, input: Any = UNDEFINED) -> Evaluation:
        loop = asyncio.get_running_loop()
        engine = self._engine  # one request sees one policy set, even across a swap
        return await loop.run_in_executor(self._executor, engine.evaluate, path, input)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
