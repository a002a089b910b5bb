"""A module's outline as OPA's policy API shows it: package path and rule heads.

regopy exposes no AST, so this reads the source; it is enough for clients that list
packages and rules (e.g. opa-python-client's get_policies_info).
"""

from __future__ import annotations

import re
from typing import Any

_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_RULE_HEAD = re.compile(r"^(?!package\b|import\b|default\b)([a-z_][A-Za-z0-9_]*)\b", re.MULTILINE)
_DEFAULT_HEAD = re.compile(r"^default\s+([a-z_][A-Za-z0-9_]*)\b", re.MULTILINE)


def package_of(source: str) -> str | None:
    match = _PACKAGE.search(source)
    return match.group(1) if match else None


def module_ast(source: str) -> dict[str, Any]:
    package = package_of(source) or ""
    path = [{"type": "var", "value": "data"}] + [{"type": "string", "value": p} for p in package.split(".") if p]
    names = [m.group(1) for m in _RULE_HEAD.finditer(source)] + [m.group(1) for m in _DEFAULT_HEAD.finditer(source)]
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return {"package": {"path": path}, "rules": [{"head": {"name": n}} for n in seen]}
