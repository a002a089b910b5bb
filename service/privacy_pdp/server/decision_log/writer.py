"""The writer thread: seals events into the chain and appends them to segment files.

Lines go to the OS with one write per batch (what arrived within a couple of milliseconds),
so a killed process loses only what is still queued in memory (milliseconds of events); an fsync at
least every ``flush_seconds`` bounds what a power loss can take. A failed write is
rolled back (the file cut back, the chain's end restored) and retried every second; until
it succeeds the queue fills and ``DecisionLog.record`` applies backpressure.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import Callable

from privacy_pdp.server.decision_log.chain import seal
from privacy_pdp.server.decision_log.segments import Segment, recover, segment_name

log = logging.getLogger(__name__)

_STOP = object()
_BATCH = 4096
# After the first event of a batch, wait this long for more: one write (and one turn of the
# GIL) for every event a busy server records in that time, instead of one per event. A
# kill -9 may lose these milliseconds too; the fsync interval bounds a power loss as before.
_GATHER_SECONDS = 0.002
RETRY_SECONDS = 1.0


class SegmentWriter:
    def __init__(
        self,
        directory: Path,
        max_file_bytes: int,
        flush_seconds: float,
        on_written: Callable[[int, int], None] = lambda events, size: None,
    ):
        self.directory = directory
        self.max_file_bytes = max_file_bytes
        self.flush_seconds = flush_seconds
        self._on_written = on_written
        # (monotonic time queued, [bodies]) | _STOP: a batch's events are queued in one item, so
        # the writer thread is woken once per request, not once per event
        self._queue: queue.Queue[object] = queue.Queue()
        self._queued_events = 0
        self._batch_since: float | None = None  # when the batch being written was first queued
        self._lock = threading.Lock()
        self._queued_bytes = 0
        self._segments: list[Segment] = []
        self._fd = -1
        self._last_hash = ""
        self._retry: list[bytes] = []
        self._thread: threading.Thread | None = None
        self.written = 0
        self.error: str | None = None
        self.fatal: str | None = None

    # --- called from the event loop -------------------------------------------------

    def submit(self, bodies: list[bytes]) -> None:
        """Queue events, in order, as one item."""
        with self._lock:
            self._queued_bytes += sum(len(body) for body in bodies)
            self._queued_events += len(bodies)
        self._queue.put((time.monotonic(), bodies))

    @property
    def queue_depth(self) -> int:
        """Events queued and not yet written."""
        return self._queued_events + len(self._retry)

    @property
    def queued_bytes(self) -> int:
        return self._queued_bytes

    def lag(self) -> float:
        """Seconds the oldest unwritten event has waited: what a kill -9 now would lose."""
        oldest = self._batch_since
        if oldest is None:
            try:
                item = self._queue.queue[0]  # a peek; a stale answer errs by one batch
            except IndexError:
                return 0.0
            oldest = item[0] if isinstance(item, tuple) else None
        return 0.0 if oldest is None else time.monotonic() - oldest

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def segments(self) -> list[Segment]:
        """A snapshot: each segment with the size of its complete, written lines."""
        with self._lock:
            return [Segment(s.number, s.path, s.size) for s in self._segments]

    @property
    def current_file(self) -> str | None:
        with self._lock:
            return self._segments[-1].path.name if self._segments else None

    # --- lifecycle (blocking: run these off the event loop) -------------------------

    def open(self) -> None:
        """Recover the chain's end from the directory and open the newest segment."""
        self.directory.mkdir(parents=True, exist_ok=True)
        segments, self._last_hash = recover(self.directory)
        if not segments:
            segments = [self._create(1)]
        self._segments = segments
        self._fd = os.open(segments[-1].path, os.O_WRONLY | os.O_APPEND)
        self._thread = threading.Thread(target=self._run, name="decision-log-writer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Write everything queued, fsync, close. False if the thread did not finish in time."""
        if self._thread is None:
            return True
        self._queue.put(_STOP)
        self._thread.join(timeout)
        finished = not self._thread.is_alive()
        if finished and self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        return finished

    # --- the thread ------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # never die silently: record() refuses from now on
            self.fatal = f"decision-log writer stopped: {exc!r}"
            log.exception("decision-log writer stopped")

    def _loop(self) -> None:
        dirty_since: float | None = None
        stopping = False
        while True:
            batch, stopping = self._take(dirty_since, stopping)
            if batch:
                if self._write(batch):
                    dirty_since = dirty_since or time.monotonic()
                else:
                    time.sleep(RETRY_SECONDS)
                    continue
            if dirty_since is not None and (stopping or time.monotonic() - dirty_since >= self.flush_seconds):
                os.fsync(self._fd)
                dirty_since = None
            if stopping and not self._retry and self._queue.empty():
                return

    def _take(self, dirty_since: float | None, stopping: bool) -> tuple[list[bytes], bool]:
        batch, self._retry = self._retry, []
        if not batch and not stopping:
            timeout = None if dirty_since is None else max(0.0, dirty_since + self.flush_seconds - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                return batch, stopping
            stopping = self._add(batch, item) or stopping
            if not stopping:
                time.sleep(_GATHER_SECONDS)
        while len(batch) < _BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            stopping = self._add(batch, item) or stopping
        return batch, stopping

    def _add(self, batch: list[bytes], item: object) -> bool:
        """Append a queued body to batch; True for the stop marker."""
        if item is _STOP:
            return True
        queued_at, bodies = item  # type: ignore[misc]
        if self._batch_since is None:
            self._batch_since = queued_at
        batch.extend(bodies)
        with self._lock:
            self._queued_events -= len(bodies)
        return False

    def _write(self, bodies: list[bytes]) -> bool:
        """Seal and append; on an OS error roll back to the last good write and keep the
        unwritten bodies for a retry."""
        done = 0
        while done < len(bodies):
            segment = self._segments[-1]
            if segment.size >= self.max_file_bytes:
                try:
                    self._rotate()
                except OSError as exc:
                    return self._failed(bodies[done:], exc)
                continue
            lines, room, prev = [], self.max_file_bytes - segment.size, self._last_hash
            for body in bodies[done:]:
                value, line = seal(prev, body)
                if lines and len(line) > room:
                    break  # the rest go to the next segment
                lines.append(line)
                room -= len(line)
                prev = value
            count = len(lines)
            blob = b"".join(lines)
            try:
                _write_all(self._fd, blob)
            except OSError as exc:
                try:
                    os.ftruncate(self._fd, segment.size)
                except OSError:
                    pass
                return self._failed(bodies[done:], exc)
            with self._lock:
                segment.size += len(blob)
                self._queued_bytes -= sum(len(b) for b in bodies[done : done + count])
            self._last_hash = prev
            self.written += count
            done += count
            self._on_written(count, len(blob))
        self._batch_since = None
        if self.error is not None:
            log.warning("decision log: writing again after: %s", self.error)
            self.error = None
        return True

    def _failed(self, unwritten: list[bytes], exc: OSError) -> bool:
        self._retry = unwritten
        if self.error is None:
            log.error("decision log: cannot write to %s: %s (retrying)", self.directory, exc)
        self.error = f"cannot write decision log: {exc}"
        return False

    def _rotate(self) -> None:
        os.fsync(self._fd)
        current = self._segments[-1]
        new = self._create(current.number + 1)
        os.close(self._fd)
        self._fd = os.open(new.path, os.O_WRONLY | os.O_APPEND)
        with self._lock:
            self._segments.append(new)

    def _create(self, number: int) -> Segment:
        path = self.directory / segment_name(number)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        _fsync_directory(self.directory)
        return Segment(number, path, 0)


def _write_all(fd: int, blob: bytes) -> None:
    view = memoryview(blob)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
