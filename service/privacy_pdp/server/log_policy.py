"""The decision-log policy, as OPA has it: ``data.system.log.drop`` and ``data.system.log.mask``.

``LogPolicy`` is the ``mask`` callable handed to the decision log: given an event, it answers
the event to write (masked) or None to drop it. Both rules see the event as ``input``; mask
answers JSON pointers to erase (``"/input/subject"``) or ``{"op": "upsert"|"remove", "path",
"value"}`` objects; pointers outside ``/input`` and ``/result`` are ignored, as OPA does.
Masking changes the logged copy only, never the response.
"""

from __future__ import annotations

import copy
from typing import Any

from privacy_pdp.core.engine import EngineError
from privacy_pdp.core.outline import package_of
from privacy_pdp.server.runtime import NotReady, PolicyRuntime

DROP_PATH = "system/log/drop"
MASK_PATH = "system/log/mask"
_MASKABLE = ("input", "result")


class LogPolicy:
    def __init__(self, runtime: PolicyRuntime):
        self._runtime = runtime
        self._checked_revision: str | None = None
        self._defined = False

    def _has_rules(self) -> bool:
        """Skip two evaluations per decision when the policy set has no system.log package."""
        revision = self._runtime.revision
        if revision != self._checked_revision:
            policy_set = self._runtime.policy_set
            modules = policy_set.modules.values() if policy_set else ()
            self._defined = any(package_of(source) == "system.log" for source in modules)
            self._checked_revision = revision
        return self._defined

    async def __call__(self, event: dict[str, Any]) -> dict[str, Any] | None:
        if not self._has_rules():
            return event
        try:
            drop = await self._runtime.evaluate(DROP_PATH, event)
            if drop.evaluation.defined and drop.evaluation.value is True:
                return None
            mask = await self._runtime.evaluate(MASK_PATH, event)
        except (EngineError, NotReady) as exc:
            # A broken mask must not leak what it was meant to hide: log without input or result.
            masked = {k: v for k, v in event.items() if k not in _MASKABLE}
            masked["erased"] = [f"/{k}" for k in _MASKABLE if k in event]
            masked["mask_error"] = str(exc)
            return masked
        if not mask.evaluation.defined:
            return event
        return apply_mask(event, mask.evaluation.value)


def apply_mask(event: dict[str, Any], rules: Any) -> dict[str, Any]:
    """The event with each rule applied; ``erased``/``masked`` list the pointers used."""
    masked = copy.deepcopy(event)
    erased: list[str] = []
    upserted: list[str] = []
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, str):
            op, pointer, value = "remove", rule, None
        elif isinstance(rule, dict) and isinstance(rule.get("path"), str):
            op, pointer, value = rule.get("op", "remove"), rule["path"], rule.get("value")
        else:
            continue
        parts = pointer.split("/")[1:] if pointer.startswith("/") else []
        if not parts or parts[0] not in _MASKABLE:
            continue
        if op == "remove" and _remove(masked, parts):
            erased.append(pointer)
        elif op == "upsert" and _upsert(masked, parts, value):
            upserted.append(pointer)
    if erased:
        masked["erased"] = sorted(set(erased))
    if upserted:
        masked["masked"] = sorted(set(upserted))
    return masked


def _remove(document: dict[str, Any], parts: list[str]) -> bool:
    parent: Any = document
    for part in parts[:-1]:
        parent = _child(parent, part)
        if parent is None:
            return False
    last = parts[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        del parent[int(last)]
        return True
    return False


def _upsert(document: dict[str, Any], parts: list[str], value: Any) -> bool:
    parent: Any = document
    for part in parts[:-1]:
        child = _child(parent, part)
        if child is None and isinstance(parent, dict):
            child = parent[part] = {}
        if child is None:
            return False
        parent = child
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
        return True
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        parent[int(last)] = value
        return True
    return False


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part) if isinstance(node.get(part), (dict, list)) else None
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        child = node[int(part)]
        return child if isinstance(child, (dict, list)) else None
    return None
