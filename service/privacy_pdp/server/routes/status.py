"""``GET /v1/status`` in the shape of OPA's status plugin report, and ``GET /v1/config``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from privacy_pdp.server.decision_events import BUNDLE_NAME, rfc3339
from privacy_pdp.server.errors import COMPILE_MESSAGE
from privacy_pdp.server.models import Result
from privacy_pdp.server.params import bool_param, json_response
from privacy_pdp.server.routes.health import plugin_states
from privacy_pdp.server.routes import ServicesDep
from privacy_pdp.server.services import Services

router = APIRouter(tags=["status"])

_ZERO_TIME = "0001-01-01T00:00:00Z"  # Go's zero time, as OPA reports "never"


def bundle_status(services: Services) -> dict[str, Any]:
    if services.bundles is not None:  # served from a bundle: the watcher's own account
        return services.bundles.status()
    runtime = services.runtime
    active = runtime.active
    status: dict[str, Any] = {
        "name": BUNDLE_NAME,
        "active_revision": runtime.revision,
        "last_successful_activation": rfc3339(active.activated_at) if active else _ZERO_TIME,
        # nothing is downloaded from a directory: OPA's zero time, which it always writes
        "last_successful_download": _ZERO_TIME,
        "last_successful_request": _ZERO_TIME,
        "last_request": _ZERO_TIME,
        "type": "snapshot",
    }
    failure = runtime.last_failure
    if failure is not None:
        status["code"] = "bundle_error"
        status["message"] = COMPILE_MESSAGE
        status["errors"] = [{"code": "rego_compile_error", "message": failure.message}]
    return status


def status_report(services: Services) -> dict[str, Any]:
    log_status = services.decision_log.status()
    stats = services.decision_log.stats()
    plugins = plugin_states(services)
    plugins["decision_logs"] = {**log_status, "state": plugins["decision_logs"]["state"]}
    report: dict[str, Any] = {
        "labels": dict(services.labels),
        "bundles": {BUNDLE_NAME: bundle_status(services)},
        "plugins": plugins,
        "metrics": {
            "prometheus": {
                "counter_decision_logs_dropped": stats.get("dropped", 0),
                "gauge_decision_logs_queue_depth": stats.get("queue_depth", 0),
                "counter_decision_logs_written": stats.get("written", 0),
            }
        },
    }
    active = services.runtime.active
    if active is not None and hasattr(active.engine, "compacted"):  # regopy: is the compacted plan serving?
        report["metrics"]["prometheus"]["gauge_plan_compacted"] = int(active.engine.compacted)
    if log_status.get("code"):  # the last upload failed: OPA's decision_logs error object
        report["decision_logs"] = {k: log_status[k] for k in ("code", "message", "http_code") if k in log_status}
    return report


@router.get("/v1/status", response_model=Result, operation_id="status")
async def status(request: Request, services: ServicesDep) -> Response:
    """What this instance serves: active revision, plugin states (bundle, decision_logs, status)."""
    return json_response({"result": status_report(services)}, bool_param(request, "pretty"))


@router.get("/v1/config", response_model=Result, operation_id="config")
async def config(request: Request, services: ServicesDep) -> Response:
    """The active configuration, as OPA shows it (no secrets)."""
    settings = services.settings
    result = {
        "labels": dict(services.labels),
        "default_decision": "/" + settings.default_decision.strip("/"),
        "decision_logs": {"enabled": settings.decision_log_enabled},
        "bundles": {BUNDLE_NAME: {"resource": str(settings.bundle_url or settings.bundle_path or settings.policies)}},
    }
    return json_response({"result": result}, bool_param(request, "pretty"))
