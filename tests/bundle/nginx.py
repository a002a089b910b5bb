"""A real nginx (the Debian package) serving bundles from a scratch directory on loopback.

nginx answers static files with a strong ETag made of the file's mtime and size, and 304 to
a matching If-None-Match; ``publish`` therefore writes a new file and renames it into place
(as a deploy should) with an mtime never used before, so two bundles of the same size
published within a second still get different ETags.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from ports import free_port

CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    types {{ application/gzip gz; }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        etag on;
        location /bundles/ {{ add_header Cache-Control no-cache; }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)



class Nginx:
    def __init__(self, root: Path):
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (make test installs the Debian package with apt-get)")
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (root / "www/bundles").mkdir(parents=True, exist_ok=True)
        (root / "tmp").mkdir(exist_ok=True)
        conf = root / "nginx.conf"
        conf.write_text(CONFIG.format(root=root, port=self.port))
        self._mtime = int(time.time())
        self.process = subprocess.Popen([binary, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                httpx.get(self.url + "/", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start within 20 s")

    def publish(self, name: str, data: bytes) -> str:
        """Put data at /bundles/<name> atomically, with a fresh mtime; returns its URL."""
        target = self.root / "www/bundles" / name
        staged = target.with_name(f".{name}.staged")
        staged.write_bytes(data)
        self._mtime = max(self._mtime + 1, int(time.time()))
        os.utime(staged, (self._mtime, self._mtime))
        os.replace(staged, target)
        return f"{self.url}/bundles/{name}"

    def access_statuses(self, at_least: int = 0, timeout: float = 10.0) -> list[int]:
        """The status codes nginx logged for bundle requests, in order; waiting (up to timeout)
        for at least ``at_least`` of them: nginx writes a request's line after the client has
        its answer, so on a busy machine the line can come a moment later."""
        path = self.root / "access.log"
        deadline = time.monotonic() + timeout
        while True:
            lines = path.read_text().splitlines() if path.exists() else []
            statuses = [int(line.split('"')[2].split()[0]) for line in lines if '"GET /bundles/' in line]
            if len(statuses) >= at_least or time.monotonic() > deadline:
                return statuses
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
