"""One decision, from parsed input to recorded event: shared by the Data and Batch APIs.

Evaluate (from the decision cache, or on the worker threads), build the decision-log event,
record it (waiting if the log pushes back), count it. If the log cannot take the event the
decision is not answered: the caller gets 503 (fail closed), because an unlogged decision
cannot be audited. A cached answer is still a decision of its own: its own id, its own
event in the log.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

from privacy_pdp import __version__
from privacy_pdp.core.engine import UNDEFINED, EngineError, Evaluation
from privacy_pdp.server.bundle import (
    NO_POLICY_CODE,
    NO_POLICY_MESSAGE,
    UNDEFINED_CODE,
    UNDEFINED_MESSAGE,
    fail_closed_decision,
    in_decision,
    part_of,
)
from privacy_pdp.server.decision_events import BUNDLE_NAME, decision_event, rfc3339
from privacy_pdp.server.errors import Unavailable, engine_error_detail, log
from privacy_pdp.server.runtime import Answer, NotReady
from privacy_pdp.server.services import Services


@dataclass(frozen=True)
class Decided:
    decision_id: str
    evaluation: Evaluation | None  # None when evaluation failed
    error: EngineError | None
    revision: str
    metrics: dict[str, int]


class _Concluded(NamedTuple):
    decided: Decided
    event: dict[str, Any]
    engine_ns: int  # engine time to count: 0 for a cache hit
    key: bytes | None  # the decision cache's key, when the event's input and result are the cached ones


class _RandomIds:
    """Version-4 UUIDs from the OS's random source, read 256 ids at a time: one system call
    per id released the GIL on every decision, and on a busy server each release can cost a
    wait for the GIL to come back. A forked child reads its own (the buffer is per process)."""

    _IDS_PER_READ = 256

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = -1
        self._buffer = b""
        self._offset = 0

    def next(self) -> str:
        with self._lock:
            if self._offset >= len(self._buffer) or self._pid != os.getpid():
                self._pid, self._buffer, self._offset = os.getpid(), os.urandom(16 * self._IDS_PER_READ), 0
            chunk = bytearray(self._buffer[self._offset:self._offset + 16])
            self._offset += 16
        # RFC 4122 version 4: the version in the 13th hex digit, the variant in the 17th
        # (what uuid.UUID(bytes=..., version=4) sets, at a third of its cost)
        chunk[6] = (chunk[6] & 0x0F) | 0x40
        chunk[8] = (chunk[8] & 0x3F) | 0x80
        h = chunk.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_ids = _RandomIds()


def new_id() -> str:
    return _ids.next()


async def decide(
    services: Services,
    path: str,
    input: Any,
    *,
    requested_by: str,
    parse_ns: int = 0,
    started_ns: int | None = None,
    batch_decision_id: str | None = None,
) -> Decided:
    """Evaluate ``path`` and record the decision; EngineError is returned, not raised."""
    started_ns = time.perf_counter_ns() if started_ns is None else started_ns
    outcome: Answer | EngineError | None
    try:
        outcome = await services.runtime.evaluate(path, input, cached=True)
    except NotReady:
        outcome = None
    except EngineError as exc:
        outcome = exc
    concluded = _conclusion(services, path, input, outcome, requested_by=requested_by, started_ns=started_ns,
                            parse_ns=parse_ns, batch_decision_id=batch_decision_id)
    await record(services, [concluded.event], [concluded.key])
    decided = concluded.decided
    _count(services, input, decided.evaluation, decided.error, concluded.engine_ns)
    return decided


async def decide_many(
    services: Services, path: str, inputs: Sequence[Any], *, requested_by: str, batch_decision_id: str
) -> list[Decided]:
    """Decide every input (a batch): one evaluation task per worker thread, then one
    decision (id, log event, count) per input, the events recorded together."""
    started_ns = time.perf_counter_ns()
    outcomes: Sequence[Answer | EngineError | None]
    try:
        outcomes = await services.runtime.evaluate_many(path, inputs, cached=True)
    except NotReady:
        outcomes = [None] * len(inputs)
    concluded = [
        _conclusion(services, path, input, outcome, requested_by=requested_by, started_ns=started_ns,
                    batch_decision_id=batch_decision_id)
        for input, outcome in zip(inputs, outcomes)
    ]
    await record(services, [c.event for c in concluded], [c.key for c in concluded])
    for input, c in zip(inputs, concluded):
        _count(services, input, c.decided.evaluation, c.decided.error, c.engine_ns)
    return [c.decided for c in concluded]


def _conclusion(
    services: Services,
    path: str,
    input: Any,
    outcome: Answer | EngineError | None,
    *,
    requested_by: str,
    started_ns: int,
    parse_ns: int = 0,
    batch_decision_id: str | None = None,
) -> _Concluded:
    """The decision and its log event. ``outcome`` None: no policy set is active (OPA
    before its first bundle: every document undefined)."""
    decision_id = new_id()
    evaluation: Evaluation | None
    error: EngineError | None = None
    eval_ns = 0
    cached = False
    key: bytes | None = None
    revision = services.runtime.revision
    if outcome is None:
        evaluation = Evaluation(False)
    elif isinstance(outcome, EngineError):
        evaluation, error = None, outcome
    else:
        evaluation, revision, eval_ns, cached = outcome.evaluation, outcome.revision, outcome.eval_ns, outcome.cached
        # Only a decision seen before is logged by its key: a first one is masked as it is, so
        # that decisions that never repeat take no room among the reused parts.
        key = outcome.key if cached else None
    stale = services.bundles.stale_reason() if services.bundles is not None else None
    undecided = outcome is None or stale is not None or (evaluation is not None and not evaluation.defined)
    below = in_decision(path, services.settings) if undecided else None
    if below is not None:
        # the decision (or a part of it, e.g. its allow) never answers undefined, nor from a
        # policy too old to trust: it denies, saying why (logged as answered, not from a
        # cached answer's parts)
        closed = None
        if outcome is None:
            closed = fail_closed_decision(NO_POLICY_MESSAGE, NO_POLICY_CODE)
        elif stale is not None:
            closed, error = fail_closed_decision(stale), None
        elif evaluation is not None and not evaluation.defined and not below:
            # only the decision itself: a part of it may be undefined in a decision that is not
            closed = fail_closed_decision(UNDEFINED_MESSAGE, UNDEFINED_CODE)
        if closed is not None:
            evaluation, key = Evaluation(*part_of(closed, below)), None
    metrics = {
        "timer_rego_input_parse_ns": parse_ns,
        "timer_rego_query_eval_ns": eval_ns,
        "timer_server_handler_ns": time.perf_counter_ns() - started_ns,
    }
    event = decision_event(
        decision_id=decision_id,
        path=path,
        input=input,
        result=evaluation.value if evaluation and evaluation.defined else UNDEFINED,
        revision=revision,
        labels=services.labels,
        requested_by=requested_by,
        metrics=metrics,
        batch_decision_id=batch_decision_id,
        error=engine_error_detail(error) if error else None,
    )
    decided = Decided(decision_id, evaluation, error, revision, metrics)
    return _Concluded(decided, event, 0 if cached else eval_ns, key)


async def record(services: Services, events: list[dict[str, Any]],
                 keys: Sequence[bytes | None] | None = None) -> None:
    try:
        await services.decision_log.record_many(events, keys)
    except Exception as exc:  # whatever the log's reason, an unrecorded decision is not answered
        log.warning("decision log refused an event: %s", exc)
        raise Unavailable(f"decision log unavailable: {exc}") from None


def _count(services: Services, input: Any, evaluation: Evaluation | None, error: EngineError | None, eval_ns: int) -> None:
    company = input.get("company") if isinstance(input, dict) else None
    label = company if isinstance(company, str) and company in services.companies() else "unknown"
    if error is not None or evaluation is None:
        outcome = "error"
    elif not evaluation.defined:
        outcome = "undefined"
    elif isinstance(evaluation.value, dict) and isinstance(evaluation.value.get("allow"), bool):
        outcome = "allow" if evaluation.value["allow"] else "deny"
    else:
        outcome = "document"
    services.metrics.count_decision(label, outcome)
    if eval_ns:  # engine time only: a cache hit is counted by the cache
        services.metrics.evaluation.observe(eval_ns / 1e9)


def provenance(services: Services, revision: str) -> dict[str, Any]:
    """OPA's ProvenanceV1; build_timestamp is when this server started (RFC 3339, as clients check)."""
    return {
        "version": __version__,
        "build_commit": "",
        "build_timestamp": rfc3339(services.started_at),
        "build_hostname": services.hostname,
        "bundles": {BUNDLE_NAME: {"revision": revision}},
    }
