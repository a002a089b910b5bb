"""Servers under test, each in its own process: the service (``privacy-pdp serve``) and the
raw ASGI floor (``uvicorn ...bench.noop:app``). Started, timed to ready, measured for
resident memory, stopped; nothing here imports the server package (assurance does not)."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

READY_TIMEOUT = 120.0
LOG_LEVEL = "warning"  # uvicorn's access log at info writes a line per request: not what is measured


def free_port() -> int:
    """A free port below the kernel's ephemeral range (Linux: 32768-60999). A port from
    ``bind(0)`` lies in that range, where the kernel also draws the ports of outgoing
    connections: wrk's or a test's own connections could take it before the server binds
    it ("address already in use"). A bind check leaves out ports something listens on."""
    for _ in range(200):
        port = random.randrange(20000, 32768)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 20000-32767")


@dataclass
class Server:
    """A running server process; ``ready_seconds`` from spawn to its first good answer."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    ready_seconds: float = 0.0
    log: Path | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    def memory(self) -> dict[str, Any]:
        """Resident memory of the server and its worker processes, MiB: now and peak."""
        pids = [self.process.pid, *_children(self.process.pid)]
        per = [_status(pid) for pid in pids]
        per = [p for p in per if p]
        return {
            "processes": len(per),
            "rss_mib": [round(p["VmRSS"] / 1024, 1) for p in per],
            "peak_rss_mib": [round(p["VmHWM"] / 1024, 1) for p in per],
        }

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server and its worker processes have used so far:
        what a request costs, whatever else the machine runs meanwhile."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in (self.process.pid, *_children(self.process.pid)):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / tick

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_service(policies: Path, work: Path, engine: str = "regopy", cache_entries: int | None = None,
                  workers: int | None = None, processes: int | None = None, extra_env: dict[str, str] | None = None,
                  python: str = sys.executable) -> Server:
    """``privacy-pdp serve`` of the installation ``python`` runs (by default this one); ready
    once every worker process has answered."""
    port = free_port()
    log_dir = work / f"decision-log-{port}"
    env = {**os.environ, "PDP_ENGINE": engine, "PDP_DECISION_LOG_DIR": str(log_dir), **(extra_env or {})}
    if cache_entries is not None:
        env["PDP_DECISION_CACHE_ENTRIES"] = str(cache_entries)
    if workers is not None:
        env["PDP_WORKERS"] = str(workers)
    if processes is not None:
        env["PDP_PROCESSES"] = str(processes)
    command = [python, "-m", "privacy_pdp", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--policies", str(policies), "--log-level", LOG_LEVEL]
    server = _start(f"service ({engine})", command, env, f"http://127.0.0.1:{port}", "/health", work)
    if processes and processes > 1:
        _all_answer(server, processes)
    server.notes.update({"processes": processes, "threads_per_process": workers})  # None: as the service chose
    return server


def _all_answer(server: Server, processes: int) -> None:
    """Wait until ``processes`` distinct instances (labels.id) have answered /v1/config."""
    seen: set[str] = set()
    started = time.perf_counter() - server.ready_seconds
    deadline = time.perf_counter() + READY_TIMEOUT
    while len(seen) < processes and time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(server.url + "/v1/config", timeout=2) as response:
                seen.add(json.loads(response.read())["result"]["labels"]["id"])
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, KeyError, ValueError):
            time.sleep(0.02)
    server.ready_seconds = time.perf_counter() - started
    if len(seen) < processes:
        server.stop()
        raise RuntimeError(f"{server.name}: {len(seen)} of {processes} processes answered")


def idle(server: Server, limit: float = 60.0) -> float:
    """Wait until the server answers /health within 50 ms twice in a row (the work a load run
    left queued is done); the seconds it took."""
    started = time.perf_counter()
    quick = 0
    while quick < 2 and time.perf_counter() - started < limit:
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=limit):
                pass
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        quick = quick + 1 if time.perf_counter() - t0 < 0.05 else 0
        if quick < 2:
            time.sleep(0.05)
    return time.perf_counter() - started


def start_floor(work: Path, python: str = sys.executable) -> Server:
    """The no-op app under the uvicorn of the installation ``python`` runs (copied out as a
    file, so that it runs under an installation without this package too)."""
    port = free_port()
    app_dir = work / "floor"
    app_dir.mkdir(exist_ok=True)
    (app_dir / "pdp_bench_noop.py").write_text(Path(__file__).with_name("noop.py").read_text())
    command = [python, "-m", "uvicorn", "pdp_bench_noop:app", "--app-dir", str(app_dir), "--host", "127.0.0.1",
               "--port", str(port), "--log-level", LOG_LEVEL]
    return _start("raw ASGI no-op", command, dict(os.environ), f"http://127.0.0.1:{port}", "/", work)


def _start(name: str, command: list[str], env: dict[str, str], url: str, probe: str, work: Path) -> Server:
    log = work / f"{name.split()[0]}-{url.rsplit(':', 1)[1]}.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, process, url, log=log)
    deadline = started + READY_TIMEOUT
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + probe, timeout=2) as response:
                if response.status == 200:
                    server.ready_seconds = time.perf_counter() - started
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.02)
    server.stop()
    raise RuntimeError(f"{name} was not ready within {READY_TIMEOUT:.0f} s")


def _status(pid: int) -> dict[str, int] | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values: dict[str, int] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])  # kB
    return values if len(values) == 2 else None


def _children(pid: int) -> list[int]:
    """Processes whose parent is pid (uvicorn's worker processes, if any)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)
