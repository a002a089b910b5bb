"""Data keys placed in the order a plan looks them up (core/plandata.py): only in objects no
statement can see the order of, and the decisions the same."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from privacy_pdp.core import plandata

from plan_builders import block, builtin, call, function, local, plan, rule


def dot(source: int, key: int | dict[str, Any], target: int) -> dict[str, Any]:
    keyed = {"type": "string_index", "value": key} if isinstance(key, int) else key
    return {"type": "DotStmt", "stmt": {"source": local(source), "key": keyed, "target": target}}


STRINGS = ["result", "a", "b", "c", "z", "y", "x", "q"]
A, B, C, Z, Y, X, Q = range(1, 8)
DATA = {"a": {"x": 1, "y": 2, "z": 3}, "b": {"x": {"p": 1, "q": 2}, "z": 0}, "c": {"x": 1, "z": 2}}


def data_plan(*functions: dict[str, Any], entry: list[dict[str, Any]]) -> dict[str, Any]:
    p = plan(list(functions), *entry)
    p["static"]["strings"] = [{"value": s} for s in STRINGS]
    return p


def test_an_object_reached_only_by_constant_keys_gets_its_most_looked_up_keys_first() -> None:
    reads = rule("g.r", 10, dot(1, A, 11), dot(11, Z, 12), dot(11, Z, 13), dot(11, Y, 14))
    ordered = plandata.hot_first(data_plan(reads, entry=[call("g.r", 2)]), DATA)
    assert list(ordered) == ["a", "b", "c"]  # one lookup of "a" only: ties keep their order
    assert list(ordered["a"]) == ["z", "y", "x"]
    assert ordered == DATA  # the same document


def test_an_object_walked_handed_to_a_builtin_or_looked_up_by_a_variable_key_keeps_its_order() -> None:
    walked = rule("g.w", 10, dot(1, A, 11), dot(11, Z, 12),
                  {"type": "ScanStmt", "stmt": {"source": 11, "key": 13, "value": 14, "block": block()}})
    handed = rule("g.h", 20, dot(1, C, 21), dot(21, Z, 22), builtin("json.marshal", 23, 21))
    variable = rule("g.v", 30, dot(1, B, 31), dot(31, Z, 32), dot(31, Z, 33), dot(31, local(0), 34), dot(34, Y, 35),
                    dot(31, X, 36), dot(36, Q, 37))  # would put "q" first, were b.x not below a variable lookup
    ordered = plandata.hot_first(data_plan(walked, handed, variable, entry=[call("g.w", 2), call("g.h", 3), call("g.v", 4)]), DATA)
    assert list(ordered["a"]) == ["x", "y", "z"]
    assert list(ordered["c"]) == ["x", "z"]
    assert list(ordered["b"]) == ["z", "x"]  # looked up by constant keys itself...
    assert list(ordered["b"]["x"]) == ["p", "q"]  # ...but what a variable key gives is not followed


def test_data_is_followed_through_function_values_parameters_and_copies() -> None:
    gives = rule("g.gives", 10, dot(1, A, 11), value=local(11))
    takes = function("g.takes", 20, block(dot(21, Z, 22), {"type": "AssignVarOnceStmt", "stmt": {"source": local(22), "target": 20}}),
                     block({"type": "IsDefinedStmt", "stmt": {"source": 20}}, {"type": "ReturnLocalStmt", "stmt": {"source": 20}}),
                     params=(21,))
    caller = rule("g.caller", 30, call("g.gives", 31), {"type": "AssignVarStmt", "stmt": {"source": local(31), "target": 32}},
                  call("g.takes", 33, 32), dot(32, Z, 34))
    ordered = plandata.hot_first(data_plan(gives, takes, caller, entry=[call("g.caller", 2)]), DATA)
    assert list(ordered["a"]) == ["z", "x", "y"]
    # handed on whole to a builtin in the callee: seen
    takes["blocks"][0]["stmts"].append(builtin("json.marshal", 23, 21))
    assert list(plandata.hot_first(data_plan(gives, takes, caller, entry=[call("g.caller", 2)]), DATA)["a"]) == ["x", "y", "z"]


def test_a_value_in_the_answer_keeps_its_order() -> None:
    gives = rule("g.gives", 10, dot(1, A, 11), dot(11, Z, 12), value=local(11))
    entry = [call("g.gives", 2), {"type": "MakeObjectStmt", "stmt": {"target": 3}},
             {"type": "ObjectInsertStmt", "stmt": {"key": {"type": "string_index", "value": 0}, "value": local(2), "object": 3}},
             {"type": "ResultSetAddStmt", "stmt": {"value": 3}}]
    assert list(plandata.hot_first(data_plan(gives, entry=entry), DATA)["a"]) == ["x", "y", "z"]


def test_a_statement_not_known_leaves_the_data_as_it_is() -> None:
    f = rule("g.f", 10, {"type": "WithStmt", "stmt": {"local": 0, "path": [1], "value": local(0), "block": block()}})
    assert plandata.hot_first(data_plan(f, entry=[call("g.f", 2)]), DATA) is None


@pytest.fixture(scope="module")
def decision_bundle(policies, tmp_path_factory) -> tuple[dict[str, Any], Any]:
    from privacy_pdp.core.engine import RegoEngine

    directory = tmp_path_factory.mktemp("bundle")
    interpreter, bundle = RegoEngine(policies).pool.take()
    interpreter.save_bundle(str(directory), bundle)
    return orjson.loads((directory / "plan.json").read_bytes()), orjson.loads((directory / "data.json").read_bytes())


def test_the_decision_plan_reorders_what_only_lookups_reach_and_keeps_the_catalogue(decision_bundle) -> None:
    plan_as_built, data = decision_bundle
    ordered = plandata.hot_first(copy.deepcopy(plan_as_built), copy.deepcopy(data))
    assert ordered == data
    assert list(ordered["privacy"]) != sorted(ordered["privacy"])  # looked up by constant keys only
    catalogue = ordered["privacy"]["catalogue"]  # walked by privacy.clauses, and answered
    assert list(catalogue) == list(data["privacy"]["catalogue"])
    for company, entries in catalogue.items():
        assert list(entries) == list(data["privacy"]["catalogue"][company])
