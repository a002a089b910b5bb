"""The loop that keeps one bundle current, its state, and the last good bundle on disk.

Each poll asks the source (``fetch.py``) for the bundle; a new one is loaded, verified and
handed to ``activate``, which must compile it first and raise, changing nothing, if it does
not. A bundle that fails at any stage (download, parse, verify, compile) is refused: one
log line says which stage and why, the status records it, and the last good bundle keeps
serving. Delays follow OPA: uniform in ``[min_delay, max_delay]`` after an answer,
exponential backoff after a failed download.

After every activation the bundle is written to ``<persist_dir>/<name>/bundle.tar.gz``
(atomically; OPA's ``persist``), so a restart while the bundle server is down serves it
again, verified again: the disk is trusted no more than the network.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from privacy_pdp.bundle import BundleDownloadError, BundleError
from privacy_pdp.bundle.fetch import Source, backoff
from privacy_pdp.bundle.keys import KeyRing
from privacy_pdp.bundle.load import LoadedBundle, load_bundle
from privacy_pdp.bundle.status import BundleStatus, now

log = logging.getLogger("privacy_pdp.bundle")

PERSISTED = "bundle.tar.gz"
PERSISTED_STATE = "state.json"


class BundleWatcher:
    """One bundle: its source, its state, and the thread that keeps it current."""

    def __init__(
        self,
        name: str,
        source: Source,
        activate: Callable[[LoadedBundle], None],
        keys: KeyRing | None = None,
        *,
        scope: str | None = None,
        min_delay: float = 60.0,
        max_delay: float = 120.0,
        persist_dir: Path | str | None = None,
        rng: random.Random | None = None,
    ):
        if not 0 <= min_delay <= max_delay:
            raise ValueError("need 0 <= min_delay <= max_delay")
        self.name = name
        self.source = source
        self.keys = keys
        self.scope = scope
        self.min_delay, self.max_delay = min_delay, max_delay
        self._activate = activate
        self._persist = Path(persist_dir) / name if persist_dir is not None else None
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._status = BundleStatus(name=name, source=source.description)
        self._retries = 0
        self._last_refusal: tuple[str, str] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- state ------------------------------------------------------------------------

    def status(self) -> BundleStatus:
        with self._lock:
            return self._status.model_copy(deep=True)

    @property
    def ready(self) -> bool:
        """A verified bundle has been activated (sticky, as OPA's bundle readiness)."""
        with self._lock:
            return self._status.last_successful_activation is not None

    def staleness(self) -> float | None:
        """Seconds since the source last answered (200 or 304), counting the persisted
        bundle's last answer after a restart; None before any."""
        with self._lock:
            last = self._status.last_successful_request
        return None if last is None else max(0.0, (now() - last).total_seconds())

    def _update(self, **fields: object) -> None:
        with self._lock:
            self._status = self._status.model_copy(update=fields)

    # --- one poll ---------------------------------------------------------------------

    def poll_once(self) -> bool:
        """Fetch, and activate if new. True if the source answered (even with a bundle
        that was refused), False if the download failed."""
        self._update(last_request=now())
        try:
            fetched = self.source.fetch()
        except BundleDownloadError as exc:
            self._failed(exc)
            return False
        moment = now()
        self._retries = 0
        if fetched is None:  # 304, or the file is unchanged
            if self.status().stage == "download":
                self._update(**_CLEARED)
            self._update(last_successful_request=moment, http_code=None)
            return True
        self._update(last_successful_request=moment, last_successful_download=moment, etag=fetched.etag, http_code=None)
        if _sha(fetched.data) == self.status().sha256:
            self._update(**_CLEARED)
            return True  # the same bytes again (a server without ETags): nothing to do
        self._accept(fetched.data, origin=self.source.description)
        return True

    def _accept(self, data: bytes, origin: str, restored_at: datetime | None = None) -> bool:
        try:
            loaded = load_bundle(data, self.keys, scope=self.scope)
        except BundleError as exc:
            self._refused(exc, exc.stage, data, origin)
            return False
        try:
            self._activate(loaded)
        except Exception as exc:  # noqa: BLE001 - whatever the compiler raises, the bundle is refused
            self._refused(exc, "compile", data, origin)
            return False
        previous = self.status().active_revision
        self._update(
            active_revision=loaded.revision,
            sha256=loaded.sha256,
            size=loaded.size,
            signed_by=loaded.signature.keyid if loaded.signature else None,
            last_successful_activation=now(),
            **_CLEARED,
        )
        if restored_at is not None:
            self._update(last_successful_request=restored_at)
        self._last_refusal = None
        log.info(
            "bundle %s: activated revision %s (was %s) from %s: sha256 %s, %s",
            self.name, loaded.revision, previous or "none", origin, loaded.sha256[:16],
            f"signed by key {loaded.signature.keyid}" if loaded.signature else "unsigned",
        )
        if restored_at is None:
            self._save(data)
        return True

    def _refused(self, exc: BaseException, stage: str, data: bytes, origin: str) -> None:
        message = getattr(exc, "message", None) or str(exc)
        problems = [str(p) for p in getattr(exc, "problems", None) or []]
        self.source.forget()  # fetch it again next time: a key may rotate, a file be fixed
        with self._lock:
            self._status = self._status.model_copy(update={
                "code": "bundle_error", "message": message, "stage": stage, "errors": problems,
                "refused": self._status.refused + 1,
            })
            serving = self._status.active_revision
        # One error line per distinct refusal; the same bundle refused again is logged at debug.
        signature = (_sha(data), f"{stage}:{message}:{problems}")
        level = logging.DEBUG if signature == self._last_refusal else logging.ERROR
        self._last_refusal = signature
        log.log(level, "bundle %s: refused the bundle from %s at the %s stage: %s; %s",
                self.name, origin, stage, "; ".join([message, *problems]),
                f"still serving revision {serving}" if serving else "no bundle is active")

    def _failed(self, exc: BundleDownloadError) -> None:
        self._update(code="bundle_error", message=exc.message, stage="download", errors=[], http_code=exc.http_code)
        serving = self.status().active_revision
        log.warning("bundle %s: download from %s failed: %s; %s", self.name, self.source.description, exc.message,
                    f"still serving revision {serving}" if serving else "no bundle is active")

    # --- persistence ------------------------------------------------------------------

    def _save(self, data: bytes) -> None:
        if self._persist is None:
            return
        last = self.status().last_successful_request or now()
        try:
            self._persist.mkdir(parents=True, exist_ok=True)
            _atomic_write(self._persist / PERSISTED, data)
            _atomic_write(self._persist / PERSISTED_STATE, json.dumps({"last_successful_request": last.isoformat()}).encode())
        except OSError as exc:
            log.warning("bundle %s: could not persist the active bundle in %s: %s", self.name, self._persist, exc)

    def restore(self) -> bool:
        """Activate the persisted bundle, if there is one (verified as if downloaded)."""
        if self._persist is None:
            return False
        path = self._persist / PERSISTED
        try:
            data = path.read_bytes()
        except OSError:
            return False
        try:
            state = json.loads((self._persist / PERSISTED_STATE).read_text())
            answered = datetime.fromisoformat(state["last_successful_request"])
        except (OSError, ValueError, KeyError, TypeError):
            answered = now()  # no record of the last answer: count from now
        return self._accept(data, origin=f"{path} (persisted)", restored_at=answered)

    # --- the loop ---------------------------------------------------------------------

    def next_delay(self, answered: bool) -> float:
        if answered:
            return self._rng.uniform(self.min_delay, self.max_delay)
        self._retries += 1
        return backoff(self._retries - 1, self.max_delay, self._rng)

    def start(self) -> None:
        """Restore the persisted bundle (if none is active), then poll in a daemon thread."""
        if self._thread is not None:
            return
        if not self.ready:
            self.restore()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"bundle-{self.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                answered = self.poll_once()
            except Exception:  # noqa: BLE001 - the loop must outlive any one poll
                log.exception("bundle %s: unexpected error while polling", self.name)
                answered = False
            self._stop.wait(self.next_delay(answered))

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


_CLEARED: dict[str, object] = {"code": "", "message": "", "stage": "", "errors": []}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
