"""Per-bundle state for ``/health?bundles`` and ``/v1/status``.

Field names follow OPA's bundle status object (``v1/plugins/bundle/status.go``,
``docs/docs/management-status.md``); ``to_opa`` renders it in OPA's shape, with the zero
time for an event that never happened. The extra fields (source, sha256, signer, the
stage a refused bundle failed at, how many were refused) are this service's own.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel

ZERO_TIME = "0001-01-01T00:00:00Z"


def now() -> datetime:
    return datetime.now(timezone.utc)


def rfc3339(moment: datetime | None) -> str:
    if moment is None:
        return ZERO_TIME
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


class BundleStatus(BaseModel):
    name: str
    source: str
    active_revision: str = ""
    sha256: str = ""
    signed_by: str | None = None
    size: int = 0
    type: str = "snapshot"
    etag: str = ""
    last_successful_download: datetime | None = None
    last_successful_activation: datetime | None = None
    last_request: datetime | None = None
    last_successful_request: datetime | None = None
    # The last attempt's failure, cleared by the next success; OPA's code is bundle_error.
    code: str = ""
    message: str = ""
    stage: str = ""
    http_code: int | None = None
    errors: list[str] = []
    refused: int = 0

    @property
    def active(self) -> bool:
        return bool(self.active_revision)

    def to_opa(self) -> dict[str, Any]:
        """OPA's status object for this bundle (times RFC 3339, zero time when never)."""
        out: dict[str, Any] = {
            "name": self.name,
            "active_revision": self.active_revision,
            "last_successful_activation": rfc3339(self.last_successful_activation),
            "last_successful_download": rfc3339(self.last_successful_download),
            "last_successful_request": rfc3339(self.last_successful_request),
            "last_request": rfc3339(self.last_request),
            "type": self.type,
            "size": self.size,
        }
        if self.code:
            out["code"] = self.code
            out["message"] = self.message
            if self.errors:
                out["errors"] = list(self.errors)
        if self.http_code is not None:
            out["http_code"] = self.http_code
        return out
