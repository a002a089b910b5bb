"""Where a bundle comes from: a bundle server polled as OPA polls it, or a local file.

Protocol (OPA ``v1/download/download.go``, ``docs/docs/management-bundles``): ``GET`` the
URL with ``If-None-Match: <last ETag>``; 200 brings a new bundle and its ``ETag``, 304 means
unchanged, anything else is an error (``server replied with <status>``) and clears the
ETag. Long polling is not used. The polling loop itself is ``watch.py``.
"""

from __future__ import annotations

import random
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from privacy_pdp.bundle import BundleDownloadError
from privacy_pdp.bundle.archive import MAX_ARCHIVE_BYTES

MIN_RETRY_DELAY = 0.1  # OPA's minRetryDelay
BUNDLE_MEDIA_TYPES = "application/vnd.openpolicyagent.bundles, application/gzip, application/octet-stream"


@dataclass(frozen=True)
class Fetched:
    data: bytes
    etag: str = ""


class Source(Protocol):
    description: str

    def fetch(self) -> Fetched | None:
        """The bundle's bytes, or None when unchanged since the last fetch; raises
        BundleDownloadError."""

    def forget(self) -> None:
        """Forget what was fetched, so the next fetch brings the bundle again."""


class FileSource:
    """A local bundle file, re-read when its size, mtime or inode changes (so an atomic
    rename of a new file, or an in-place rewrite, is picked up)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.description = str(self.path)
        self._stamp: tuple[int, int, int] | None = None

    def _stat(self) -> tuple[int, int, int]:
        try:
            st = self.path.stat()
        except OSError as exc:
            raise BundleDownloadError(f"{self.path}: {exc.strerror or exc}") from None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def fetch(self) -> Fetched | None:
        stamp = self._stat()
        if stamp == self._stamp:
            return None
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise BundleDownloadError(f"{self.path}: {exc.strerror or exc}") from None
        if self._stat() != stamp:  # written while we read: take it on the next poll
            raise BundleDownloadError(f"{self.path}: changed while being read")
        self._stamp = stamp
        return Fetched(data)

    def forget(self) -> None:
        self._stamp = None


class HttpSource:
    """A bundle server URL, fetched with ``If-None-Match`` and the last ETag."""

    def __init__(self, url: str, timeout: float = 10.0, headers: dict[str, str] | None = None):
        self.url = url
        self.description = url
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.etag = ""

    def fetch(self) -> Fetched | None:
        headers = {"Accept": BUNDLE_MEDIA_TYPES, "Prefer": "modes=snapshot", **self.headers}
        if self.etag:
            headers["If-None-Match"] = self.etag
        request = urllib.request.Request(self.url, headers=headers, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                data = response.read(MAX_ARCHIVE_BYTES + 1)
                etag = response.headers.get("ETag", "") or ""
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return None
            self.etag = ""  # as OPA: an error status clears the ETag
            raise BundleDownloadError(f"server replied with {exc.code} {exc.reason}", exc.code) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BundleDownloadError(f"{self.url}: {reason}") from None
        if len(data) > MAX_ARCHIVE_BYTES:
            raise BundleDownloadError(f"{self.url}: bundle larger than {MAX_ARCHIVE_BYTES} bytes")
        self.etag = etag
        return Fetched(data, etag)

    def forget(self) -> None:
        self.etag = ""


def open_source(spec: str, timeout: float = 10.0) -> Source:
    """``http(s)://...`` polls a bundle server; anything else is a local file."""
    if spec.startswith(("http://", "https://")):
        return HttpSource(spec, timeout)
    return FileSource(spec[len("file://"):] if spec.startswith("file://") else spec)


def backoff(retries: int, maximum: float, rng: random.Random) -> float:
    """OPA's util.DefaultBackoff: 100 ms growing by 1.6 per retry up to the maximum, then
    +-20 % jitter so that replicas do not retry in lockstep."""
    delay = min(maximum, MIN_RETRY_DELAY * (1.6**retries))
    return max(0.0, delay * (1 + 0.2 * (2 * rng.random() - 1)))
