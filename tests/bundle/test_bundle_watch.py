"""Keeping a bundle current: a watched file, a polled server (ETag, 304, errors), refusals
that keep the last good bundle, persistence across a restart, and the state reported."""

from __future__ import annotations

import hashlib
import http.server
import logging
import random
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest

from privacy_pdp.bundle.build import build_bundle
from privacy_pdp.bundle.fetch import FileSource, HttpSource, backoff, open_source
from privacy_pdp.bundle.keys import KeyRing
from privacy_pdp.bundle.status import ZERO_TIME, now
from privacy_pdp.bundle.watch import BundleWatcher

from bundle.conftest import POLICIES
from bundle.support import Activations, publish


def test_a_watched_file_is_activated_once_per_change(revisions, keydir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bundle.tar.gz"
    publish(path, revisions["r1"])
    activate = Activations()
    watcher = BundleWatcher("privacy", FileSource(path), activate, KeyRing(keydir / "signer.pem"))
    assert not watcher.ready
    assert watcher.poll_once() and watcher.poll_once()
    assert activate.revisions == ["r1"] and watcher.ready
    publish(path, revisions["r2"])
    watcher.poll_once()
    status = watcher.status()
    assert activate.revisions == ["r1", "r2"]
    assert status.active_revision == "r2" and status.signed_by == "signer" and status.code == ""
    assert status.sha256 == hashlib.sha256(revisions["r2"]).hexdigest()


def test_a_tampered_bundle_is_refused_and_the_last_good_one_keeps_serving(revisions, keydir: Path, tmp_path: Path, caplog) -> None:
    path = tmp_path / "bundle.tar.gz"
    publish(path, revisions["r1"])
    activate = Activations()
    watcher = BundleWatcher("privacy", FileSource(path), activate, KeyRing(keydir / "signer.pem"))
    watcher.poll_once()
    publish(path, revisions["tampered"])
    with caplog.at_level(logging.INFO, logger="privacy_pdp.bundle"):
        assert watcher.poll_once()  # the source answered; the bundle was refused
        watcher.poll_once()  # the same refusal again: fetched again, logged at debug only
    status = watcher.status()
    assert activate.revisions == ["r1"] and status.active_revision == "r1"
    assert status.code == "bundle_error" and status.stage == "verify" and status.refused == 2
    assert any("privacy/decision.rego: digest mismatch" in e for e in status.errors)
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].levelno == logging.ERROR
    assert "at the verify stage" in refusals[0].getMessage() and "still serving revision r1" in refusals[0].getMessage()
    publish(path, revisions["r3"])
    watcher.poll_once()
    assert watcher.status().active_revision == "r3" and watcher.status().code == ""


def test_an_unsigned_bundle_is_refused_when_a_key_is_configured(revisions, keydir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bundle.tar.gz"
    publish(path, build_bundle(POLICIES).archive)
    watcher = BundleWatcher("privacy", FileSource(path), Activations(), KeyRing(keydir / "signer.pem"))
    watcher.poll_once()
    assert not watcher.ready and "missing .signatures.json" in watcher.status().message


def test_a_bundle_that_does_not_compile_is_refused_at_the_compile_stage(policy_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "bundle.tar.gz"
    publish(path, build_bundle(policy_copy, revision="good").archive)
    activate = Activations(compile_with_regopy=True)
    watcher = BundleWatcher("privacy", FileSource(path), activate)
    watcher.poll_once()
    (policy_copy / "privacy/broken.rego").write_text("package privacy.broken\n\nx := {\n")
    publish(path, build_bundle(policy_copy, revision="broken").archive)
    watcher.poll_once()
    status = watcher.status()
    assert status.active_revision == "good" and status.stage == "compile" and "broken.rego" in status.message
    assert activate.revisions == ["good"]


def test_garbage_is_refused_at_the_parse_stage(revisions, tmp_path: Path) -> None:
    path = tmp_path / "bundle.tar.gz"
    publish(path, revisions["r1"])
    watcher = BundleWatcher("privacy", FileSource(path), Activations(), None)
    watcher.poll_once()  # signed, but no key configured: refused, as OPA does
    assert watcher.status().stage == "verify" and not watcher.ready
    publish(path, b"<html>not a bundle</html>")
    watcher.poll_once()
    assert watcher.status().stage == "parse" and "not a gzip file" in watcher.status().message


def test_a_missing_file_is_a_download_error(tmp_path: Path) -> None:
    watcher = BundleWatcher("privacy", open_source(str(tmp_path / "absent.tar.gz")), Activations())
    assert not watcher.poll_once()
    assert watcher.status().stage == "download" and "No such file" in watcher.status().message


# --- a bundle server --------------------------------------------------------------------


class BundleServer:
    """A small HTTP bundle server with strong ETags, If-None-Match and a failure switch."""

    def __init__(self) -> None:
        self.bundle = b""
        self.fail_with: int | None = None
        self.requests: list[tuple[str, int]] = []  # (If-None-Match, status)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                etag = f'"{hashlib.sha256(server.bundle).hexdigest()[:20]}"'
                sent = self.headers.get("If-None-Match", "")
                status = server.fail_with or (304 if sent == etag else 200)
                server.requests.append((sent, status))
                self.send_response(status)
                if status == 200:
                    self.send_header("ETag", etag)
                    self.send_header("Content-Type", "application/gzip")
                    self.send_header("Content-Length", str(len(server.bundle)))
                    self.end_headers()
                    self.wfile.write(server.bundle)
                else:
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/bundles/privacy.tar.gz"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def bundle_server() -> Iterator[BundleServer]:
    server = BundleServer()
    yield server
    server.stop()


def test_polling_uses_etags_and_304(revisions, keydir: Path, bundle_server: BundleServer) -> None:
    bundle_server.bundle = revisions["r1"]
    activate = Activations()
    watcher = BundleWatcher("privacy", HttpSource(bundle_server.url), activate, KeyRing(keydir / "signer.pem"))
    watcher.poll_once()
    watcher.poll_once()
    assert [s for _, s in bundle_server.requests] == [200, 304]
    assert bundle_server.requests[1][0] == watcher.status().etag != ""
    bundle_server.bundle = revisions["r2"]
    watcher.poll_once()
    assert activate.revisions == ["r1", "r2"] and [s for _, s in bundle_server.requests][-1] == 200


def test_server_errors_keep_the_last_good_bundle_and_back_off(revisions, keydir: Path, bundle_server: BundleServer) -> None:
    bundle_server.bundle = revisions["r1"]
    watcher = BundleWatcher("privacy", HttpSource(bundle_server.url), Activations(), KeyRing(keydir / "signer.pem"),
                            min_delay=5, max_delay=10, rng=random.Random(1))
    assert watcher.poll_once()
    bundle_server.fail_with = 503
    assert not watcher.poll_once()
    status = watcher.status()
    assert status.active_revision == "r1" and status.http_code == 503 and "server replied with 503" in status.message
    delays = [watcher.next_delay(False) for _ in range(12)]
    # growing by 1.6 with +-20 % jitter until the cap (max_delay, jittered too)
    assert delays[0] < 0.2 and delays[:8] == sorted(delays[:8]) and 8 <= max(delays) <= 10 * 1.2
    assert bundle_server.requests[-1][0] != ""  # the ETag was sent...
    watcher.poll_once()
    assert bundle_server.requests[-1][0] == ""  # ...and cleared by the error status, as OPA does
    bundle_server.fail_with = None
    assert watcher.poll_once() and watcher.status().code == ""
    assert 5 <= watcher.next_delay(True) <= 10


def test_the_last_good_bundle_survives_a_restart_while_the_server_is_down(revisions, keydir: Path, tmp_path: Path) -> None:
    server = BundleServer()
    server.bundle = revisions["r2"]
    first = BundleWatcher("privacy", HttpSource(server.url), Activations(), KeyRing(keydir / "signer.pem"),
                          persist_dir=tmp_path / "var")
    first.poll_once()
    assert (tmp_path / "var/privacy/bundle.tar.gz").read_bytes() == revisions["r2"]
    server.stop()
    activate = Activations()
    second = BundleWatcher("privacy", HttpSource(server.url, timeout=2), activate, KeyRing(keydir / "signer.pem"),
                           persist_dir=tmp_path / "var", min_delay=30, max_delay=30)
    second.start()
    try:
        assert second.ready and activate.revisions == ["r2"]
        deadline = time.monotonic() + 10
        while second.status().stage != "download" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.status().active_revision == "r2" and second.status().stage == "download"
        assert second.staleness() is not None and second.staleness() < 60
    finally:
        second.stop()


def test_a_tampered_persisted_bundle_is_not_restored(revisions, keydir: Path, tmp_path: Path) -> None:
    (tmp_path / "var/privacy").mkdir(parents=True)
    (tmp_path / "var/privacy/bundle.tar.gz").write_bytes(revisions["tampered"])
    watcher = BundleWatcher("privacy", FileSource(tmp_path / "absent"), Activations(), KeyRing(keydir / "signer.pem"),
                            persist_dir=tmp_path / "var")
    assert not watcher.restore() and not watcher.ready and watcher.status().stage == "verify"


def test_staleness_counts_from_the_last_answer(revisions, tmp_path: Path) -> None:
    path = tmp_path / "bundle.tar.gz"
    publish(path, build_bundle(POLICIES).archive)
    watcher = BundleWatcher("privacy", FileSource(path), Activations())
    assert watcher.staleness() is None
    watcher.poll_once()
    assert watcher.staleness() < 5
    watcher._update(last_successful_request=now() - timedelta(hours=1))
    assert 3600 <= watcher.staleness() < 3700


def test_the_watcher_thread_picks_up_a_new_revision(revisions, keydir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bundle.tar.gz"
    publish(path, revisions["r1"])
    activate = Activations()
    watcher = BundleWatcher("privacy", FileSource(path), activate, KeyRing(keydir / "signer.pem"), min_delay=0.05, max_delay=0.1)
    watcher.start()
    try:
        publish(path, revisions["r2"])
        deadline = time.monotonic() + 20
        while watcher.status().active_revision != "r2" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert watcher.status().active_revision == "r2"
    finally:
        watcher.stop()
    assert activate.revisions[-1] == "r2"


def test_status_in_opas_shape(revisions, keydir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bundle.tar.gz"
    publish(path, revisions["r1"])
    watcher = BundleWatcher("authz", FileSource(path), Activations(), KeyRing(keydir / "signer.pem"))
    assert watcher.status().to_opa()["last_successful_activation"] == ZERO_TIME
    watcher.poll_once()
    opa = watcher.status().to_opa()
    assert opa["name"] == "authz" and opa["active_revision"] == "r1" and opa["type"] == "snapshot"
    assert opa["last_successful_download"].endswith("Z") and opa["last_successful_download"] != ZERO_TIME
    assert "code" not in opa
    publish(path, revisions["tampered"])
    watcher.poll_once()
    opa = watcher.status().to_opa()
    assert opa["code"] == "bundle_error" and opa["errors"]


def test_backoff_follows_opa() -> None:
    rng = random.Random(7)
    assert 0.08 <= backoff(0, 120, rng) <= 0.12
    assert backoff(50, 120, rng) <= 120 * 1.2
