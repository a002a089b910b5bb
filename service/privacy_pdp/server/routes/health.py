"""Health (OPA's ``/health`` with ``bundles``, ``plugins``, ``exclude-plugin``), liveness and
readiness for orchestrators, and ``/metrics``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from privacy_pdp.server.models import HealthResponse
from privacy_pdp.server.params import bool_param, json_response
from privacy_pdp.server.routes import ServicesDep
from privacy_pdp.server.services import Services

router = APIRouter(tags=["health"])

_UNHEALTHY = {500: {"model": HealthResponse, "description": "not healthy; error says why"}}


def plugin_states(services: Services) -> dict[str, dict[str, Any]]:
    """OPA's plugin statuses: bundle (a policy set is active), decision_logs, status."""
    log_status = services.decision_log.status()
    return {
        "bundle": {"state": "OK" if services.runtime.ready else "NOT_READY"},
        "decision_logs": {"state": str(log_status.get("state", "OK"))},
        "status": {"state": "OK"},
    }


def unhealthy(message: str) -> Response:
    # OPA answers {"error": ...}; code and message too, for clients that expect the error shape.
    return json_response({"code": "internal_error", "message": message, "error": message}, status=500)


@router.get("/health", response_model=HealthResponse, responses=_UNHEALTHY, operation_id="health")
async def health(request: Request, services: ServicesDep) -> Response:
    """200 ``{}`` when the server can evaluate; ``?bundles`` also needs an active policy set,
    ``?plugins`` every plugin OK (``exclude-plugin`` to skip some)."""
    if not await services.runtime.responsive():
        return unhealthy("unable to perform evaluation")
    if (bool_param(request, "bundles") or bool_param(request, "bundle")) and not services.runtime.ready:
        return unhealthy("one or more bundles are not activated")
    if bool_param(request, "plugins"):
        excluded = set(request.query_params.getlist("exclude-plugin"))
        states = plugin_states(services)
        if any(s["state"] != "OK" for name, s in states.items() if name not in excluded):
            return unhealthy("one or more plugins are not up")
    return json_response({})


@router.get("/health/live", response_model=HealthResponse, responses=_UNHEALTHY, operation_id="health_live")
async def live(services: ServicesDep) -> Response:
    """Liveness: the process answers and its evaluation threads take work."""
    if not await services.runtime.responsive():
        return unhealthy("unable to perform evaluation")
    return json_response({})


@router.get("/health/ready", response_model=HealthResponse, responses=_UNHEALTHY, operation_id="health_ready")
async def ready(services: ServicesDep) -> Response:
    """Readiness: a policy set is active and the decision log takes events."""
    if not services.runtime.ready:
        return unhealthy("no policy set is active")
    if plugin_states(services)["decision_logs"]["state"] != "OK":
        return unhealthy("the decision log is not ready")
    return json_response({})


@router.get("/metrics", response_class=Response, operation_id="metrics",
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
async def metrics(services: ServicesDep) -> Response:
    """Prometheus text exposition."""
    return services.metrics.exposition()
