"""The direction of imports between the packages, as pyproject.toml's import-linter
contracts state it (checked by `make imports`): here, that the check holds for the package
as it is and fails when a module breaks the direction."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "service" / "privacy_pdp"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(package_parent: Path | None = None) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts, on the package found first on PYTHONPATH."""
    env = dict(os.environ)
    if package_parent is not None:
        env["PYTHONPATH"] = str(package_parent)
    return subprocess.run([str(LINT_IMPORTS), "--no-logo", "--no-cache", "--config", str(ROOT / "pyproject.toml")],
                          capture_output=True, text=True, env=env, timeout=120)


def with_module(tmp_path: Path, path: str, source: str) -> Path:
    """A copy of the package with one module added; returns the folder to put on PYTHONPATH."""
    shutil.copytree(PACKAGE, tmp_path / "privacy_pdp", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "privacy_pdp" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    for folder in target.relative_to(tmp_path).parents:
        if folder != Path(".") and not (tmp_path / folder / "__init__.py").exists():
            (tmp_path / folder / "__init__.py").write_text("")
    target.write_text(source)
    return tmp_path


def test_the_package_keeps_its_import_direction() -> None:
    result = lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("path", "source", "broken"),
    [
        ("server/probe.py", "from privacy_pdp.authoring import regotest\n", "privacy_pdp.server.probe -> privacy_pdp.authoring.regotest"),
        ("core/probe.py", "import privacy_pdp.server.app\n", "privacy_pdp.core.probe -> privacy_pdp.server.app"),
        ("authoring/probe.py", "from privacy_pdp.assurance import verify\n", "privacy_pdp.authoring.probe -> privacy_pdp.assurance.verify"),
        ("bundle/__init__.py", "from privacy_pdp.authoring import catalogue\n", "privacy_pdp.bundle -> privacy_pdp.authoring.catalogue"),
        ("assurance/probe.py", "import privacy_pdp.cli\n", "privacy_pdp.assurance.probe -> privacy_pdp.cli"),
    ],
    ids=["server-imports-authoring", "core-imports-server", "authoring-imports-assurance", "bundle-imports-authoring",
         "assurance-imports-cli"],
)
def test_a_module_against_the_direction_fails_the_check(tmp_path: Path, path: str, source: str, broken: str) -> None:
    result = lint(with_module(tmp_path, path, source))
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and broken in result.stdout, result.stdout + result.stderr
