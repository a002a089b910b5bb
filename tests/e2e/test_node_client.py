"""The npm OPA SDK (@open-policy-agent/opa 2.0.0, pinned in tests/e2e/node) run with node
against the running service: evaluate, evaluateDefault, evaluateBatch (also mixed and all
failed), health. `make test` installs node and the SDK."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import Server
from e2e.conftest import TOKEN

NODE_DIR = Path(__file__).resolve().parent / "node"


@pytest.fixture(scope="module")
def outcomes(e2e_server: Server) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (NODE_DIR / "node_modules" / "@open-policy-agent" / "opa").is_dir():
        pytest.fail("node or the npm OPA SDK is missing: `make test` installs both (see Makefile: node-deps)")
    run = subprocess.run([node, "clients.mjs", e2e_server.url, TOKEN], cwd=NODE_DIR, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def ok(outcomes: dict[str, Any], call: str) -> Any:
    outcome = outcomes[call]
    assert outcome["ok"], f"{call}: {outcome.get('error')}"
    return outcome["value"]


def test_evaluate(outcomes: dict[str, Any]) -> None:
    decision = ok(outcomes, "evaluate")
    assert decision["allow"] is False
    assert "kallu.sharing.direct_marketing" in {r["clause"] for r in decision["reasons"]}
    assert ok(outcomes, "evaluateWithoutInput")["allow"] is False
    assert ok(outcomes, "evaluateUndefined") == "<undefined>"
    assert ok(outcomes, "evaluateCatalogue") > 100


def test_evaluate_default(outcomes: dict[str, Any]) -> None:
    assert ok(outcomes, "evaluateDefault")["allow"] is True


def test_evaluate_batch(outcomes: dict[str, Any]) -> None:
    answers = ok(outcomes, "evaluateBatch")
    assert answers["deny"]["allow"] is False and answers["allow"]["allow"] is True
    assert ok(outcomes, "evaluateBatchRejectMixed")["deny"]["allow"] is False


def test_evaluate_batch_mixed_and_failed(outcomes: dict[str, Any]) -> None:
    assert ok(outcomes, "putConflict") == 200
    mixed = ok(outcomes, "evaluateBatchMixed")
    assert mixed["fine"] == 0 and mixed["broken"]["httpStatusCode"] == "500"
    assert not outcomes["evaluateBatchMixedRejected"]["ok"]  # rejectMixed: the SDK rejects
    assert not outcomes["evaluateBatchAllFailed"]["ok"]
    assert "BatchServerError" in outcomes["evaluateBatchAllFailed"]["error"]
    assert ok(outcomes, "deleteConflict") == 200


def test_health(outcomes: dict[str, Any]) -> None:
    for call in ("health", "healthBundlesPlugins", "healthExcludePlugin"):
        assert ok(outcomes, call)["healthyServer"] == {}
