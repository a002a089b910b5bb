"""A plan's data with the keys it looks up most placed first, where no answer can tell.

rego-cpp finds a key in an object by walking its members in order, turning each key into a
string on the way (``VirtualMachine::dot``): a key's place costs a lookup about 0.15 us a
member before it. A saved plan's data has its keys in sorted order, so a rule reading
``data.privacy.reference.recipient_kinds`` walks the eleven keys before it every time.

Member order is seen by a query wherever an object is walked (a ``some k, v in obj``: an
array built so follows it), written out, or handed to a builtin; only an object reached
through nothing but lookups by a constant key can be reordered without any answer telling.
``hot_first`` follows data through the plan to find those: each local's possible values as
paths into data, through lookups by a constant key, copies, call arguments and function
values. A path that a statement uses in any other way is *seen* (its value and everything
below it keeps its order); a lookup by a key the plan does not know in advance (``obj[x]``)
gives a value not followed, so everything below that object is seen, though not the object.
Each object left unseen gets its keys in the order of how many of the plan's lookups name
them, most first; ties keep the sorted order.

It runs on a plan as built (a local's number is its one function's, ``planslots``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from privacy_pdp.core.planslots import GLOBAL_LOCALS, Unknown, statement_locals, statements

Path = tuple[str, ...]
DATA = GLOBAL_LOCALS[1]
_MISSING = object()

# Statements whose reading of a local shows nothing of the order of the value's members.
_BLIND_READS = frozenset({"IsDefinedStmt", "IsUndefinedStmt", "ResetLocalStmt", "IsObjectStmt", "IsArrayStmt",
                          "IsSetStmt", "LenStmt", "ReturnLocalStmt"})


def hot_first(plan: dict[str, Any], data: Any) -> Any | None:
    """data with the members of each object that only constant-key lookups reach in the plan
    reordered, most looked-up key first; None when the plan holds a statement not known here."""
    try:
        units = [*plan["funcs"]["funcs"], *plan["plans"]["plans"]]
        for unit in units:
            for statement, _ in statements(unit["blocks"]):
                statement_locals(statement["type"], statement["stmt"])
        functions = {f["name"]: f for f in plan["funcs"]["funcs"]}
        strings = [s["value"] for s in plan["static"]["strings"]]
        paths = _paths(units, functions, strings, data)
        seen, below_seen, lookups = _uses(units, functions, strings, paths)
    except (Unknown, KeyError, TypeError, IndexError):
        return None
    reached = {path for found in paths.values() for path in found}

    def hidden(path: Path) -> bool:
        return not any(path[:i] in seen for i in range(len(path) + 1)) and \
            not any(path[:i] in below_seen for i in range(len(path)))

    def reorder(value: Any, path: Path) -> Any:
        if isinstance(value, list):
            return [reorder(item, path + (str(i),)) for i, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        keys = list(value)
        if path in reached and hidden(path):
            place = {key: i for i, key in enumerate(keys)}
            keys.sort(key=lambda k: (-lookups[path, k], place[k]))
        return {key: reorder(value[key], path + (key,)) for key in keys}

    return reorder(data, ())


def _paths(units: list[dict[str, Any]], functions: dict[str, Any], strings: list[str],
           data: Any) -> dict[int, set[Path]]:
    """Each local's possible values that are paths into data (to a fixed point)."""
    paths: dict[int, set[Path]] = defaultdict(set)
    paths[DATA].add(())
    changed = True
    while changed:
        changed = False

        def add(local: int, found: set[Path]) -> None:
            nonlocal changed
            if not found <= paths[local]:
                paths[local] |= found
                changed = True

        for unit in units:
            for statement, _ in statements(unit["blocks"]):
                kind, stmt = statement["type"], statement["stmt"]
                if kind == "DotStmt" and stmt["source"].get("type") == "local" and stmt["key"].get("type") == "string_index":
                    key = strings[stmt["key"]["value"]]
                    add(stmt["target"], {p + (key,) for p in paths.get(stmt["source"]["value"], ())
                                         if _at(data, p + (key,)) is not _MISSING})
                elif kind in ("AssignVarStmt", "AssignVarOnceStmt") and stmt["source"].get("type") == "local":
                    add(stmt["target"], set(paths.get(stmt["source"]["value"], ())))
                elif kind == "CallStmt" and stmt["func"] in functions:
                    callee = functions[stmt["func"]]
                    for param, arg in list(zip(callee["params"], stmt["args"]))[len(GLOBAL_LOCALS):]:
                        if arg.get("type") == "local":
                            add(param, set(paths.get(arg["value"], ())))
                    add(stmt["result"], set(paths.get(callee["return"], ())))
    return paths


def _uses(units: list[dict[str, Any]], functions: dict[str, Any], strings: list[str],
          paths: dict[int, set[Path]]) -> tuple[set[Path], set[Path], Counter[tuple[Path, str]]]:
    """(paths a statement sees the order of, paths below which every value is seen, how many
    lookups name each key of each path)."""
    seen: set[Path] = set()
    below_seen: set[Path] = set()
    lookups: Counter[tuple[Path, str]] = Counter()
    for unit in units:
        for statement, _ in statements(unit["blocks"]):
            kind, stmt = statement["type"], statement["stmt"]
            reads, _ = statement_locals(kind, stmt)
            followed: set[int] = set()  # reads this statement's case below accounts for
            if kind == "DotStmt" and stmt["source"].get("type") == "local":
                source = stmt["source"]["value"]
                followed.add(source)
                if stmt["key"].get("type") == "string_index":
                    for path in paths.get(source, ()):
                        lookups[path, strings[stmt["key"]["value"]]] += 1
                else:
                    below_seen |= paths.get(source, set())
            elif kind in ("AssignVarStmt", "AssignVarOnceStmt") and stmt["source"].get("type") == "local":
                # (AssignVarOnceStmt compares with what its target holds: as strings of sorted keys)
                followed |= {stmt["source"]["value"], stmt["target"]}
            elif kind == "CallStmt" and stmt["func"] in functions:
                # input and data are passed first and not written by a call (they are global)
                followed |= {a["value"] for a in stmt["args"] if a.get("type") == "local"}
            elif kind in _BLIND_READS:
                followed |= reads
            for local in reads - followed:
                seen |= paths.get(local, set())
    return seen, below_seen, lookups


def _at(data: Any, path: Path) -> Any:
    for key in path:
        if isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return _MISSING
    return data
