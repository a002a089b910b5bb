"""Load on loopback: wrk (Debian's ``wrk``) driven by a Lua script that posts prepared
bodies, or, where wrk is missing, a small asyncio client (slower: it shares the server's
cores and is Python; the report names which one measured).

A scenario is a list of request bodies and a way to use them: ``cycle`` (round and round:
repeated traffic) or ``once`` (every request a body no request sent before: distinct
traffic; a run that outlasts its bodies starts over and says so in ``wrapped``).
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit

LUA = r"""
threads = {}
tid, wrapped = 0, 0 -- globals: setup() sets tid, done() reads wrapped
local bodies, n, step, mode, k = {}, 0, 1, "cycle", 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do n = n + 1; bodies[n] = line end
  mode, step = args[2], tonumber(args[3])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local index = tid + k * step
  k = k + 1
  if index >= n then
    if mode == "once" then wrapped = wrapped + 1 end
    index = index % n
  end
  return wrk.format(nil, nil, nil, bodies[index + 1])
end

function done(summary, latency, requests)
  local w = 0
  for _, t in ipairs(threads) do w = w + (t:get("wrapped") or 0) end
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f,' ..
    '"max_us":%.1f,"wrapped":%d}\n', summary.requests, summary.duration, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, w))
end
"""


@dataclass(frozen=True)
class Load:
    """One load run: requests/s and latency (ms) as the client saw them."""

    client: str
    concurrency: int
    seconds: float
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    wrapped: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def client_name() -> str:
    return "wrk" if shutil.which("wrk") else "python-asyncio"


def run(url: str, path: str, bodies: Sequence[bytes], mode: str, concurrency: int, seconds: float,
        work: Path) -> Load:
    if shutil.which("wrk"):
        return _wrk(url, path, bodies, mode, concurrency, seconds, work)
    return asyncio.run(_python(url, path, bodies, mode, concurrency, seconds))


def _wrk(url: str, path: str, bodies: Sequence[bytes], mode: str, concurrency: int, seconds: float,
         work: Path) -> Load:
    script = work / "bodies.lua"
    script.write_text(LUA)
    data = work / f"bodies-{mode}-{len(bodies)}-{abs(hash(bodies[0])) % 10**8}.jsonl"
    if not data.exists():
        data.write_bytes(b"\n".join(bodies) + b"\n")
    threads = max(1, min(2, concurrency))
    duration = f"{max(1, math.ceil(seconds))}s"  # wrk takes whole seconds only
    command = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", duration, "--timeout", "10s",
               "-s", str(script), url + path, "--", str(data), mode, str(threads)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    found = re.search(r"^WRKJSON (.*)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-1000:]} {done.stderr[-1000:]}")
    r = json.loads(found.group(1))
    errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["status_errors"] + r["timeouts"]
    duration = r["duration_us"] / 1e6
    return Load("wrk", concurrency, duration, r["requests"], r["requests"] / duration if duration else 0.0,
                r["p50_us"] / 1e3, r["p99_us"] / 1e3, errors, r["wrapped"])


async def _python(url: str, path: str, bodies: Sequence[bytes], mode: str, concurrency: int,
                  seconds: float) -> Load:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    errors = wrapped = 0
    deadline = time.perf_counter() + seconds

    async def connection(slot: int) -> None:
        nonlocal errors, wrapped
        reader, writer = await asyncio.open_connection(host, port)
        k = 0
        try:
            while time.perf_counter() < deadline:
                index = slot + k * concurrency
                k += 1
                if index >= len(bodies):
                    wrapped += mode == "once"
                    index %= len(bodies)
                body = bodies[index]
                head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n").encode()
                started = time.perf_counter()
                writer.write(head + body)
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                if b" 200 " not in status_line:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3 if ordered else 0.0

    return Load("python-asyncio", concurrency, elapsed, len(latencies), len(latencies) / elapsed, at(0.5), at(0.99),
                errors, wrapped)
