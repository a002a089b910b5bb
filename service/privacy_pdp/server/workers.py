"""Several server processes on one port (``PDP_PROCESSES``): uvicorn's worker processes.

Why processes: a decision's Python work (HTTP, JSON, the decision-log event) holds the GIL,
and the engines' many small calls hand it back and forth, so one process with two
evaluation threads answered 907 repeated decisions/s at concurrency 16 on 2 cores where two
processes of one thread each answered 1,733/s (`make bench` measures both layouts).

Each process is a whole server: its own policy runtime, decision cache, health (``/health``
answers for the process that takes the request; ``labels.id`` names it) and decision log;
``/metrics`` answers for all of them (server/metrics.py). The decision log takes a lock on
its directory, so each process claims a slot ``<PDP_DECISION_LOG_DIR>/worker-<n>`` (the
lowest n whose claim file no live process locks) and logs there, its own hash chain; a
process that restarts takes the slot freed by the one that died and recovers its segments.
The log of the service is the union of the slots'. Settings reach the processes through
the environment (``PDP_*``), CLI options included.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.metrics import MULTIPROCESS_DIR_VARIABLE
from privacy_pdp.server.settings import ENV_PREFIX, Settings, load_settings

SLOT_PREFIX = "worker-"
_claims: list[int] = []  # claim files held open (locked) for the life of this process


def claim_slot(base: Path, limit: int) -> Path:
    """The decision-log directory of this process: the first free ``worker-<n>`` under base."""
    base.mkdir(parents=True, exist_ok=True)
    for n in range(limit):
        fd = os.open(base / f"{SLOT_PREFIX}{n}.claim", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        _claims.append(fd)
        return base / f"{SLOT_PREFIX}{n}"
    raise RuntimeError(f"no free decision-log slot under {base}: {limit} taken")


def worker_settings(settings: Settings) -> Settings:
    """The settings of one worker process: its own decision-log slot."""
    if not settings.decision_log_enabled:
        return settings
    slot = claim_slot(settings.decision_log_dir, 4 * settings.processes)  # room for restarts in flight
    return settings.model_copy(update={"decision_log_dir": slot})


class WorkerStartError(RuntimeError):
    """A worker process could not start (its reason is in the log, above)."""


FIRST_WORKERS_STARTED = "PRIVACY_PDP_FIRST_WORKERS_STARTED"  # in the parent's environment once they are


def app() -> Any:
    """uvicorn's factory in each worker process. A worker of the first start that cannot
    start exits with STARTUP_FAILURE, one line in the log, which stops the server: any other
    exit and uvicorn would start it again, for ever. A worker started later, in place of
    one that died, exits as a failure, and uvicorn tries again while the others serve: one
    worker's trouble (the policy directory edited since, a full disk) does not stop them."""
    from uvicorn.config import STARTUP_FAILURE  # a worker's exit status that stops uvicorn's supervisor

    from privacy_pdp.server.app import create_app
    from privacy_pdp.server.stderr_log import log_to_stderr

    end_with_parent()
    log_to_stderr(logging.getLogger("uvicorn.error").getEffectiveLevel())  # the level serve was given
    try:
        return create_app(worker_settings(load_settings()))
    except Exception as exc:  # noqa: BLE001 - said in one line, then the parent stops
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        logging.getLogger("uvicorn.error").error("worker process [%d] could not start: %s", os.getpid(), reason)
        sys.exit(1 if os.environ.get(FIRST_WORKERS_STARTED) else STARTUP_FAILURE)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def end_with_parent() -> None:
    """Have the kernel stop this worker (SIGTERM: a clean shutdown, its log flushed) when the
    parent dies. A parent killed outright (SIGKILL, the OOM killer) cannot stop its workers,
    and orphans would go on holding the port, so that a restart could not bind it."""
    parent = multiprocessing.parent_process()
    if parent is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return
    if os.getppid() != parent.pid:  # it died before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def export(overrides: dict[str, Any]) -> None:
    """Put settings given as options into this process's environment, for the workers."""
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"{ENV_PREFIX}{name.upper()}"] = str(value)


def read_policies(settings: Settings) -> PolicySet | None:
    """The policy directory served (None for a bundle); PolicySetError, with the file, when it
    cannot be read: said before any worker starts."""
    if settings.bundle_path is not None or settings.bundle_url is not None:
        return None
    from privacy_pdp.core.policyset import load_directory

    return load_directory(settings.policies)


def check(settings: Settings, policy_set: PolicySet | None) -> None:
    """Fail at start-up in the parent when the policy directory does not compile. A worker
    that cannot compile it stops the server itself (``app``), but one the engine ends
    outright (rego-cpp aborts on a few valid modules: ``compile_apart``) dies by a signal,
    and uvicorn would start it again for ever; this check ends that with the engine's last
    words (EngineError).

    The compile runs in a child process (``compile_apart``, as for bundles and policy writes):
    an interpreter's memory is not given back when it is dropped (about 40 MiB), the parent
    serves nothing, and an engine that aborts takes down only the child. The serving engine
    alone compiles, as one process compiles a directory: the same sets are served whatever
    the number of processes (OPA's compiler speaks first for bundles and Policy API writes)."""
    if policy_set is None:
        return
    from privacy_pdp.core.engine import DEFAULT_ENTRYPOINTS
    from privacy_pdp.server.compile_apart import compile_apart

    compile_apart(settings.engine, policy_set, DEFAULT_ENTRYPOINTS, niceness=CHECK_NICENESS, as_opa=False)


CHECK_NICENESS = 10  # the workers' own start first: the check is a safeguard that rarely fails

METRICS_DIR_PREFIX = "privacy-pdp-metrics-"


def remove_orphaned_metrics(base: Path) -> list[Path]:
    """Remove the metrics directories of runs whose parent is gone: a parent killed outright
    (SIGKILL, the OOM killer) cannot remove its own. Each is named for its parent's pid; one
    whose pid is alive (or not ours to signal) is left alone."""
    removed = []
    for directory in base.glob(f"{METRICS_DIR_PREFIX}*-*"):
        pid = directory.name[len(METRICS_DIR_PREFIX):].split("-")[0]
        if not pid.isdigit() or not directory.is_dir() or _alive(int(pid)):
            continue
        shutil.rmtree(directory, ignore_errors=True)
        removed.append(directory)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def run(settings: Settings, overrides: dict[str, Any], host: str, port: int, log_level: str,
        keep_alive_seconds: int) -> None:
    """Serve with ``settings.processes`` worker processes until stopped.

    The start-up check (``check``) runs beside the workers' own start, not before it, and
    yields the processor to them (CHECK_NICENESS): it is a compile in a child process, about
    half a second, that the workers waited for (two processes were ready after 1.9 s where
    one took 1.2 s; beside them, 1.5 s). A set that fails the check stops the workers and is
    raised here; a worker of the first start that cannot start stops them too (``app``)."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    policy_set = read_policies(settings)  # unreadable: said before anything starts
    environment = dict(os.environ)  # given back at the end (serve run in process, as by a test)
    os.environ.pop(FIRST_WORKERS_STARTED, None)
    export(overrides)
    # /metrics answers for every process: prometheus-client's multiprocess mode, in a directory
    # of this run's own (the library needs it empty at start; server/metrics.py)
    remove_orphaned_metrics(Path(tempfile.gettempdir()))
    shared = tempfile.mkdtemp(prefix=f"{METRICS_DIR_PREFIX}{os.getpid()}-")
    os.environ[MULTIPROCESS_DIR_VARIABLE] = shared
    try:
        # what uvicorn.run does for workers > 1, with the supervisor in hand so that the check can stop it
        config = uvicorn.Config(f"{__name__}:app", factory=True, workers=settings.processes, host=host, port=port,
                                log_level=log_level, timeout_graceful_shutdown=10,
                                timeout_keep_alive=keep_alive_seconds, access_log=settings.access_log)
        supervisor = _supervisor_class()(config, sockets=[config.bind_socket()])
        checking = _Check(settings, policy_set, supervisor.should_exit)
        checking.start()
        try:
            supervisor.run()
        finally:
            checking.join()
        if checking.error is not None:
            raise checking.error
        if any(worker.exitcode == STARTUP_FAILURE for worker in supervisor.processes):
            raise WorkerStartError("a worker process could not start: its reason is logged above")
    finally:
        shutil.rmtree(shared, ignore_errors=True)
        os.environ.clear()
        os.environ.update(environment)


class _Check(threading.Thread):
    """``check`` in a thread; on failure keeps the error and has the supervisor stop."""

    def __init__(self, settings: Settings, policy_set: PolicySet | None, stop: threading.Event):
        super().__init__(name="policy-check", daemon=True)
        self.settings, self.policy_set, self.stop, self.error = settings, policy_set, stop, None

    def run(self) -> None:
        from privacy_pdp.server.compile_apart import CompileInterrupted

        for _ in range(2):
            try:
                check(self.settings, self.policy_set)
                return
            except CompileInterrupted:
                if self.stop.is_set():
                    return  # the server is stopping: nothing to say
                # the compile alone was stopped from outside: once more, or a set the engine
                # aborts on would have the workers started again for ever
            except Exception as exc:  # noqa: BLE001 - re-raised in the parent's main thread
                self.error = exc
                self.stop.set()
                return


def _supervisor_class() -> type:
    from uvicorn.supervisors import Multiprocess

    class Supervisor(Multiprocess):
        """uvicorn's, telling the workers it starts later that they are not the first."""

        def init_processes(self) -> None:
            super().init_processes()
            os.environ[FIRST_WORKERS_STARTED] = "1"  # in the environment of workers spawned from now on

    return Supervisor
