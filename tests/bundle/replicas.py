"""Service replicas in child processes (the CLI's ``serve``, as ``make run`` starts it) and
a load generator that asks all of them for decisions and records every answer."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ports import free_port

ROOT = Path(__file__).resolve().parents[2]


class Replica:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log_path: Path):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "privacy_pdp", "serve", "--port", str(self.port), *args],
            cwd=ROOT, env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready within {timeout} s:\n{self.log()}")

    def bundle_status(self) -> dict[str, Any]:
        response = httpx.get(f"{self.url}/v1/status", timeout=5)
        response.raise_for_status()
        return response.json()["result"]["bundles"]["privacy"]

    def revision(self) -> str:
        return self.bundle_status()["active_revision"]

    def log(self, lines: int = 40) -> str:
        """The end of the replica's own log lines (uvicorn's access lines left out)."""
        self._log.flush()
        own = [line for line in self.log_path.read_text(errors="replace").splitlines() if '" 200' not in line]
        return "\n".join(own[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@dataclass
class Answer:
    replica: str
    at: float
    ok: bool
    revision: str = ""
    detail: str = ""


@dataclass
class LoadGenerator:
    """One thread per replica, each sending decisions back to back until stopped."""

    replicas: list[Replica]
    inputs: list[dict[str, Any]]
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        for replica in self.replicas:
            thread = threading.Thread(target=self._run, args=(replica,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _run(self, replica: Replica) -> None:
        with httpx.Client(base_url=replica.url, timeout=30) as client:
            i = 0
            while not self._stop.is_set():
                doc = self.inputs[i % len(self.inputs)]
                i += 1
                answer = self._ask(client, replica.name, doc)
                with self._lock:
                    self.answers.append(answer)

    @staticmethod
    def _ask(client: httpx.Client, name: str, doc: dict[str, Any]) -> Answer:
        now = time.monotonic()
        try:
            response = client.post("/v1/data/privacy/decision", params={"provenance": "true"}, json={"input": doc})
        except httpx.HTTPError as exc:
            return Answer(name, now, False, detail=f"{type(exc).__name__}: {exc}")
        if response.status_code != 200:
            return Answer(name, now, False, detail=f"HTTP {response.status_code}: {response.text[:300]}")
        body = response.json()
        result = body.get("result")
        revision = body.get("provenance", {}).get("bundles", {}).get("privacy", {}).get("revision", "")
        if not isinstance(result, dict) or not isinstance(result.get("allow"), bool):
            return Answer(name, now, False, revision, f"no decision: {str(body)[:300]}")
        return Answer(name, now, True, revision)

    def stop(self) -> list[Answer]:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)
        return list(self.answers)
