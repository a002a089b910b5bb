"""Shared fixtures: the project's policy set, both engines, the app in process, and a real
running server for what needs a socket (real clients, load)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import httpx

from ports import free_port
import pytest
from fastapi.testclient import TestClient

from privacy_pdp.core import policyset
from privacy_pdp.core.engine import OpaGoEngine, RegoEngine
from privacy_pdp.server.app import create_app
from privacy_pdp.server.settings import Settings
from server.doubles import MemoryDecisionLog

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"


@pytest.fixture(scope="session")
def policies() -> policyset.PolicySet:
    return policyset.load_directory(POLICIES)


@pytest.fixture(scope="session")
def rego(policies: policyset.PolicySet) -> RegoEngine:
    """regopy as the service serves it: its plan compacted (core/planslots.py)."""
    engine = RegoEngine(policies)
    compacting = engine.compact_in_background()
    assert compacting is not None
    compacting.join(timeout=120)
    assert engine.compacted
    return engine


@pytest.fixture(scope="session")
def opa(policies: policyset.PolicySet) -> OpaGoEngine:
    return OpaGoEngine(policies)



class Server:
    """The CLI's `serve` in a child process: the same server `make run` starts."""

    def __init__(self, policy_dir: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Output goes to a file, never an unread pipe: a full pipe would block the server's
        # access log, and with it every request, after a few thousand requests.
        self.output = tempfile.TemporaryFile(mode="w+t")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "privacy_pdp", "serve", "--port", str(self.port), "--policies", str(policy_dir)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.read_output()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become healthy within 60 s")

    def read_output(self) -> str:
        self.output.seek(0)
        return self.output.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def server_env(log_dir: Path) -> dict[str, str]:
    """A real server's environment: decision logs in log_dir (off until server/decision_log lands)."""
    has_log = importlib.util.find_spec("privacy_pdp.server.decision_log") is not None
    return {"PDP_DECISION_LOG_DIR": str(log_dir), "PDP_DECISION_LOG_ENABLED": "true" if has_log else "false"}


@pytest.fixture(scope="session")
def decision_log() -> MemoryDecisionLog:
    return MemoryDecisionLog()


@pytest.fixture(scope="session")
def app_client(policies: policyset.PolicySet, decision_log: MemoryDecisionLog) -> Iterator[TestClient]:
    """The service in process (Starlette's TestClient): no socket, same app as `serve`."""
    settings = Settings(workers=2, decision_log_enabled=False)
    with TestClient(create_app(settings, policy_set=policies, decision_log=decision_log)) as c:
        yield c


@pytest.fixture()
def client(app_client: TestClient) -> httpx.Client:
    return app_client  # TestClient is an httpx.Client
