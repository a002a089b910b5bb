"""The app factory: settings in, a FastAPI app speaking OPA's REST API out. No policy logic.

Routes (one router per area): Data API v1/v0 and the default decision, batch, document
queries, health and metrics, status and config, policies. The OpenAPI document (/docs) describes the privacy
decision's input and answer.
"""

from __future__ import annotations

import asyncio
import gc
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from privacy_pdp import __version__
from privacy_pdp.core import policyset
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server import models
from privacy_pdp.server.bundle import BundleService
from privacy_pdp.server.decision_events import DecisionLogPort, open_decision_log
from privacy_pdp.server.errors import install_handlers
from privacy_pdp.server.fastpath import DecisionFastPath
from privacy_pdp.server.decision_log.mask import policy_mask
from privacy_pdp.server.metrics import Metrics, OpaHttpMiddleware
from privacy_pdp.server.routes import batch, data, health, policies, query, status
from privacy_pdp.server.runtime import PolicyRuntime
from privacy_pdp.server.services import Services
from privacy_pdp.server.settings import Settings

DESCRIPTION = """Privacy disclosure decisions over Open Policy Agent's REST API: point an OPA
client at this service. Ask `POST /v1/data/privacy/decision` with `{"input": ...}`; the answer
says allow or deny, the clauses of the company's own policy that decided, and what an allowed
flow must also do. `POST /v1/batch/data/privacy/decision` answers many flows at once."""


# OPA gzips answers of 1 KiB or more for clients that accept it (server.encoding.gzip).
GZIP_MINIMUM_BYTES = 1024


def create_app(
    settings: Settings,
    policy_set: PolicySet | None = None,
    decision_log: DecisionLogPort | None = None,
) -> FastAPI:
    """An app serving ``policy_set`` (default: the settings' policy directory).

    With a bundle configured (``PDP_BUNDLE_PATH``/``PDP_BUNDLE_URL``) and no policy set given,
    the app starts not ready; the bundle loader activates through ``runtime.activate``.
    ``decision_log`` replaces the one the settings choose (tests use an in-memory log).
    """
    if policy_set is None and settings.bundle_path is None and settings.bundle_url is None:
        policy_set = policyset.load_directory(settings.policies)
    runtime = PolicyRuntime(policy_set, workers=settings.workers, engine=settings.engine,
                            cache_entries=settings.decision_cache_entries,
                            cache_bytes=settings.decision_cache_bytes,
                            compact_plan=settings.compact_plan)  # compiles now: fail at start-up
    metrics = Metrics(shared=settings.processes > 1)  # several processes: /metrics answers for all
    log = decision_log if decision_log is not None else open_decision_log(
        settings, mask=policy_mask(runtime.log_rules, present=lambda: runtime.has_log_policy),
        mask_scope=runtime.log_mask_scope)
    runtime.log_rules_wanted = decision_log is None and settings.decision_log_enabled  # the log asks them
    bundles = BundleService(settings, runtime) if policy_set is None else None
    services = Services(settings=settings, runtime=runtime, decision_log=log, metrics=metrics, bundles=bundles)
    metrics.watch(services)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.decision_log.start()
        await runtime.warm_up()
        if bundles is not None:
            await bundles.start()
        publishing = asyncio.create_task(metrics.publish())
        # What start-up built (the app, the policy set, the vocabulary) lives as long as the
        # process: left out of later collections, which walked all of it about once per batch
        # (a sixth of a warm batch item's time). Unfrozen at shutdown, so that it can go.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            publishing.cancel()
            await asyncio.gather(publishing, return_exceptions=True)
            if bundles is not None:
                await bundles.stop()
            await services.decision_log.close()  # flush every accepted event before exit
            await asyncio.to_thread(runtime.close)

    # FastAPI's OpenTelemetry hooks are off: the service's metrics are OPA's, in Prometheus
    # form (/metrics), and the hooks' per-request check cost a tenth of a cached decision.
    app = FastAPI(title="privacy-pdp", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.services = services
    install_handlers(app)
    for area in (data, batch, query, health, status, policies):
        app.include_router(area.router)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES)
    # Decisions without query parameters skip the framework (server/fastpath.py); the
    # outermost middleware counts every request and applies OPA's path rules to all.
    app.add_middleware(DecisionFastPath, services=services, gzip_minimum_bytes=GZIP_MINIMUM_BYTES)
    app.add_middleware(OpaHttpMiddleware, metrics=metrics)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


# Bodies the routes read themselves are documented by reference to these models.
_BODY_MODELS = (models.DecisionRequest, models.DecisionInput, models.DataRequest, models.BatchRequest,
                models.QueryRequest)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        _, extra = models_json_schema(
            [(model, "validation") for model in _BODY_MODELS], ref_template="#/components/schemas/{model}"
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in extra.get("$defs", {}).items():
            components.setdefault(name, definition)
        app.openapi_schema = schema
    return app.openapi_schema
