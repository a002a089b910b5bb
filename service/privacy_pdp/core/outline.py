"""A module's outline as OPA's policy API shows it: package path and rule heads.

regopy exposes no AST, so this reads the source (core.regosource); it is enough for
clients that list packages and rules (e.g. opa-python-client's get_policies_info).
"""

from __future__ import annotations

from typing import Any

from privacy_pdp.core.regosource import package_name, parse_module


def package_of(source: str) -> str | None:
    return package_name(source) or None


def module_ast(source: str) -> dict[str, Any]:
    module = parse_module(source)
    path = [{"type": "var", "value": "data"}] + [{"type": "string", "value": p} for p in module.package.split(".") if p]
    return {"package": {"path": path}, "rules": [{"head": {"name": n}} for n in module.rule_names()]}
