"""Scale-out on loopback: a real nginx serves a signed bundle with ETags, three service
replicas poll it, and a load generator asks all three for decisions throughout.

A new signed revision is published: every replica reports it within the polling interval
(plus the time to verify and compile it), and not one request fails. A tampered revision
is published next: all three refuse it and keep serving the last good one, still with no
failed request.
"""

from __future__ import annotations

import importlib
import time
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest

from privacy_pdp.bundle.archive import write_archive
from privacy_pdp.bundle.build import build_bundle
from privacy_pdp.bundle.keys import load_signing_key

from bundle.conftest import POLICIES
from bundle.nginx import Nginx
from bundle.replicas import LoadGenerator, Replica

POLL_MIN, POLL_MAX = 1.0, 2.0
# Time a replica needs after downloading a revision: verify it and compile it with regopy
# (about a second alone; several on a loaded 2-core machine).
ACTIVATION_ALLOWANCE = 20.0
REPLICAS = 3
SEED_INPUTS = [case[1] for module in ("test_kallu", "test_callsapp", "test_callbridge", "test_callmatikpro")
               for case in importlib.import_module(f"seed_decisions.{module}").CASES]


@pytest.fixture()
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    server = Nginx(tmp_path / "nginx")
    yield server
    server.stop()


def wait_for(replicas: list[Replica], revision: str, since: float, timeout: float) -> dict[str, float]:
    """Seconds from `since` until each replica reported `revision` in /v1/status."""
    seen: dict[str, float] = {}
    deadline = since + timeout
    while len(seen) < len(replicas) and time.monotonic() < deadline:
        for replica in replicas:
            if replica.name not in seen and replica.revision() == revision:
                seen[replica.name] = time.monotonic() - since
        time.sleep(0.1)
    return seen


def test_three_replicas_follow_a_bundle_server(nginx: Nginx, keydir: Path, tmp_path: Path) -> None:
    key = load_signing_key(keydir / "signer.key", "RS256", "signer")
    first = build_bundle(POLICIES, revision="scale-1", signing_key=key)
    second = build_bundle(POLICIES, revision="scale-2", signing_key=key)
    tampered_files = dict(build_bundle(POLICIES, revision="scale-3", signing_key=key).files)
    tampered_files["privacy/decision.rego"] = tampered_files["privacy/decision.rego"].replace(b"allow", b"a11ow", 1)
    url = nginx.publish("privacy.tar.gz", first.archive)

    replicas = [
        Replica(f"replica-{i}", ["--bundle", url, "--verification-key", str(keydir / "signer.pem")],
                {"PDP_WORKERS": "1", "PDP_BUNDLE_POLL_MIN_SECONDS": str(POLL_MIN),
                 "PDP_BUNDLE_POLL_MAX_SECONDS": str(POLL_MAX), "PDP_BUNDLE_PERSIST_DIR": str(tmp_path / f"var-{i}"),
                 "PDP_DECISION_LOG_DIR": str(tmp_path / f"log-{i}")},
                tmp_path / f"replica-{i}.log")
        for i in range(REPLICAS)
    ]
    load = LoadGenerator(replicas, SEED_INPUTS)
    try:
        for replica in replicas:
            replica.wait_ready()
        assert {r.revision() for r in replicas} == {"scale-1"}
        load.start()
        time.sleep(2 * POLL_MAX)

        published, published_wall = time.monotonic(), time.time()
        nginx.publish("privacy.tar.gz", second.archive)
        took = wait_for(replicas, "scale-2", published, POLL_MAX + ACTIVATION_ALLOWANCE)
        assert set(took) == {r.name for r in replicas}, f"not all replicas moved to scale-2: {took}"
        for replica in replicas:  # each fetched the new revision within one polling interval
            downloaded = datetime.fromisoformat(replica.bundle_status()["last_successful_download"].replace("Z", "+00:00"))
            assert downloaded.timestamp() - published_wall <= POLL_MAX + 1.5, (replica.name, downloaded)
        time.sleep(POLL_MAX)

        nginx.publish("privacy.tar.gz", write_archive(tampered_files))
        time.sleep(3 * POLL_MAX + 2)
        for replica in replicas:
            status = replica.bundle_status()
            assert status["active_revision"] == "scale-2", replica.log()
            assert status.get("code") == "bundle_error", status
            assert "privacy/decision.rego: digest mismatch" in " ".join(status.get("errors", []) + [status.get("message", "")])
        time.sleep(1)
    finally:
        answers = load.stop()
        logs = {r.name: r.log() for r in replicas}
        for replica in replicas:
            replica.stop()

    failures = [a for a in answers if not a.ok]
    assert not failures, f"{len(failures)} of {len(answers)} requests failed; first: {failures[0]}"
    per_replica = {r.name: [a for a in answers if a.replica == r.name] for r in replicas}
    for name, seen in per_replica.items():
        revisions = [a.revision for a in seen]
        assert len(seen) > 20, f"{name} answered only {len(seen)} requests"
        assert "scale-1" in revisions and "scale-2" in revisions, name
        # never back to the old revision once the new one answered, and never the tampered one
        assert revisions.index("scale-2") > max(i for i, r in enumerate(revisions) if r == "scale-1"), name
        assert "scale-3" not in revisions, name
    for name, log in logs.items():
        assert "refused the bundle" in log and "at the verify stage" in log, f"{name}:\n{log}"
    print(f"\nscale-out: {len(answers)} decisions, 0 failed; scale-2 reported after {sorted(took.values())} s "
          f"(poll interval {POLL_MIN}-{POLL_MAX} s)")
