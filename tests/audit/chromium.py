"""Headless Chromium (Debian's package) for the report tests: the DOM after scripts ran,
and a screenshot."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BINARIES = ("chromium", "chromium-browser", "/usr/bin/chromium")


def chromium_binary() -> str:
    for name in BINARIES:
        found = shutil.which(name) or (name if os.access(name, os.X_OK) else None)
        if found:
            return found
    raise RuntimeError("chromium is not installed (make test installs the Debian package with apt-get)")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # A profile of our own: other sessions on the machine may run Chromium too.
    with tempfile.TemporaryDirectory(prefix="audit-chromium-") as profile:
        return subprocess.run(
            [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--disable-extensions", "--allow-file-access-from-files",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=180,
        )


def dump_dom(page: Path) -> str:
    result = _run("--virtual-time-budget=2000", "--dump-dom", page.resolve().as_uri())
    if result.returncode != 0 or "<html" not in result.stdout:
        raise RuntimeError(f"chromium --dump-dom failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def screenshot(page: Path, target: Path, width: int = 1366, height: int = 2400) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    result = _run(f"--screenshot={target.resolve()}", f"--window-size={width},{height}", page.resolve().as_uri())
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(f"chromium --screenshot failed ({result.returncode}): {result.stderr[-2000:]}")
    return target
