"""Decision-log events in OPA's format, and the hook the decision log plugs into.

``decision_event`` builds every event the server records (Data API v1/v0, default decision,
each batch item). The real log lives in ``server/decision_log``; ``open_decision_log`` picks
it, or ``NoDecisionLog`` when decision logging is disabled in the settings.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Protocol, Sequence

from privacy_pdp.core.engine import UNDEFINED
from privacy_pdp.server.settings import Settings

BUNDLE_NAME = "privacy"

Mask = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
MaskScope = Callable[[], "str | None"]


class DecisionLogPort(Protocol):
    """What the server needs of a decision log (server/decision_log.DecisionLog provides it)."""

    async def start(self) -> None: ...

    async def record(self, event: dict[str, Any]) -> None:
        """May wait (backpressure); raises when it cannot accept: the server then answers 503."""

    async def record_many(self, events: list[dict[str, Any]], keys: Sequence[bytes | None] | None = None) -> None:
        """record for several events (a batch's items) at once, in order; ``keys[i]``, when
        given, is the decision cache's key of ``events[i]`` (events sharing one are masked alike)."""

    async def close(self) -> None: ...

    def status(self) -> dict[str, Any]: ...

    def stats(self) -> dict[str, int]: ...


class NoDecisionLog:
    """Decision logging disabled (``PDP_DECISION_LOG_ENABLED=false``): records nothing."""

    async def start(self) -> None:
        return None

    async def record(self, event: dict[str, Any]) -> None:
        return None

    async def record_many(self, events: list[dict[str, Any]], keys: Sequence[bytes | None] | None = None) -> None:
        return None

    async def close(self) -> None:
        return None

    def status(self) -> dict[str, Any]:
        return {"state": "OK", "enabled": False}

    def stats(self) -> dict[str, int]:
        return {"queue_depth": 0, "dropped": 0, "written": 0}


def open_decision_log(
    settings: Settings, mask: Mask | None = None, mask_scope: MaskScope | None = None
) -> DecisionLogPort:
    if not settings.decision_log_enabled:
        return NoDecisionLog()
    from privacy_pdp.server.decision_log import DecisionLog  # imported only when logging is on

    return DecisionLog.from_settings(settings, mask=mask, mask_scope=mask_scope)


def rfc3339(moment: datetime) -> str:
    """RFC 3339 in UTC with sub-second digits, as OPA writes decision timestamps."""
    # isoformat: two thirds of strftime's time, and four-digit years always
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")[:-6] + "Z"


def decision_event(
    *,
    decision_id: str,
    path: str,
    input: Any,
    result: Any,
    revision: str,
    labels: dict[str, str],
    requested_by: str,
    metrics: dict[str, int] | None = None,
    timestamp: datetime | None = None,
    batch_decision_id: str | None = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One decision as OPA logs it. ``input``/``result`` may be UNDEFINED: the key is then absent."""
    event: dict[str, Any] = {
        "labels": dict(labels),
        "decision_id": decision_id,
        "bundles": {BUNDLE_NAME: {"revision": revision}},
        "path": path.strip("/"),
        "requested_by": requested_by,
        "timestamp": rfc3339(timestamp or datetime.now(timezone.utc)),
    }
    if input is not UNDEFINED:
        event["input"] = input
    if result is not UNDEFINED:
        event["result"] = result
    if error is not None:
        event["error"] = error
    if metrics:
        event["metrics"] = dict(metrics)
    if batch_decision_id is not None:
        event["batch_decision_id"] = batch_decision_id
    return event
