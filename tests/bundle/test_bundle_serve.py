"""The service serving a bundle (in process): not ready until a verified bundle is active,
signatures mandatory with a key, the revision in provenance, status and the decision log,
fail closed when the bundle is too stale, and a restart served from the persisted bundle."""

from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from fastapi.testclient import TestClient

from privacy_pdp.bundle.build import build_bundle
from privacy_pdp.server.app import create_app
from privacy_pdp.server.settings import Settings

from bundle.conftest import POLICIES
from ports import free_port
from bundle.support import publish
from server.doubles import MemoryDecisionLog

SELL = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "essential.service",
        "recipient": {"kind": "third_party"}, "action": "sell"}
SERVICE = {"company": "kallu", "data_categories": ["user.contact.email"], "data_use": "essential.service",
           "recipient": {"kind": "first_party"}}


@contextmanager
def serving(**settings: Any) -> Iterator[tuple[TestClient, MemoryDecisionLog]]:
    log = MemoryDecisionLog()
    options = {"workers": 1, "decision_log_enabled": False, "bundle_poll_min_seconds": 0.05,
               "bundle_poll_max_seconds": 0.1, **settings}
    with TestClient(create_app(Settings(**options), decision_log=log)) as client:
        yield client, log


def eventually(check: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def bundle_status(client: TestClient) -> dict[str, Any]:
    return client.get("/v1/status").json()["result"]["bundles"]["privacy"]


def test_not_ready_until_a_verified_bundle_is_active(revisions, keydir: Path, tmp_path: Path) -> None:
    path = tmp_path / "privacy.tar.gz"
    with serving(bundle_path=path, bundle_verification_key=keydir / "signer.pem") as (client, log):
        assert client.get("/health/ready").status_code == 500
        assert client.get("/health?bundles").status_code == 500
        closed = client.post("/v1/data/privacy/decision", json={"input": SELL}).json()["result"]
        assert closed["allow"] is False and closed["reasons"][0]["code"] == "no_active_policy"
        publish(path, build_bundle(POLICIES, revision="unsigned").archive)
        assert eventually(lambda: bundle_status(client).get("stage") == "verify")
        assert client.get("/health/ready").status_code == 500  # unsigned: refused, still not ready
        closed = client.post("/v1/data/privacy/decision", json={"input": SELL}).json()["result"]
        assert closed["allow"] is False and closed["reasons"][0]["code"] == "no_active_policy"
        publish(path, revisions["r1"])
        assert eventually(lambda: client.get("/health/ready").status_code == 200)
        answer = client.post("/v1/data/privacy/decision", params={"provenance": "true"}, json={"input": SELL}).json()
        assert answer["result"]["allow"] is False
        assert answer["provenance"]["bundles"] == {"privacy": {"revision": "r1"}}
        assert log.by_id(answer["decision_id"])["bundles"] == {"privacy": {"revision": "r1"}}
        status = bundle_status(client)
        assert status["active_revision"] == "r1" and status["signed_by"] == "signer" and "code" not in status
        publish(path, revisions["tampered"])
        assert eventually(lambda: bundle_status(client).get("code") == "bundle_error")
        assert bundle_status(client)["active_revision"] == "r1"
        assert client.get("/health/ready").status_code == 200  # the last good revision keeps serving
        publish(path, revisions["r2"])
        assert eventually(lambda: bundle_status(client)["active_revision"] == "r2")
        answer = client.post("/v1/data/privacy/decision", params={"provenance": "true"}, json={"input": SELL}).json()
        assert answer["provenance"]["bundles"]["privacy"]["revision"] == "r2"


def test_a_stale_bundle_fails_closed_citing_the_clause(revisions, tmp_path: Path) -> None:
    path = tmp_path / "privacy.tar.gz"
    publish(path, build_bundle(POLICIES, revision="fresh").archive)
    with serving(bundle_path=path, bundle_max_staleness_seconds=1.0) as (client, log):
        assert eventually(lambda: client.get("/health/ready").status_code == 200)
        # compiling counts towards the age of the first download; the next poll renews it
        assert eventually(lambda: "stale" not in bundle_status(client))
        first, fresh = (client.post("/v1/data/privacy/decision", json={"input": SERVICE}).json() for _ in range(2))
        assert log.key_of(first["decision_id"]) is None  # seen once: masked as it is
        assert fresh["result"]["allow"] is True and log.key_of(fresh["decision_id"]) is not None  # seen before
        path.unlink()  # the source stops answering
        assert eventually(lambda: bundle_status(client).get("stale") is True)
        answer = client.post("/v1/data/privacy/decision", json={"input": SERVICE}).json()
        assert answer["result"]["allow"] is False
        [reason] = answer["result"]["reasons"]
        assert reason["clause"] == "privacy.fail_closed" and reason["code"] == "policy_stale"
        part = client.post("/v1/data/privacy/decision/allow", json={"input": SERVICE}).json()
        assert part["result"] is False  # a part of the decision is the stale deny's part
        batch = client.post("/v1/batch/data/privacy/decision", json={"inputs": {"a": SERVICE}}).json()
        assert batch["responses"]["a"]["result"]["reasons"][0]["code"] == "policy_stale"
        assert "revision fresh" in reason["message"]
        assert log.by_id(answer["decision_id"])["result"]["allow"] is False  # the log says what was answered
        assert log.key_of(answer["decision_id"]) is None  # not the cached result: not logged from its parts
        assert client.post("/", json=SERVICE).json()["allow"] is False  # the default decision too
        assert client.get("/v1/data/privacy/clauses").json()["result"]  # other documents are still served
        publish(path, build_bundle(POLICIES, revision="fresh").archive)
        assert eventually(lambda: "stale" not in bundle_status(client))
        assert client.post("/v1/data/privacy/decision", json={"input": SERVICE}).json()["result"]["allow"] is True


def test_a_restart_while_the_bundle_server_is_down_serves_the_persisted_bundle(revisions, keydir: Path, tmp_path: Path) -> None:
    persisted = tmp_path / "var/bundles/privacy"
    persisted.mkdir(parents=True)
    (persisted / "bundle.tar.gz").write_bytes(revisions["r2"])
    down = f"http://127.0.0.1:{free_port()}/bundles/privacy.tar.gz"  # nothing listens there
    with serving(bundle_url=down, bundle_verification_key=keydir / "signer.pem",
                 bundle_persist_dir=tmp_path / "var/bundles") as (client, _):
        assert client.get("/health/ready").status_code == 200
        assert bundle_status(client)["active_revision"] == "r2"
        assert eventually(lambda: bundle_status(client).get("stage") == "download")
        assert client.post("/v1/data/privacy/decision", json={"input": SELL}).json()["result"]["allow"] is False


AUTH = {"Authorization": "Bearer t0ken"}


@contextmanager
def serving_r1_with_writes(revisions: dict[str, bytes], keydir: Path, path: Path) -> Iterator[TestClient]:
    """Serving bundle r1 from path, Policy API writes on (token t0ken)."""
    publish(path, revisions["r1"])
    with serving(bundle_path=path, bundle_verification_key=keydir / "signer.pem", policy_api_writes=True,
                 policy_api_token="t0ken") as (client, _):
        assert eventually(lambda: bundle_status(client).get("active_revision") == "r1")
        yield client


def test_policy_api_writes_keep_off_the_bundles_roots_and_outlive_the_next_bundle(revisions, keydir: Path,
                                                                                  tmp_path: Path) -> None:
    path, auth = tmp_path / "privacy.tar.gz", AUTH
    with serving_r1_with_writes(revisions, keydir, path) as client:
        owned = client.put("/v1/policies/mine.rego", content="package privacy.mine\n\nx := 1\n", headers=auth)
        assert owned.status_code == 400
        assert owned.json() == {"code": "invalid_parameter", "message": 'path privacy/mine is owned by bundle "privacy"'}
        ids = [policy["id"] for policy in client.get("/v1/policies").json()["result"]]
        module = next(name for name in ids if name.endswith("decision.rego"))
        assert client.delete(f"/v1/policies/{module}", headers=auth).status_code == 400
        assert client.put(f"/v1/policies/{module}", content="package elsewhere\n\nx := 1\n", headers=auth).status_code == 400
        assert client.put("/v1/policies/extra.rego", content="package extra\n\nanswer := 42\n", headers=auth).status_code == 200
        assert client.get("/v1/data/extra/answer").json()["result"] == 42
        publish(path, revisions["r2"])
        assert eventually(lambda: bundle_status(client).get("active_revision") == "r2")
        assert client.get("/v1/data/extra/answer").json()["result"] == 42  # not lost to the new bundle
        assert client.post("/v1/data/privacy/decision", json={"input": SELL}).json()["result"]["allow"] is False
        assert client.delete("/v1/policies/extra.rego", headers=auth).status_code == 200
        assert "result" not in client.get("/v1/data/extra/answer").json()


def test_a_policy_write_waits_for_a_bundle_activation_in_progress(revisions, keydir: Path, tmp_path: Path) -> None:
    import threading

    with serving_r1_with_writes(revisions, keydir, tmp_path / "privacy.tar.gz") as client:
        bundles = client.app.state.services.bundles
        answers: list[int] = []
        with bundles.writes:  # as the watcher holds it while it activates a bundle
            writer = threading.Thread(target=lambda: answers.append(
                client.put("/v1/policies/extra.rego", content="package extra\n\nanswer := 42\n", headers=AUTH).status_code))
            writer.start()
            writer.join(0.5)
            assert writer.is_alive() and not answers  # the write waits its turn
        writer.join(30)
        assert answers == [200] and bundles.api_modules == {"extra.rego": "package extra\n\nanswer := 42\n"}
        assert client.get("/v1/data/extra/answer").json()["result"] == 42


def test_a_bundle_the_engine_would_abort_on_is_refused_and_the_last_good_serves(tmp_path: Path) -> None:
    from server.test_compile_apart import ABORTS

    aborting = tmp_path / "aborting"
    shutil.copytree(POLICIES, aborting)
    for name, source in ABORTS.items():
        (aborting / name).parent.mkdir(parents=True, exist_ok=True)
        (aborting / name).write_text(source)
    path = tmp_path / "privacy.tar.gz"
    publish(path, build_bundle(POLICIES, revision="good").archive)
    with serving(bundle_path=path) as (client, _):
        assert eventually(lambda: client.get("/health/ready").status_code == 200)
        publish(path, build_bundle(aborting, revision="aborts").archive)
        assert eventually(lambda: bundle_status(client).get("code") == "bundle_error")
        status = bundle_status(client)
        assert status["active_revision"] == "good" and "SIGABRT" in str(status), status
        assert client.post("/v1/data/privacy/decision", json={"input": SELL}).json()["result"]["allow"] is False
