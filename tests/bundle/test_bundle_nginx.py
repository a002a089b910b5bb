"""The bundle watcher against a real nginx: ETag and 304 as nginx sends them, a new
revision picked up, a tampered one refused with the last good one kept."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from privacy_pdp.bundle.fetch import HttpSource
from privacy_pdp.bundle.keys import KeyRing
from privacy_pdp.bundle.watch import BundleWatcher

from bundle.nginx import Nginx
from bundle.support import Activations


@pytest.fixture()
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    server = Nginx(tmp_path / "nginx")
    yield server
    server.stop()


def test_a_watcher_polls_nginx_with_etags(nginx: Nginx, revisions, keydir: Path) -> None:
    url = nginx.publish("privacy.tar.gz", revisions["r1"])
    activate = Activations()
    watcher = BundleWatcher("privacy", HttpSource(url), activate, KeyRing(keydir / "signer.pem"))
    watcher.poll_once()
    first_etag = watcher.status().etag
    watcher.poll_once()
    assert first_etag.startswith('"') and nginx.access_statuses(at_least=2) == [200, 304]
    nginx.publish("privacy.tar.gz", revisions["r2"])
    watcher.poll_once()
    assert activate.revisions == ["r1", "r2"] and watcher.status().etag != first_etag
    nginx.publish("privacy.tar.gz", revisions["tampered"])
    watcher.poll_once()
    status = watcher.status()
    assert status.active_revision == "r2" and status.stage == "verify" and activate.revisions == ["r1", "r2"]
    assert nginx.access_statuses(at_least=4) == [200, 304, 200, 200]
