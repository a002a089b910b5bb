"""Several server processes: each claims its own decision-log slot, settings reach them all."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from typer.testing import CliRunner

from privacy_pdp.cli import app as cli_app
from privacy_pdp.server import workers
from privacy_pdp.server.settings import Settings, SettingsError, load_settings

from conftest import POLICIES, Server

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


def test_a_policy_set_that_does_not_compile_stops_the_server_with_the_error(tmp_path: Path) -> None:
    # uvicorn restarts a worker that dies: without the parent's check the workers would
    # crash and restart for ever
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    (policies / "broken.rego").write_text("package broken\n\nx := \n")
    done = subprocess.run(
        [sys.executable, "-m", "privacy_pdp", "serve", "--port", "1", "--policies", str(policies)],
        env={**os.environ, "PDP_PROCESSES": "2", "PDP_DECISION_LOG_DIR": str(tmp_path / "log")},
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert "broken.rego:3" in done.stderr
