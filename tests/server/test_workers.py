"""Several server processes: each claims its own decision-log slot, settings reach them all."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from typer.testing import CliRunner

from privacy_pdp.cli import app as cli_app
from privacy_pdp.server import compile_apart, settings as settings_module, workers
from privacy_pdp.server.metrics import MULTIPROCESS_DIR_VARIABLE
from privacy_pdp.server.settings import Settings, SettingsError, load_settings

from conftest import POLICIES, Server
from ports import free_port
from server.test_metrics import samples

DENY = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party", "name": "Mailer Ltd"}}


def test_each_claim_takes_the_lowest_free_slot(tmp_path: Path) -> None:
    first = workers.claim_slot(tmp_path, 3)
    second = workers.claim_slot(tmp_path, 3)
    assert (first.name, second.name) == ("worker-0", "worker-1")
    workers.claim_slot(tmp_path, 3)
    with pytest.raises(RuntimeError, match="no free decision-log slot"):
        workers.claim_slot(tmp_path, 3)


def test_a_worker_logs_in_its_slot_and_without_a_log_claims_nothing(tmp_path: Path) -> None:
    settings = Settings(decision_log_dir=tmp_path / "log", processes=2)
    assert workers.worker_settings(settings).decision_log_dir.parent == tmp_path / "log"
    quiet = Settings(decision_log_dir=tmp_path / "quiet", processes=2, decision_log_enabled=False)
    assert workers.worker_settings(quiet) is quiet and not (tmp_path / "quiet").exists()


def test_policy_writes_need_a_single_process() -> None:
    with pytest.raises(SettingsError, match="PDP_PROCESSES=1"):
        load_settings(processes=2, policy_api_writes=True, policy_api_token="t")


def test_two_processes_answer_and_log_every_decision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log_dir = tmp_path / "log"
    monkeypatch.setenv("PDP_PROCESSES", "2")
    monkeypatch.setenv("PDP_WORKERS", "1")
    server = Server(POLICIES, {"PDP_DECISION_LOG_DIR": str(log_dir)})
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            ids = {client.post("/v1/data/privacy/decision", json={"input": DENY}).json()["decision_id"] for _ in range(20)}
    finally:
        server.stop()
    assert len(ids) == 20
    slots = sorted(p.name for p in log_dir.iterdir() if p.is_dir())
    assert slots == ["worker-0", "worker-1"]
    logged = {json.loads(line)["decision_id"] for segment in log_dir.glob("worker-*/*.jsonl")
              for line in segment.read_text().splitlines() if line.strip()}
    assert logged == ids
    verified = CliRunner().invoke(cli_app, ["logs", "verify", str(log_dir)])
    assert verified.exit_code == 0, verified.output
    assert "worker-0:" in verified.output and "worker-1:" in verified.output
    assert sum(int(line.split()[1]) for line in verified.output.splitlines() if line.startswith("OK ")) == 20


def test_each_worker_writes_the_services_own_log_lines_with_time_level_and_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_PROCESSES", "2")
    server = Server(POLICIES, {"PDP_DECISION_LOG_DIR": str(tmp_path / "log"),
                               "PDP_DECISION_LOG_UPLOAD_URL": f"http://127.0.0.1:{free_port()}/logs"})  # nobody there
    try:
        httpx.post(f"{server.url}/v1/data/privacy/decision", json={"input": DENY}, timeout=30)
        deadline = time.monotonic() + 30
        while "upload failed" not in server.read_output() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.stop()
    line = next(x for x in server.read_output().splitlines() if "upload failed" in x)
    assert re.match(r"\d{4}-\d\d-\d\d [\d:,]+ WARNING privacy_pdp\.server\.decision_log\.upload \[\d+\]: ", line), line


def test_metrics_add_up_every_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_PROCESSES", "2")
    server = Server(POLICIES, {"PDP_DECISION_LOG_DIR": str(tmp_path / "log")})
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            answered_by = set()
            seen = set()  # (process, input): each is one cache miss in that process
            for n in range(40):  # new connections: the kernel shares them between the processes
                with httpx.Client(base_url=server.url, timeout=30) as fresh:
                    fresh.post("/v1/data/privacy/decision", json={"input": {**DENY, "subject": {"age": 20 + n % 4}}})
                    process = fresh.get("/v1/config").json()["result"]["labels"]["id"]  # the same connection
                    answered_by.add(process)
                    seen.add((process, n % 4))
            assert len(answered_by) == 2, "one process took every connection"
            deadline = time.monotonic() + 10
            while True:  # each process publishes its state every second
                found = samples(client.get("/metrics").text)
                total = {name: sum(s.value for s in found.get(name, [])) for name in (
                    "pdp_decisions_total", "pdp_decision_cache_misses_total", "pdp_decision_cache_hits_total",
                    "pdp_decision_log_written_total", "pdp_policy_activations_total", "pdp_ready")}
                if total["pdp_decision_log_written_total"] == 40 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
    finally:
        server.stop()
    assert total["pdp_decisions_total"] == 40
    assert total["pdp_decision_cache_misses_total"] + total["pdp_decision_cache_hits_total"] >= 40
    # four inputs, each seen by one process or both: a miss where it is new (its decision-log
    # mask is worked out beside the decision and cached, so the log's lookup is a hit)
    assert total["pdp_decision_cache_misses_total"] == len(seen)
    assert total["pdp_decision_log_written_total"] == 40
    assert total["pdp_policy_activations_total"] == 2  # one each
    assert total["pdp_ready"] == 1  # every live process is ready
    requests = [s for s in found["pdp_http_requests_total"] if s.labels["handler"] == "v1/config"]
    assert sum(s.value for s in requests) == 40
    revisions = found["pdp_policy_revision_info"]
    assert len(revisions) == 1 and revisions[0].value == 1 and revisions[0].labels["revision"]


# One server process of several, in a child interpreter: prometheus-client picks its
# multiprocess mode when it is imported, from the environment.
SHARED_METRICS = """
import json, sys
from fastapi.testclient import TestClient
from privacy_pdp.core.policyset import PolicySet, load_directory
from privacy_pdp.server.app import create_app
from privacy_pdp.server.settings import Settings

policies = load_directory(sys.argv[1])
app = create_app(Settings(policies=sys.argv[1], processes=2, workers=1, decision_log_enabled=False))
with TestClient(app) as client:
    before = client.get("/metrics").text
    app.state.services.runtime.activate(PolicySet(policies.modules, policies.data, "next-revision"))
    after = client.get("/metrics").text
print(json.dumps([policies.revision, before, after]))
"""


def test_shared_metrics_name_only_the_revision_served(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SHARED_METRICS, str(POLICIES)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, MULTIPROCESS_DIR_VARIABLE: str(tmp_path)})
    assert done.returncode == 0, done.stderr
    first, before, after = json.loads(done.stdout.splitlines()[-1])
    assert any(tmp_path.glob("*.db")), "the metrics were not kept in the shared directory"
    revisions = [{s.labels["revision"]: s.value for s in samples(text)["pdp_policy_revision_info"]}
                 for text in (before, after)]
    assert revisions == [{first: 1}, {"next-revision": 1}]
    assert sum(s.value for s in samples(after)["pdp_policy_activations_total"]) == 2


def test_workers_stop_with_a_parent_killed_outright(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log_dir = tmp_path / "log"
    monkeypatch.setenv("PDP_PROCESSES", "2")
    server = Server(POLICIES, {"PDP_DECISION_LOG_DIR": str(log_dir)})
    try:
        decided = httpx.post(f"{server.url}/v1/data/privacy/decision", json={"input": DENY}, timeout=30).json()
        server.process.kill()  # SIGKILL: the parent can do nothing for its workers
        server.process.wait(timeout=10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # orphans would go on answering on the port
            try:
                httpx.get(f"{server.url}/health", timeout=1)
            except httpx.HTTPError:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the workers outlived their parent")
        # the next run removes the metrics directory the killed parent could not
        orphaned = workers.remove_orphaned_metrics(Path(tempfile.gettempdir()))
        assert [d.name.split("-")[3] for d in orphaned].count(str(server.process.pid)) == 1
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while not any(log_dir.glob("worker-*/*.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.1)
    logged = [json.loads(line)["decision_id"] for segment in log_dir.glob("worker-*/*.jsonl")
              for line in segment.read_text().splitlines() if line.strip()]
    assert logged == [decided["decision_id"]]  # a clean shutdown: the worker flushed its log


def test_evaluation_threads_share_out_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module, "_cpu_count", lambda: 4)
    assert load_settings(processes=1).workers == 4
    assert load_settings(processes=2).workers == 2
    assert load_settings(processes=8).workers == 1
    assert load_settings(processes=2, workers=3).workers == 3
    monkeypatch.setenv("PDP_PROCESSES", "4")
    assert load_settings().workers == 1


def test_processes_default_to_one_per_core_and_to_one_when_the_policy_can_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module, "_cpu_count", lambda: 2)
    assert (load_settings().processes, load_settings().workers) == (2, 1)
    assert load_settings(policy_api_writes=True, policy_api_token="t").processes == 1
    assert (load_settings(bundle_url="http://127.0.0.1:1/b.tar.gz").processes,
            load_settings(bundle_url="http://127.0.0.1:1/b.tar.gz").workers) == (1, 2)
    assert load_settings(bundle_path=tmp_path / "b.tar.gz").processes == 1
    assert load_settings(bundle_path=tmp_path / "b.tar.gz", processes=2).processes == 2  # said, it wins
    monkeypatch.setenv("PDP_POLICY_API_WRITES", "false")
    assert load_settings().processes == 2
    monkeypatch.setattr(settings_module, "_cpu_count", lambda: 64)
    assert load_settings().processes == settings_module.MOST_PROCESSES_BY_DEFAULT
    assert load_settings().workers == 64 // settings_module.MOST_PROCESSES_BY_DEFAULT
    assert load_settings(processes=1).processes == 1  # said, it wins


def serve_briefly(policies: Path, log_dir: Path, processes: str = "2") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "privacy_pdp", "serve", "--port", str(free_port()), "--policies", str(policies)],
        env={**os.environ, "PDP_PROCESSES": processes, "PDP_DECISION_LOG_DIR": str(log_dir)},
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_policy_set_that_does_not_compile_stops_the_server_with_the_error(tmp_path: Path, processes: str) -> None:
    # with several processes: each worker says why in a line, and the server stops (uvicorn
    # would start them again for ever)
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    (policies / "broken.rego").write_text("package broken\n\nx := \n")
    done = serve_briefly(policies, tmp_path / "log", processes)
    assert done.returncode == 2
    assert "error: broken.rego:3:3: Invalid assignment operator" in done.stderr  # the same words either way
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_policy_file_that_is_not_utf8_stops_the_start_with_its_place(tmp_path: Path, processes: str) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    (policies / "latin1.rego").write_bytes(b'package latin1\n\nx := "caf\xe9"\n')
    done = serve_briefly(policies, tmp_path / "log", processes)
    assert done.returncode == 2
    assert "latin1.rego:3:10: not UTF-8 text (byte 0xe9)" in done.stderr
    assert "Traceback" not in done.stderr


def test_several_processes_serve_what_one_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # rego-cpp takes this module and OPA's type checker refuses it: a directory is compiled by
    # the serving engine alone, so the start-up check does not stop two processes one serves
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    (policies / "odd.rego").write_text("package odd\n\nimport rego.v1\n\nouch := count(5)\n")
    monkeypatch.setenv("PDP_PROCESSES", "2")
    server = Server(policies, {"PDP_DECISION_LOG_DIR": str(tmp_path / "log")})
    try:
        _wait_for_the_check(server.process.pid)
        time.sleep(1)  # a failed check stops the workers at once
        assert server.process.poll() is None, server.read_output()
        answer = httpx.post(f"{server.url}/v1/data/privacy/decision", json={"input": DENY}, timeout=30)
        assert answer.status_code == 200 and answer.json()["result"]["allow"] is False
    finally:
        server.stop()


def test_a_worker_that_cannot_start_again_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    monkeypatch.setenv("PDP_PROCESSES", "2")
    server = Server(policies, {"PDP_DECISION_LOG_DIR": str(tmp_path / "log")})
    try:
        _wait_for_the_check(server.process.pid)
        (policies / "broken.rego").write_text("package broken\n\nx := \n")  # edited while serving
        workers_now = [pid for pid in _children(server.process.pid) if b"spawn_main" in _cmdline(pid)]
        assert len(workers_now) == 2
        os.kill(workers_now[0], signal.SIGKILL)  # its replacement cannot compile the directory now
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            answer = httpx.post(f"{server.url}/v1/data/privacy/decision", json={"input": DENY}, timeout=30)
            assert answer.status_code == 200 and server.process.poll() is None
            time.sleep(0.5)
        assert "could not start" in server.read_output()  # the replacement was tried and said why
    finally:
        server.stop()


@pytest.mark.parametrize("stopping", [True, False])
def test_a_stop_signal_during_the_start_up_check_is_not_a_policy_error(monkeypatch: pytest.MonkeyPatch,
                                                                        stopping: bool) -> None:
    calls = []

    def interrupted(settings: Settings, policy_set: object) -> None:
        calls.append(1)
        raise compile_apart.CompileInterrupted("compiling the policy set was stopped (SIGTERM)")

    monkeypatch.setattr(workers, "check", interrupted)
    stop = threading.Event()
    if stopping:
        stop.set()  # the server is stopping too: nothing to say
    checking = workers._Check(load_settings(), None, stop)
    checking.run()
    assert checking.error is None
    assert len(calls) == (1 if stopping else 2)  # the compile alone was stopped: tried once more


def test_a_compile_stopped_by_an_interrupt_is_told_apart_from_an_engine_that_aborts(policies) -> None:
    outcome: list[BaseException] = []

    def compile_it() -> None:
        try:
            compile_apart.compile_apart("regopy", policies, ("privacy/decision",), niceness=10)
        except BaseException as exc:  # noqa: BLE001 - examined below
            outcome.append(exc)

    thread = threading.Thread(target=compile_it)
    thread.start()
    child = None
    deadline = time.monotonic() + 20
    while child is None and time.monotonic() < deadline:
        child = next((pid for pid in _children() if b"compile_apart" in _cmdline(pid)), None)
        time.sleep(0.005)
    assert child is not None
    os.kill(child, signal.SIGTERM)  # as a service manager stops it (its own session keeps it from the group's)
    thread.join(60)
    assert len(outcome) == 1 and isinstance(outcome[0], compile_apart.CompileInterrupted), outcome


def _wait_for_the_check(parent: int) -> None:
    """Until the serving parent's start-up check (a compile in a child) has ended."""
    deadline = time.monotonic() + 60
    while any(b"compile_apart" in _cmdline(pid) for pid in _children(parent)):
        assert time.monotonic() < deadline, "the start-up check did not end"
        time.sleep(0.1)


def _children(parent: int | None = None) -> list[int]:
    found = []
    for task in Path(f"/proc/{parent or os.getpid()}/task").iterdir():
        children = task / "children"
        if children.exists():
            found += [int(pid) for pid in children.read_text().split()]
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_a_worker_that_cannot_start_stops_the_server_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    done = serve_briefly(POLICIES, tmp_path / "a-file" / "log")  # no directory can be made there
    assert done.returncode == 2
    assert "could not start: [Errno 20] Not a directory" in done.stderr
    assert "error: a worker process could not start" in done.stderr
    assert "Traceback" not in done.stderr
    alone = serve_briefly(POLICIES, tmp_path / "a-file" / "log", processes="1")
    assert alone.returncode == 2
    assert "error: decision-log directory" in alone.stderr and "Not a directory" in alone.stderr
    assert "Traceback" not in alone.stderr


def test_only_the_metrics_of_dead_parents_are_removed(tmp_path: Path) -> None:
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead, alive = int(ended.stdout), os.getpid()
    for pid in (dead, alive):
        (tmp_path / f"{workers.METRICS_DIR_PREFIX}{pid}-abc").mkdir()
        (tmp_path / f"{workers.METRICS_DIR_PREFIX}{pid}-abc" / "counter_1.db").write_bytes(b"x")
    (tmp_path / f"{workers.METRICS_DIR_PREFIX}old-style").mkdir()  # no pid: not ours to judge
    assert workers.remove_orphaned_metrics(tmp_path) == [tmp_path / f"{workers.METRICS_DIR_PREFIX}{dead}-abc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{workers.METRICS_DIR_PREFIX}{alive}-abc", f"{workers.METRICS_DIR_PREFIX}old-style"])
