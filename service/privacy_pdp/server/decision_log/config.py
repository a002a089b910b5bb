"""Decision-log settings, read from the server's settings object by attribute name.

The server's pydantic Settings carries these as ``decision_log_*`` (environment
``PDP_DECISION_LOG_*``); any attribute it lacks takes the default here, so this package
does not depend on that class.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MIB = 1 << 20


@dataclass(frozen=True)
class LogConfig:
    dir: Path = Path("var/decision-logs")
    # a segment file is closed and the next begun past this size
    max_file_bytes: int = 64 * MIB
    # fsync at least this often (<= 1 s); lines reach the OS as soon as the writer has them
    flush_seconds: float = 1.0
    # the collector (the full URL, e.g. https://collector.example/logs); None: no upload
    upload_url: str | None = None
    upload_token: str | None = None  # sent as "Authorization: Bearer <token>"
    # an upload runs after a random delay in [min, max] s, or at once when a batch is full;
    # max is also the longest retry backoff. OPA's defaults are 300/600 s; shorter here so
    # the collector is current, the disk buffer holding events either way.
    upload_min_delay: float = 1.0
    upload_max_delay: float = 10.0
    upload_batch_bytes: int = 256 * 1024  # uncompressed; ~25-40 KB gzip'd (OPA: 32 KB compressed)
    upload_timeout: float = 10.0
    upload_drain_seconds: float = 5.0  # on shutdown, upload what is left for up to this long
    # events not yet uploaded (or, without upload, not yet written) beyond which record() waits
    buffer_max_bytes: int = 256 * MIB
    queue_max_events: int = 10_000  # events in memory, not yet written
    # how long record() waits for room before it raises DecisionLogUnavailable (a 503)
    backpressure_seconds: float = 2.0

    @classmethod
    def from_settings(cls, settings: Any) -> LogConfig:
        values = {}
        for f in fields(cls):
            value = getattr(settings, f"decision_log_{f.name}", None)
            if hasattr(value, "get_secret_value"):  # pydantic SecretStr (the upload token)
                value = value.get_secret_value()
            if value is not None:
                values[f.name] = value
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        """ValueError naming the setting when one is out of range."""
        def bad(name: str, why: str) -> ValueError:
            return ValueError(f"PDP_DECISION_LOG_{name.upper()} {why}")

        object.__setattr__(self, "dir", Path(self.dir))
        if not 0 < self.flush_seconds <= 1:
            raise bad("flush_seconds", f"must be in (0, 1], not {self.flush_seconds}")
        if self.max_file_bytes < 4096:
            raise bad("max_file_bytes", f"must be at least 4096, not {self.max_file_bytes}")
        if not 0 <= self.upload_min_delay <= self.upload_max_delay:
            raise bad("upload_min_delay", f"must be in [0, upload_max_delay], not {self.upload_min_delay}")
        if self.upload_max_delay <= 0:
            raise bad("upload_max_delay", "must be positive")
        if self.upload_batch_bytes < 1024:
            raise bad("upload_batch_bytes", "must be at least 1024")
        if self.buffer_max_bytes < 1024 or self.queue_max_events < 1:
            raise bad("buffer_max_bytes", "must be at least 1024 (and queue_max_events at least 1)")
        if self.backpressure_seconds < 0 or self.upload_timeout <= 0 or self.upload_drain_seconds < 0:
            raise bad("backpressure_seconds", "and the upload timeouts must not be negative")
        if self.upload_url is not None:
            url = str(self.upload_url)
            object.__setattr__(self, "upload_url", url or None)
            parts = urlsplit(url)
            if url and (parts.scheme not in ("http", "https") or not parts.netloc):
                raise bad("upload_url", f"must be an http(s) URL, not {url!r}")
