"""Prometheus metrics: one registry per app, so two apps in one process never share counts.

HTTP metrics carry OPA's handler names (``v1/data``, ``health``, ...), a bounded set; decision
metrics carry the company only when it is one the active policy set knows.

Several server processes (``PDP_PROCESSES``) answer for the service as a whole: the parent
gives them a fresh directory for prometheus-client's multiprocess mode (its own switch, the
``PROMETHEUS_MULTIPROC_DIR`` variable, read when the library is imported), counters and
histograms add up across processes, and each process publishes its state (cache, decision
log, readiness, revision) there every second and when it answers a scrape.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess, values
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from privacy_pdp.server.services import Services

# OPA's default http_request_duration_seconds buckets (docs/configuration).
DURATION_BUCKETS = (1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 1e-2, 1e-1, 1.0)
EVAL_BUCKETS = (1e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 1e-1, 0.5, 1.0)


MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
PUBLISH_SECONDS = 1.0  # how stale another process's state may be in a scrape


def shared_across_processes() -> bool:
    """prometheus-client keeps its values in files shared by the server's processes."""
    return values.ValueClass is not values.MutexValue


class Metrics:
    def __init__(self, shared: bool = False) -> None:
        """``shared``: this process is one of several serving the port; answer for all of them
        (needs the library's multiprocess mode, else it answers for this process alone)."""
        self.shared = shared and shared_across_processes()
        self.registry = CollectorRegistry(auto_describe=True)
        self._published: _PublishedState | None = None  # shared: this process's state, once watched
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
        """Read the runtime's and the decision log's state at each scrape (and, shared, publish
        it for the other processes' scrapes: ``publish``)."""
        if self.shared:
            self._published = _PublishedState(services, self.registry)
            _forget_dead_processes()
        else:
            self.registry.register(_StateCollector(services))

    async def publish(self) -> None:
        """Shared: publish this process's state every ``PUBLISH_SECONDS`` until cancelled
        (a scrape answered by another process reads it)."""
        if self._published is None:
            return
        try:
            while True:
                self._published.update()
                await asyncio.sleep(PUBLISH_SECONDS)
        finally:
            multiprocess.mark_process_dead(os.getpid())  # its live gauges go with it

    def exposition(self) -> Response:
        if self._published is None:
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
        self._published.update()
        registry = CollectorRegistry()
        registry.register(_Revisions(multiprocess.MultiProcessCollector(None)))
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


# name, help, metric kind: the state the runtime and the decision log keep (_state)
_STATE = (
    ("pdp_ready", "1 once a policy set is active.", "gauge"),
    ("pdp_policy_activations", "Policy sets activated.", "counter"),
    ("pdp_decision_log_queue_depth", "Decision-log events accepted but not yet written.", "gauge"),
    ("pdp_decision_log_dropped", "Decision-log events lost (must stay 0).", "counter"),
    ("pdp_decision_log_written", "Decision-log events written.", "counter"),
    ("pdp_decision_log_reused", "Decision-log events written from the masked parts of an earlier event of "
     "the same decision (no mask query).", "counter"),
    ("pdp_decision_cache_hits", "Evaluations answered from the cache (decisions, decision-log masks).", "counter"),
    ("pdp_decision_cache_misses", "Cacheable evaluations the engine had to do.", "counter"),
    ("pdp_decision_cache_evictions", "Entries dropped to keep the cache within its size.", "counter"),
    ("pdp_decision_cache_invalidations", "Times the cache was emptied (every activation).", "counter"),
    ("pdp_decision_cache_entries", "Decisions in the cache now.", "gauge"),
    ("pdp_decision_cache_bytes", "Bytes the cache holds now (answers, and the inputs' digests).", "gauge"),
)
REVISION = ("pdp_policy_revision", "The active policy set's revision.")


def _state(services: Services) -> dict[str, float]:
    runtime = services.runtime
    log = services.decision_log.stats()
    cache = runtime.cache.stats()
    return {
        "pdp_ready": 1 if runtime.ready else 0,
        "pdp_policy_activations": runtime.activations,
        "pdp_decision_log_queue_depth": log.get("queue_depth", 0),
        "pdp_decision_log_dropped": log.get("dropped", 0),
        "pdp_decision_log_written": log.get("written", 0),
        "pdp_decision_log_reused": log.get("reused", 0),
        "pdp_decision_cache_hits": cache.hits,
        "pdp_decision_cache_misses": cache.misses,
        "pdp_decision_cache_evictions": cache.evictions,
        "pdp_decision_cache_invalidations": cache.invalidations,
        "pdp_decision_cache_entries": cache.entries,
        "pdp_decision_cache_bytes": cache.bytes,
    }


class _StateCollector:
    """One process: the state as it is at the scrape."""

    def __init__(self, services: Services):
        self._services = services

    def describe(self) -> list[Any]:
        return []  # values come at collect time; nothing to pre-register

    def collect(self) -> Iterable[Any]:
        info = InfoMetricFamily(*REVISION)
        info.add_metric([], {"revision": self._services.runtime.revision})
        yield info
        state = _state(self._services)
        for name, text, kind in _STATE:
            family = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            yield family(name, text, value=state[name])


class _PublishedState:
    """Several processes: this process's state in the shared files. Counters grow by what
    the state grew since the last update, so they add up across processes and restarts;
    gauges are the live processes' sum (readiness: their minimum)."""

    def __init__(self, services: Services, registry: CollectorRegistry):
        self._services = services
        self._counters: dict[str, Any] = {}
        self._gauges: dict[str, Any] = {}
        for name, text, kind in _STATE:
            if kind == "counter":
                self._counters[name] = Counter(name, text, registry=registry)
            else:
                mode = "livemin" if name == "pdp_ready" else "livesum"
                self._gauges[name] = Gauge(name, text, registry=registry, multiprocess_mode=mode)
        # the revision as an info metric: 1 for the revision served, 0 once it is not (the
        # library cannot remove a label in this mode: the exposition leaves the zeros out)
        self._revision = Gauge(f"{REVISION[0]}_info", REVISION[1], ["revision"], registry=registry,
                               multiprocess_mode="livemax")
        self._served = ""
        self._seen: dict[str, float] = {}

    def update(self) -> None:
        state = _state(self._services)
        for name, counter in self._counters.items():
            grown = state[name] - self._seen.get(name, 0)
            if grown > 0:
                counter.inc(grown)
            self._seen[name] = state[name]
        for name, gauge in self._gauges.items():
            gauge.set(state[name])
        revision = self._services.runtime.revision
        if revision != self._served:
            if self._served:
                self._revision.labels(revision=self._served).set(0)
            self._revision.labels(revision=revision).set(1)
            self._served = revision


class _Revisions:
    """The shared files' metrics, without the revisions no process serves any more."""

    def __init__(self, collector: Any):
        self._collector = collector

    def collect(self) -> Iterable[Any]:
        for family in self._collector.collect():
            if family.name == f"{REVISION[0]}_info":
                family.samples = [sample for sample in family.samples if sample.value]
            yield family


_PID = re.compile(r"_(\d+)\.db$")


def _forget_dead_processes() -> None:
    """Remove the live gauges of server processes that died without saying so (a crash, a
    kill): uvicorn restarts them under new pids."""
    directory = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if not directory:
        return
    for path in Path(directory).glob("gauge_live*.db"):
        match = _PID.search(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:  # alive, someone else's
            pass


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
CLIENT_GONE = 499


class OpaHttpMiddleware:
    """OPA's path rules (301 to the path without a trailing or doubled slash, HEAD is 405) and
    request metrics.

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
        status: dict[str, int | None] = {"code": None, "gone": 0}

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        async def receive_and_note() -> Message:
            message = await receive()
            if message["type"] == "http.disconnect":
                status["gone"] = 1
            return message

        if method == "HEAD":
            response: Response | None = Response(status_code=405)
        elif path != "/" and (path.endswith("/") or "//" in path):
            # OPA's router answers 301 to the clean path (no trailing or doubled slash), query kept
            clean = "/" + "/".join(s for s in path.split("/") if s)
            query = scope.get("query_string", b"").decode("latin-1")
            response = RedirectResponse(f"{clean}?{query}" if query else clean, status_code=301)
        else:
            response = None
        try:
            if response is not None:
                await response(scope, receive, send_and_note)
            else:
                await self.app(scope, receive_and_note, send_and_note)
        finally:
            verb = method.lower() if method in _METHODS else "other"
            # no answer begun: the client went away first (499, as nginx counts it) or the
            # server failed (500)
            code = status["code"] if status["code"] is not None else CLIENT_GONE if status["gone"] else 500
            self.metrics.observe_request(str(code), handler_label(path), verb, self.clock() - started)
