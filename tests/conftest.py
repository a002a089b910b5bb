"""Shared fixtures: the project's policy set, both engines, and a real running server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from privacy_pdp.core import policyset
from privacy_pdp.core.engine import OpaGoEngine, RegoEngine

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"


@pytest.fixture(scope="session")
def policies() -> policyset.PolicySet:
    return policyset.load_directory(POLICIES)


@pytest.fixture(scope="session")
def rego(policies: policyset.PolicySet) -> RegoEngine:
    return RegoEngine(policies)


@pytest.fixture(scope="session")
def opa(policies: policyset.PolicySet) -> OpaGoEngine:
    return OpaGoEngine(policies)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The CLI's `serve` in a child process: the same server `make run` starts."""

    def __init__(self, policy_dir: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "privacy_pdp", "serve", "--port", str(self.port), "--policies", str(policy_dir)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stdout.read()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become healthy within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server(POLICIES)
    yield running
    running.stop()


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c
