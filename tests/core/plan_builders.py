"""Small plans in rego-cpp's IR, written the way its compiler writes them, for the tests of
the plan rewrites (test_plantrim.py, test_plandata.py)."""

from __future__ import annotations

from typing import Any

TRUE = {"type": "bool", "value": True}
FALSE = {"type": "bool", "value": False}


def local(n: int) -> dict[str, Any]:
    return {"type": "local", "value": n}


def call(func: str, result: int, *extra: int) -> dict[str, Any]:
    return {"type": "CallStmt", "stmt": {"func": func, "args": [local(0), local(1), *map(local, extra)], "result": result}}


def builtin(func: str, result: int, *args: int) -> dict[str, Any]:
    return {"type": "CallStmt", "stmt": {"func": func, "args": [local(a) for a in args], "result": result}}


def assign(source: dict[str, Any], target: int) -> dict[str, Any]:
    return {"type": "AssignVarStmt", "stmt": {"source": source, "target": target}}


def not_false(n: int) -> dict[str, Any]:
    return {"type": "NotEqualStmt", "stmt": {"a": local(n), "b": FALSE}}


def is_defined(n: int) -> dict[str, Any]:
    return {"type": "IsDefinedStmt", "stmt": {"source": n}}


def block(*stmts: dict[str, Any]) -> dict[str, Any]:
    return {"stmts": list(stmts)}


def block_stmt(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "BlockStmt", "stmt": {"blocks": list(blocks)}}


def function(name: str, result: int, *blocks: dict[str, Any], params: tuple[int, ...] = ()) -> dict[str, Any]:
    return {"name": name, "path": name.split("."), "params": [0, 1, *params], "return": result, "blocks": list(blocks)}


def rule(name: str, result: int, *body: dict[str, Any], value: dict[str, Any] = TRUE, params: tuple[int, ...] = ()) -> dict[str, Any]:
    """A rule as rego-cpp plans one: reset, a body that assigns its value once, a checked return."""
    return function(name, result,
                    block({"type": "ResetLocalStmt", "stmt": {"target": result}}),
                    block(block_stmt(block(*body, {"type": "AssignVarOnceStmt", "stmt": {"source": value, "target": result}}))),
                    block(is_defined(result), {"type": "ReturnLocalStmt", "stmt": {"source": result}}),
                    params=params)


def plan(functions: list[dict[str, Any]], *entry: dict[str, Any]) -> dict[str, Any]:
    return {"static": {"strings": [{"value": "result"}, {"value": "k"}]},
            "plans": {"plans": [{"name": "p/entry", "blocks": [block(*entry)]}]},
            "funcs": {"funcs": functions}}
