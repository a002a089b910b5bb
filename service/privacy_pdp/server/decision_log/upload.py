"""Upload to a collector as OPA's decision-log plugin does, from the files on disk.

The segment files are the buffer: an upload cursor (segment and byte offset of the first
event not yet acknowledged) is kept in ``upload-cursor.json`` beside them and replaced
atomically after each acknowledged batch, so a restart resumes where the last run
stopped: nothing is lost, and at most the batch in flight at a crash is sent twice.

Each batch is a gzip'd JSON array of events, POSTed with ``Content-Type:
application/json`` and ``Content-Encoding: gzip``; any 2xx acknowledges it. Uploads run
after a random delay in [min_delay, max_delay], or at once when a full batch is waiting;
a failure is retried with OPA's backoff (from 100 ms, x1.6 per retry, up to max_delay,
+/-20% jitter) while new events keep accumulating on disk.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable

import httpx

from privacy_pdp.server.decision_log.segments import Segment, segment_number

log = logging.getLogger(__name__)

CURSOR_FILE = "upload-cursor.json"
ERROR_CODE = "decision_log_error"  # OPA's code for a failed upload in its status
BACKOFF_BASE = 0.1


def backoff(retries: int, maximum: float) -> float:
    """OPA's (gRPC's) backoff: base x 1.6^retries, capped, with +/-20% jitter."""
    if retries <= 0:
        return 0.0
    delay = BACKOFF_BASE
    while delay < maximum and retries > 0:
        delay *= 1.6
        retries -= 1
    delay = min(delay, maximum)
    return delay * (1 + 0.2 * (random.random() * 2 - 1))


@dataclass
class Cursor:
    number: int  # segment number
    offset: int  # bytes of it already acknowledged


@dataclass
class UploadConfig:
    url: str
    min_delay: float
    max_delay: float
    batch_bytes: int
    timeout: float
    token: str | None = None


class Uploader:
    def __init__(self, config: UploadConfig, directory: Path, segments: Callable[[], list[Segment]]):
        self.config = config
        self.directory = directory
        self._segments = segments
        self._cursor_path = directory / CURSOR_FILE
        self._cursor = Cursor(0, 0)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: httpx.Client | None = None
        self._pending_lock = threading.Lock()
        self._pending = 0
        self.uploaded = 0
        self.batches = 0
        self.last_success: str | None = None
        self.last_error: dict[str, Any] | None = None

    # --- state ----------------------------------------------------------------------

    def pending_bytes(self) -> int:
        """Bytes on disk not yet acknowledged by the collector."""
        return self._pending

    def add_written(self, size: int) -> None:
        """The writer appended size bytes (called from its thread)."""
        with self._pending_lock:
            self._pending += size

    def _count_pending(self) -> int:
        cursor, total = self._cursor, 0
        for segment in self._segments():
            if segment.number > cursor.number:
                total += segment.size
            elif segment.number == cursor.number:
                total += max(0, segment.size - cursor.offset)
        return total

    def status(self) -> dict[str, Any]:
        return {
            "enabled": True,
            "url": _without_credentials(self.config.url),
            "state": "ERROR" if self.last_error else "OK",
            "uploaded": self.uploaded,
            "batches": self.batches,
            "pending_bytes": self.pending_bytes(),
            "cursor": {"file": f"decisions-{self._cursor.number:06d}.jsonl", "offset": self._cursor.offset},
            "last_success": self.last_success,
            **({"error": dict(self.last_error)} if self.last_error else {}),
        }

    # --- lifecycle ------------------------------------------------------------------

    def open(self) -> None:
        """Load the cursor (blocking) and start the thread."""
        self._cursor = self._load_cursor()
        self._pending = self._count_pending()
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip", "User-Agent": "privacy-pdp"}
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"
        self._client = httpx.Client(timeout=self.config.timeout, headers=headers)
        self._thread = threading.Thread(target=self._run, name="decision-log-upload", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        """Events were written: upload now if a full batch waits."""
        if self.pending_bytes() >= self.config.batch_bytes:
            self._wake.set()

    def stop(self, drain_seconds: float) -> None:
        """Stop the thread, then try to upload what is left for up to drain_seconds (one
        attempt per batch; what fails stays on disk for the next start)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(self.config.timeout + 1)
            if self._thread.is_alive():  # still in a request: leave the rest for the next start
                return
        deadline = time.monotonic() + drain_seconds
        while time.monotonic() < deadline and self.pending_bytes() > 0:
            if not self._upload_one():
                break
        if self._client is not None:
            self._client.close()

    # --- the thread -----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(random.uniform(self.config.min_delay, self.config.max_delay))
                self._wake.clear()
                retries = 0
                while not self._stop.is_set() and self.pending_bytes() > 0:
                    if self._upload_one():
                        retries = 0
                        continue
                    retries += 1
                    if self._stop.wait(backoff(retries, self.config.max_delay)):
                        return
        except Exception:  # keep the server up; the status shows the upload stopped
            log.exception("decision-log upload stopped")
            self.last_error = {"code": ERROR_CODE, "message": "decision-log upload stopped unexpectedly"}

    def _upload_one(self) -> bool:
        """Send the next batch; True if acknowledged (or there was nothing to send)."""
        batch = self._read_batch()
        if batch is None:
            return True
        lines, cursor, size = batch
        if not lines:
            self._save_cursor(cursor)
            return True
        body = gzip.compress(b"[" + b",".join(lines) + b"]", compresslevel=6)
        assert self._client is not None
        try:
            response = self._client.post(self.config.url, content=body)
        except httpx.HTTPError as exc:
            self._failed({"code": ERROR_CODE, "message": f"log upload failed: {exc}"})
            return False
        if not 200 <= response.status_code < 300:
            phrase = _phrase(response.status_code)
            self._failed({
                "code": ERROR_CODE,
                "message": f"log upload failed, server replied with HTTP {response.status_code} {phrase}".rstrip(),
                "http_code": response.status_code,
            })
            return False
        self._save_cursor(cursor)
        with self._pending_lock:
            self._pending -= size
        self.uploaded += len(lines)
        self.batches += 1
        self.last_success = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        if self.last_error is not None:
            log.info("decision-log upload to %s works again", _without_credentials(self.config.url))
        self.last_error = None
        return True

    def _failed(self, error: dict[str, Any]) -> None:
        if self.last_error is None:
            log.warning("decision-log upload: %s (events wait on disk)", error["message"])
        self.last_error = error

    def _read_batch(self) -> tuple[list[bytes], Cursor, int] | None:
        """Up to batch_bytes of complete lines from the cursor on, the cursor after them and
        their size in bytes.
        A cursor at the end of a finished segment moves to the next one (no lines)."""
        segments = self._segments()
        cursor = self._cursor
        current = next((s for s in segments if s.number >= cursor.number), None)
        if current is None:
            return None
        offset = cursor.offset if current.number == cursor.number else 0
        if offset >= current.size:
            later = next((s for s in segments if s.number > current.number), None)
            if later is None:
                return None
            return [], Cursor(later.number, 0), 0
        with open(current.path, "rb") as f:
            f.seek(offset)
            chunk = f.read(min(self.config.batch_bytes, current.size - offset))
            end = chunk.rfind(b"\n")
            if end < 0:  # one event larger than a batch: send it alone
                chunk += f.read(current.size - offset - len(chunk))
                end = chunk.find(b"\n")
        return chunk[:end].split(b"\n"), Cursor(current.number, offset + end + 1), end + 1

    # --- the cursor file ------------------------------------------------------------

    def _load_cursor(self) -> Cursor:
        segments = self._segments()
        first = Cursor(segments[0].number if segments else 1, 0)
        try:
            saved = json.loads(self._cursor_path.read_text())
            number, offset = segment_number(saved["file"]), int(saved["offset"])
        except FileNotFoundError:
            return first
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("decision-log upload cursor unreadable (%s): uploading from the oldest segment", exc)
            return first
        segment = next((s for s in segments if s.number == number), None)
        if segment is None or not 0 <= offset <= segment.size or not _at_line_start(segment.path, offset):
            log.warning("decision-log upload cursor %s does not point at an event: uploading from the oldest segment",
                        saved)
            return first
        return Cursor(segment.number, offset)

    def _save_cursor(self, cursor: Cursor) -> None:
        tmp = self._cursor_path.with_suffix(".tmp")
        data = json.dumps({"file": f"decisions-{cursor.number:06d}.jsonl", "offset": cursor.offset})
        with open(tmp, "w") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._cursor_path)
        self._cursor = cursor


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def _at_line_start(path: Path, offset: int) -> bool:
    if offset == 0:
        return True
    with open(path, "rb") as f:
        f.seek(offset - 1)
        return f.read(1) == b"\n"


def _without_credentials(url: str) -> str:
    parsed = httpx.URL(url)
    return str(parsed.copy_with(userinfo=b"")) if parsed.userinfo else url
