"""Decision-log test helpers: a real collector on a loopback port that can be stopped and
started again, settings objects, and OPA-shaped events."""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Coroutine, TypeVar

from ports import free_port
from privacy_pdp.server.decision_log.chain import unseal
from privacy_pdp.server.decision_log.segments import list_segments

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def settings(directory: Path, **values: Any) -> SimpleNamespace:
    """A stand-in for the server's Settings: decision_log_<name> attributes only."""
    return SimpleNamespace(decision_log_dir=directory, **{f"decision_log_{k}": v for k, v in values.items()})


def event(n: int, **input_extra: Any) -> dict[str, Any]:
    """A decision-log event in OPA's format, as the server builds it."""
    return {
        "decision_id": str(uuid.uuid4()),
        "labels": {"id": "3f0c2a9e-0000-4000-8000-000000000001", "version": "0.1.0"},
        "bundles": {"policies": {"revision": "rev-1"}},
        "path": "privacy/decision",
        "input": {
            "company": "kallu",
            "data_categories": ["user.contact.email"],
            "data_use": "essential.service",
            "recipient": {"kind": "first_party"},
            "n": n,
            **input_extra,
        },
        "result": {"allow": True, "reasons": [{"effect": "allow", "code": "c", "clause": "kallu.x", "message": "ok é"}],
                   "obligations": []},
        "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "metrics": {"timer_rego_query_eval_ns": 12345},
    }


def read_events(directory: Path) -> list[dict[str, Any]]:
    """Every complete event in chain order (checked line by line)."""
    events = []
    for segment in list_segments(directory):
        with open(segment.path, "rb") as f:
            for raw in f:
                if raw.endswith(b"\n"):
                    events.append(unseal(raw[:-1])[2])
    return events



class Collector:
    """A decision-log service as OPA expects one: POST of a gzip'd JSON array."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/logs"
        self.events: list[dict[str, Any]] = []
        self.requests = 0
        self.refused = 0  # requests answered 500 in failing mode
        self.problems: list[str] = []
        self.failing = False
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with collector._lock:
                    collector.requests += 1
                    if collector.failing:
                        collector.refused += 1
                        self.send_response(500)
                        self.end_headers()
                        return
                    if self.headers.get("Content-Encoding") != "gzip" or self.path != "/logs" or \
                            not self.headers.get("Content-Type", "").startswith("application/json"):
                        collector.problems.append(f"{self.path} {dict(self.headers)}")
                    batch = json.loads(gzip.decompress(body))
                    if not isinstance(batch, list):
                        collector.problems.append("not an array")
                    collector.events.extend(batch)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[str]:
        with self._lock:
            return [e["decision_id"] for e in self.events]
