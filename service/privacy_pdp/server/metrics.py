"""Prometheus metrics: one registry per app, so two apps in one process never share counts.

HTTP metrics carry OPA's handler names (``v1/data``, ``health``, ...), a bounded set; decision
metrics carry the company only when it is one the active policy set knows.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from privacy_pdp.server.services import Services

# OPA's default http_request_duration_seconds buckets (docs/configuration).
DURATION_BUCKETS = (1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 1e-2, 1e-1, 1.0)
EVAL_BUCKETS = (1e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 1e-1, 0.5, 1.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.request_duration = Histogram(
            "http_request_duration_seconds",
            "A histogram of duration for requests.",
            ["code", "handler", "method"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.requests = Counter(
            "pdp_http_requests", "HTTP requests by handler and status code.", ["code", "handler", "method"],
            registry=self.registry,
        )
        self.decisions = Counter(
            "pdp_decisions", "Decisions by company and outcome (allow, deny, undefined, error, document).",
            ["company", "outcome"], registry=self.registry,
        )
        self.evaluation = Histogram(
            "pdp_evaluation_duration_seconds", "Time the engine spent on one evaluation (cache hits not included).",
            buckets=EVAL_BUCKETS,
            registry=self.registry,
        )
        self.batch_items = Counter("pdp_batch_items", "Inputs answered through the batch API.", registry=self.registry)
        # Children by label values: prometheus-client's labels() costs a few µs a call, three
        # calls a decision; the label sets are bounded (handlers, codes, companies, outcomes).
        self._http: dict[tuple[str, str, str], tuple[Any, Any]] = {}
        self._decisions: dict[tuple[str, str], Any] = {}

    def observe_request(self, code: str, handler: str, method: str, seconds: float) -> None:
        key = (code, handler, method)
        children = self._http.get(key)
        if children is None:
            labels = {"code": code, "handler": handler, "method": method}
            children = self._http[key] = (self.request_duration.labels(**labels), self.requests.labels(**labels))
        children[0].observe(seconds)
        children[1].inc()

    def count_decision(self, company: str, outcome: str) -> None:
        child = self._decisions.get((company, outcome))
        if child is None:
            child = self._decisions[(company, outcome)] = self.decisions.labels(company=company, outcome=outcome)
        child.inc()

    def watch(self, services: Services) -> None:
        """Read the runtime's and the decision log's state at each scrape."""
        self.registry.register(_StateCollector(services))

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class _StateCollector:
    def __init__(self, services: Services):
        self._services = services

    def describe(self) -> list[Any]:
        return []  # values come at collect time; nothing to pre-register

    def collect(self) -> Iterable[Any]:
        runtime = self._services.runtime
        info = InfoMetricFamily("pdp_policy_revision", "The active policy set's revision.")
        info.add_metric([], {"revision": runtime.revision})
        yield info
        yield GaugeMetricFamily("pdp_ready", "1 once a policy set is active.", value=1 if runtime.ready else 0)
        yield CounterMetricFamily("pdp_policy_activations", "Policy sets activated.", value=runtime.activations)
        stats = self._services.decision_log.stats()
        yield GaugeMetricFamily(
            "pdp_decision_log_queue_depth", "Decision-log events accepted but not yet written.",
            value=stats.get("queue_depth", 0),
        )
        yield CounterMetricFamily(
            "pdp_decision_log_dropped", "Decision-log events lost (must stay 0).", value=stats.get("dropped", 0)
        )
        yield CounterMetricFamily(
            "pdp_decision_log_written", "Decision-log events written.", value=stats.get("written", 0)
        )
        yield CounterMetricFamily(
            "pdp_decision_log_reused", "Decision-log events written from the masked parts of an earlier event of "
            "the same decision (no mask query).", value=stats.get("reused", 0)
        )
        cache = runtime.cache.stats()
        yield CounterMetricFamily(
            "pdp_decision_cache_hits", "Evaluations answered from the cache (decisions, decision-log masks).",
            value=cache.hits,
        )
        yield CounterMetricFamily(
            "pdp_decision_cache_misses", "Cacheable evaluations the engine had to do.", value=cache.misses
        )
        yield CounterMetricFamily(
            "pdp_decision_cache_evictions", "Entries dropped to keep the cache within its size.", value=cache.evictions
        )
        yield CounterMetricFamily(
            "pdp_decision_cache_invalidations", "Times the cache was emptied (every activation).",
            value=cache.invalidations,
        )
        yield GaugeMetricFamily("pdp_decision_cache_entries", "Decisions in the cache now.", value=cache.entries)
        yield GaugeMetricFamily("pdp_decision_cache_bytes", "Bytes the cache holds now (answers, and the inputs' digests).",
                                value=cache.bytes)


def handler_label(path: str) -> str:
    """OPA's handler names: a bounded label whatever the path."""
    for prefix, label in _HANDLERS:
        if path == prefix or path.startswith(prefix + "/"):
            return label
    return "index" if path == "/" else "catchall"


_HANDLERS = (
    ("/v1/batch/data", "v1/batch/data"),
    ("/v1/data", "v1/data"),
    ("/v0/data", "v0/data"),
    ("/v1/policies", "v1/policies"),
    ("/v1/status", "v1/status"),
    ("/v1/config", "v1/config"),
    ("/v1/query", "v1/query"),
    ("/v1/compile", "v1/compile"),
    ("/health", "health"),
    ("/metrics", "metrics"),
    ("/docs", "docs"),
    ("/openapi.json", "docs"),
)


_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class OpaHttpMiddleware:
    """OPA's path rules (301 without a trailing slash, HEAD is 405) and request metrics.

    A plain ASGI middleware: no per-request task or body buffering.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, clock: Callable[[], float] = time.perf_counter):
        self.app = app
        self.metrics = metrics
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = self.clock()
        path: str = scope["path"]
        method: str = scope["method"]
        status = {"code": 500}

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        if method == "HEAD":
            response: Response | None = Response(status_code=405)
        elif path != "/" and path.endswith("/"):  # OPA answers 301 to the path without the slash
            response = RedirectResponse(path.rstrip("/") or "/", status_code=301)
        else:
            response = None
        try:
            if response is not None:
                await response(scope, receive, send_and_note)
            else:
                await self.app(scope, receive, send_and_note)
        finally:
            verb = method.lower() if method in _METHODS else "other"
            self.metrics.observe_request(str(status["code"]), handler_label(path), verb, self.clock() - started)
