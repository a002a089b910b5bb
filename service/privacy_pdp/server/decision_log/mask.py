"""Masking and dropping decision-log events, as OPA's ``system.log.mask`` / ``drop``.

``system.log.drop`` true drops the event. ``system.log.mask`` is a set whose members are
JSON pointers (erase) or ``{"op": "remove"|"upsert", "path": ptr, "value": any}``; ``op``
defaults to remove. Pointers start with ``/input``, ``/result`` or ``/nd_builtin_cache``;
a bare ``/input`` erases or replaces the whole field; array indices are allowed; a path
that does not exist is ignored; an upsert creates missing objects on the way. Pointers
applied go to the event's ``erased`` / ``masked`` lists. As in OPA a segment is a plain
key, not RFC 6901 (no ``~0``/``~1``); unlike OPA, ``%XX`` in a segment is decoded, so a
policy can name a key holding "/" as ``%2F`` (OPA cannot name such keys at all).

The event is copied before it is changed: masking changes the log, never the answer.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Protocol
from urllib.parse import unquote

log = logging.getLogger(__name__)

PARTS = ("input", "result", "nd_builtin_cache")
PACKAGE_PATH = "system/log"  # data.system.log: its drop and mask rules

MaskFunction = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]


class MaskRuleError(ValueError):
    """A mask rule that is not a pointer or a {op, path, value} object OPA would take."""


@dataclass(frozen=True)
class MaskRule:
    op: str  # remove | upsert
    path: str
    segments: tuple[str, ...]
    value: Any = None


def parse_rules(value: Any) -> list[MaskRule]:
    """The rules of a mask result (a set arrives as a list); MaskRuleError on any bad one,
    as OPA rejects the whole set."""
    if not isinstance(value, list):
        raise MaskRuleError(f"mask must be a set of rules, not {type(value).__name__}")
    return [_rule(item) for item in value]


def _rule(item: Any) -> MaskRule:
    if isinstance(item, str):
        return _make("remove", item, None)
    if isinstance(item, dict):
        op = item.get("op", "remove")
        path = item.get("path")
        if not isinstance(op, str) or op not in ("remove", "upsert"):
            raise MaskRuleError(f"mask op is not supported: {op!r}")
        if not isinstance(path, str):
            raise MaskRuleError(f"invalid mask path: {path!r}")
        return _make(op, path, item.get("value"))
    raise MaskRuleError(f"invalid mask rule format: {type(item).__name__}")


def _make(op: str, path: str, value: Any) -> MaskRule:
    if not path:
        raise MaskRuleError("mask must be non-empty")
    if not path.startswith("/"):
        raise MaskRuleError(f"mask must be slash-prefixed: {path!r}")
    segments = tuple(unquote(s) for s in path[1:].split("/"))
    if segments[0] not in PARTS:
        raise MaskRuleError(f"mask prefix not allowed: {segments[0]!r}")
    return MaskRule(op, path, segments, value)


def apply_rules(event: dict[str, Any], rules: list[MaskRule]) -> dict[str, Any]:
    """A masked copy of event (the event itself is not changed)."""
    if not rules:
        return event
    masked = dict(event)
    for part in PARTS:  # deep-copy only what a rule touches
        if part in masked and any(r.segments[0] == part for r in rules):
            masked[part] = copy.deepcopy(masked[part])
    erased = list(masked.get("erased") or [])
    upserted = list(masked.get("masked") or [])
    for rule in rules:
        if _apply(masked, rule):
            (erased if rule.op == "remove" else upserted).append(rule.path)
    if erased:
        masked["erased"] = erased
    if upserted:
        masked["masked"] = upserted
    return masked


def _apply(event: dict[str, Any], rule: MaskRule) -> bool:
    part, rest = rule.segments[0], rule.segments[1:]
    if part not in event or event[part] is None:
        return False  # OPA: nothing to mask in an absent field
    if not rest:
        if rule.op == "remove":
            del event[part]
        else:
            event[part] = copy.deepcopy(rule.value)
        return True
    if rule.op == "remove":
        return _remove(event[part], rest)
    return _upsert(event[part], rest, copy.deepcopy(rule.value))


def _index(node: list[Any], key: str) -> int | None:
    if not key.isdigit():
        return None
    index = int(key)
    return index if index < len(node) else None


def _remove(node: Any, keys: tuple[str, ...]) -> bool:
    for key in keys[:-1]:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and (i := _index(node, key)) is not None:
            node = node[i]
        else:
            return False
    last = keys[-1]
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    if isinstance(node, list) and (i := _index(node, last)) is not None:
        del node[i]
        return True
    return False


def _upsert(node: Any, keys: tuple[str, ...], value: Any) -> bool:
    if not isinstance(node, dict):
        return False  # OPA upserts only into an object
    for key in keys[:-1]:
        if isinstance(node, dict):
            node = node.setdefault(key, {})
        elif isinstance(node, list) and (i := _index(node, key)) is not None:
            node = node[i]
        else:
            return False
    last = keys[-1]
    if isinstance(node, dict):
        node[last] = value
        return True
    if isinstance(node, list) and (i := _index(node, last)) is not None:
        node[i] = value
        return True
    return False


def erase_all(event: dict[str, Any]) -> dict[str, Any]:
    """Fail closed: the event with its input and result erased (when masking failed)."""
    rules = [_make("remove", f"/{part}", None) for part in PARTS if part in event]
    return apply_rules(event, rules)


class Evaluated(Protocol):
    defined: bool
    value: Any


Evaluate = Callable[[str, Any], Awaitable[Evaluated]]


def policy_mask(evaluate: Evaluate, package: str = PACKAGE_PATH, present: Callable[[], bool] = lambda: True) -> MaskFunction:
    """A mask callable for DecisionLog from a policy runtime's async ``evaluate(path, input)``.

    The ``system.log`` package is evaluated once on the event (one query instead of OPA's
    two: on regopy each query has a fixed cost of about a decision's tenth; give the engine
    ``system/log`` as an entrypoint). Its ``drop`` true drops the event (checked first, on
    the unmasked event, as OPA does); its ``mask`` rules are then applied. An absent
    package or rule means nothing to drop / nothing to mask. An evaluation error or a
    malformed mask raises, and DecisionLog then logs the event with its input and result
    erased (it fails closed and keeps the audit trail whole). ``present`` says whether the
    active policy set has the package at all (it is not asked when it has none).
    """

    async def mask(event: dict[str, Any]) -> dict[str, Any] | None:
        if not present():  # no such package in the active set: nothing to drop or mask
            return event
        document = await evaluate(package, event)
        rules = document.value if document.defined and isinstance(document.value, dict) else {}
        if rules.get("drop") is True:
            return None
        if "mask" not in rules:
            return event
        return apply_rules(event, parse_rules(rules["mask"]))

    return mask
