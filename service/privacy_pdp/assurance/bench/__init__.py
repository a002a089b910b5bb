"""``make bench``: the decision's cost in process and over HTTP, in one reproducible run.

One seeded corpus (``corpus``) feeds everything: the in-process figures for both engines,
cache off and on, by stage (``inprocess``), and the HTTP scenarios against the service and
the raw ASGI floor, with start-up time and resident memory (``httpbench``). The result is
a JSON document and Markdown tables (``report``). Timing goals live here, never in unit
tests.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from privacy_pdp.assurance.bench import corpus as corpus_module
from privacy_pdp.assurance.bench import httpbench, inprocess, loadgen, report
from privacy_pdp.core.policyset import load_directory


def machine(client: str) -> dict[str, Any]:
    try:
        import regopy  # noqa: F401

        from importlib.metadata import version

        regopy_version = version("regopy")
    except Exception:  # pragma: no cover - regopy is a dependency
        regopy_version = "?"
    wrk = ""
    if client == "wrk":
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        words = (done.stdout or done.stderr).split()
        wrk = " ".join(words[:2])
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": f"Python {platform.python_version()}",
        "regopy": regopy_version,
        "client": client + (f" ({wrk})" if wrk else ""),
    }


def run(
    policies: Path,
    *,
    size: int = corpus_module.DEFAULT_SIZE,
    seed: int = corpus_module.DEFAULT_SEED,
    engines: Sequence[str] = ("regopy", "opa"),
    http_engines: Sequence[str] = ("regopy", "opa"),
    concurrency: Sequence[int] = httpbench.CONCURRENCY,
    seconds: float = 5.0,
    in_process: bool = True,
    http: bool = True,
    workers: int | None = None,
    processes: int = 1,
    compare_layouts: bool = True,
    server_python: str = sys.executable,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Everything, in one run; ``server_python`` serves from another installation (to
    compare builds: the in-process figures are always this installation's)."""
    started = time.perf_counter()
    policy_set = load_directory(policies)
    client = loadgen.client_name()
    result: dict[str, Any] = {"machine": machine(client), "seed": seed, "revision": policy_set.revision,
                              "server_python": server_python}
    cpus = result["machine"]["cpus_usable"] or 1
    # two layouts (threads or processes) for every engine served
    layout_runs = 2 * len(http_engines) if compare_layouts and cpus > 1 else 0
    needed = size + (httpbench.pool_size(concurrency, layout_runs) if http else 0)
    progress(f"drawing {needed:,} distinct inputs (seed {seed})")
    everything = corpus_module.corpus(policy_set, needed, seed)
    inputs, pool = everything[:size], everything[size:]
    if in_process:
        result["in_process"] = inprocess.run(policy_set, inputs, engines, progress)
    if http:
        with tempfile.TemporaryDirectory(prefix="pdp-bench-") as tmp:
            work = Path(tmp)
            floor = httpbench.floor(work, concurrency, seconds, progress, server_python)
            plan = httpbench.bodies(inputs, pool, concurrency, layout_runs)
            services = []
            for engine in http_engines:
                try:
                    services.append(httpbench.service(Path(policies).resolve(), work, engine, plan, seconds,
                                                      floor["runs"], progress, workers=workers, processes=processes,
                                                      python=server_python))
                except RuntimeError as exc:
                    services.append({"engine": engine, "error": str(exc)[:500]})
            # unset, the service shares the cores out among its processes (server/settings.py)
            threads = workers if workers is not None else max(1, cpus // processes)
            result["http"] = {"floor": floor, "services": services, "seconds_per_run": seconds,
                              "processes": processes, "threads_per_process": threads}
            if layout_runs:
                result["http"]["layouts"] = []
                for n, engine in enumerate(http_engines):
                    try:
                        result["http"]["layouts"] += httpbench.layouts(
                            Path(policies).resolve(), work, plan, seconds, floor["runs"], cpus, progress,
                            server_python, engine=engine, first=2 * n)
                    except RuntimeError as exc:
                        result["http"]["layouts"].append({"engine": engine, "error": str(exc)[:500]})
    result["targets"] = report.targets(result)
    result["machine"]["load_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result["seconds"] = time.perf_counter() - started
    return result


__all__ = ["run", "report"]
