"""DecisionLog: the server's one entry to the decision log.

``record`` masks the event (or drops it) through the mask callable, seals nothing itself
(the writer thread chains events in the order they are queued) and returns once the
event is queued; it waits when the buffer is full and raises DecisionLogUnavailable when
no room comes within ``backpressure_seconds``, so the caller can fail closed (503)
instead of answering a decision nobody logged. No disk I/O happens on the event loop.
"""

from __future__ import annotations

import asyncio
import collections
import fcntl
import logging
import os
from typing import Any, Callable, Sequence

from privacy_pdp.server.decision_log.chain import CHAIN_FIELDS, canonical
from privacy_pdp.server.decision_log.config import LogConfig
from privacy_pdp.server.decision_log.mask import MaskFunction, erase_all
from privacy_pdp.server.decision_log.reuse import MISSING, ReusedParts, written
from privacy_pdp.server.decision_log.segments import RecoveryError
from privacy_pdp.server.decision_log.upload import UploadConfig, Uploader
from privacy_pdp.server.decision_log.writer import SegmentWriter

log = logging.getLogger(__name__)

LOCK_FILE = ".lock"
_POLL = 0.01
_WRITER_STOP_SECONDS = 30.0


class DecisionLogUnavailable(Exception):
    """The decision log cannot take the event (not running, buffer full, writer failed)."""


MaskScope = Callable[[], "str | None"]
"""What the mask's outcome depends on beside an event's input, path and result (the active
mask policy's revision), or None when it may read more of the event: nothing is reused then."""


class DecisionLog:
    def __init__(self, config: LogConfig, mask: MaskFunction | None = None, mask_scope: MaskScope | None = None):
        self.config = config
        self._mask = mask
        # without a mask, an event's input and result are written as they are: always reusable
        self._mask_scope: MaskScope = mask_scope or ((lambda: None) if mask is not None else (lambda: ""))
        self.reused = ReusedParts()
        self._writer = SegmentWriter(config.dir, config.max_file_bytes, config.flush_seconds, self._written)
        self._uploader = (
            Uploader(
                UploadConfig(config.upload_url, config.upload_min_delay, config.upload_max_delay,
                             config.upload_batch_bytes, config.upload_timeout, config.upload_token),
                config.dir,
                self._writer.segments,
            )
            if config.upload_url
            else None
        )
        self._state = "NOT_READY"  # -> RUNNING -> CLOSING -> CLOSED
        self._message: str | None = None
        self._lock_fd = -1
        self._inflight = 0
        self._waiters: collections.deque[asyncio.Event] = collections.deque()  # waiting for room, in order
        self.dropped = 0  # accepted but not written (only when the writer cannot finish at shutdown)
        self.refused = 0  # record() raised DecisionLogUnavailable: the caller answered 503
        self.policy_dropped = 0  # system.log.drop said so
        self.mask_errors = 0  # masking failed: logged with input and result erased

    @classmethod
    def from_settings(cls, settings: Any, mask: MaskFunction | None = None,
                      mask_scope: MaskScope | None = None) -> DecisionLog:
        return cls(LogConfig.from_settings(settings), mask, mask_scope)

    # --- lifecycle ------------------------------------------------------------------

    async def start(self) -> None:
        if self._state == "RUNNING":
            return
        try:
            await asyncio.to_thread(self._open)
        except (OSError, RecoveryError) as exc:
            self._state, self._message = "ERROR", str(exc)
            raise DecisionLogUnavailable(str(exc)) from exc
        self._state = "RUNNING"

    def _open(self) -> None:
        self.config.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.config.dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RecoveryError(f"decision-log directory {self.config.dir} is in use by another process") from None
        self._lock_fd = fd
        try:
            self._writer.open()
            if self._uploader is not None:
                self._uploader.open()
        except BaseException:
            self._release()
            raise

    async def close(self) -> None:
        """Write every queued event, then upload what is left (bounded); idempotent."""
        if self._state != "RUNNING":
            return
        self._state = "CLOSING"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.backpressure_seconds + 1
        while self._inflight and loop.time() < deadline:  # records already past the door
            await asyncio.sleep(_POLL)
        finished = await asyncio.to_thread(self._writer.stop, _WRITER_STOP_SECONDS)
        if not finished or self._writer.fatal:
            self.dropped += self._writer.queue_depth
            log.error("decision log: %d events could not be written before shutdown", self._writer.queue_depth)
        if self._uploader is not None:
            await asyncio.to_thread(self._uploader.stop, self.config.upload_drain_seconds)
        self._release()
        self._state = "CLOSED"

    def _release(self) -> None:
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = -1

    async def __aenter__(self) -> DecisionLog:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- recording ------------------------------------------------------------------

    async def record(self, event: dict[str, Any]) -> None:
        await self.record_many([event])

    async def record_many(self, events: list[dict[str, Any]], keys: Sequence[bytes | None] | None = None) -> None:
        """Queue the events in order (a batch's items): all of them, or none when refused.

        ``keys[i]``, when given, names what decided ``events[i]``'s input and result (the
        decision cache's key: revision, path and input): events with one key are masked
        alike, so their masked parts are worked out once (``reuse.py``)."""
        if self._state != "RUNNING":
            raise DecisionLogUnavailable(f"decision log is not running ({self._state.lower()})")
        self._inflight += 1
        try:
            keyed = zip(events, keys) if keys is not None else ((event, None) for event in events)
            bodies = [body for body in [await self._body(event, key) for event, key in keyed] if body is not None]
            if not bodies:
                return
            await self._wait_for_room()
            if self._state not in ("RUNNING", "CLOSING"):
                raise DecisionLogUnavailable("decision log closed")
            self._writer.submit(bodies)
        finally:
            self._inflight -= 1

    async def _body(self, event: dict[str, Any], key: bytes | None = None) -> bytes | None:
        event = {k: v for k, v in event.items() if k not in CHAIN_FIELDS}
        scope = self._mask_scope() if key is not None else None
        reuse_key = None if scope is None else scope.encode() + b"\x00" + key
        if reuse_key is not None:
            parts = self.reused.get(reuse_key)
            if parts is None:
                self.policy_dropped += 1
                return None
            if parts is not MISSING:
                return written(event, parts)
        masked: dict[str, Any] | None = event
        if self._mask is not None:
            try:
                masked = await self._mask(event)
            except Exception as exc:  # fail closed, keep the trail: log it with nothing inside
                self.mask_errors += 1
                log.error("decision-log mask failed (%s): logging %s with input and result erased",
                          exc, event.get("decision_id"))
                return canonical(erase_all(event))  # not kept: the next such event asks the mask again
        if reuse_key is not None:
            parts = self.reused.put(reuse_key, masked)
            if parts is not None:
                return written(masked, parts)
        if masked is None:
            self.policy_dropped += 1
            return None
        return canonical(masked)

    def _room(self) -> bool:
        """Room for one more event: the buffer has space, and the writer is less than half a
        flush interval behind (so a kill -9 loses at most the last second, even under overload)."""
        writer = self._writer
        buffered = writer.queued_bytes + (self._uploader.pending_bytes() if self._uploader else 0)
        return (
            writer.queue_depth < self.config.queue_max_events
            and buffered < self.config.buffer_max_bytes
            and writer.lag() < self.config.flush_seconds / 2
        )

    async def _wait_for_room(self) -> None:
        """Return once there is room. Waiters pass in the order they came, and nobody passes
        them while they wait: with polling alone new requests took the room first, and some
        waited seconds. Each waiter that leaves the line tells the next to look at once."""
        self._check_writer()
        if not self._waiters and self._room():
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.backpressure_seconds
        turn = asyncio.Event()
        self._waiters.append(turn)
        try:
            while not (self._waiters[0] is turn and self._room()):
                if loop.time() >= deadline:
                    self._refuse()
                turn.clear()
                try:
                    await asyncio.wait_for(turn.wait(), _POLL)
                except asyncio.TimeoutError:
                    pass
                self._check_writer()
        finally:
            self._waiters.remove(turn)
            if self._waiters:
                self._waiters[0].set()

    def _refuse(self) -> None:
        self.refused += 1
        raise DecisionLogUnavailable(
            f"decision-log buffer full ({self._full_reason()}); waited {self.config.backpressure_seconds:g} s"
        )

    def _check_writer(self) -> None:
        if self._writer.fatal or not self._writer.alive:
            raise DecisionLogUnavailable(self._writer.fatal or "decision-log writer is not running")

    def _full_reason(self) -> str:
        if self._writer.error:
            return self._writer.error
        if self._uploader is not None and self._uploader.last_error:
            return f"collector unavailable: {self._uploader.last_error['message']}"
        return f"events arrive faster than they are written (writer {self._writer.lag():.2f} s behind)"

    def _written(self, events: int, size: int) -> None:  # the writer thread
        if self._uploader is not None:
            self._uploader.add_written(size)
            self._uploader.notify()

    # --- state ----------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        return {
            "queue_depth": self._writer.queue_depth,
            "dropped": self.dropped,
            "written": self._writer.written,
            "uploaded": self._uploader.uploaded if self._uploader else 0,
            "refused": self.refused,
            "policy_dropped": self.policy_dropped,
            "mask_errors": self.mask_errors,
            "reused": self.reused.hits,
            "pending_upload_bytes": self._uploader.pending_bytes() if self._uploader else 0,
        }

    def status(self) -> dict[str, Any]:
        """Like an OPA plugin status: state OK | ERROR (cannot write, or the buffer is full:
        decisions are being refused) | NOT_READY (not started or closed). A failing upload
        leaves the state OK, as in OPA (events wait on disk; an outage of the collector must
        not take every instance out of /health?plugins): it shows in ``upload.state`` and,
        in OPA's shape, in ``decision_logs`` {code, message, http_code}."""
        state, message = self._state, self._message
        if state == "RUNNING":
            state = "OK"
            if self._writer.fatal or self._writer.error:
                state, message = "ERROR", self._writer.fatal or self._writer.error
            elif not self._room():
                state, message = "ERROR", f"buffer full: {self._full_reason()}"
        elif state != "ERROR":
            state = "NOT_READY"
        upload = self._uploader.status() if self._uploader else {"enabled": False}
        status: dict[str, Any] = {
            "state": state,
            "dir": str(self.config.dir),
            "current_file": self._writer.current_file,
            **self.stats(),
            "upload": upload,
            # OPA's status document carries a failed upload as decision_logs {code, message, http_code}
            "decision_logs": dict(upload.get("error") or {}),
        }
        if message:
            status["message"] = message
        return status
