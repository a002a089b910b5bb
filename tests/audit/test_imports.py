"""audit imports core and bundle only (the house's arrows), and explain only core: the
server may import audit.explain without pulling in the rest."""

from __future__ import annotations

import ast
from pathlib import Path

AUDIT = Path(__file__).resolve().parents[2] / "service" / "privacy_pdp" / "audit"
ALLOWED = ("privacy_pdp.core", "privacy_pdp.bundle", "privacy_pdp.audit")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module + ("" if node.module != "privacy_pdp" else "." + ",".join(a.name for a in node.names)))
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n for n in names if n.startswith("privacy_pdp")}


def test_audit_imports_core_and_bundle_only() -> None:
    for path in sorted(AUDIT.glob("*.py")):
        for name in imported(path):
            assert name == "privacy_pdp.__version__" or name.startswith(ALLOWED), f"{path.name} imports {name}"


def test_explain_imports_core_only() -> None:
    assert {n for n in imported(AUDIT / "explain.py")} <= {"privacy_pdp.core.policyset"}
