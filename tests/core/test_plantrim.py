"""The plan's trimming passes (core/plantrim.py): each removes only what cannot change an
answer, leaves alone what could, and the decision's plan trimmed by each decides as built."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from privacy_pdp.assurance.bench.corpus import corpus
from privacy_pdp.core import planslots, plantrim
from privacy_pdp.core.engine import RegoEngine

from plan_builders import FALSE, TRUE, assign, block, block_stmt, builtin, call, function, is_defined, local, not_false, plan, rule

def statements(unit: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s, _ in planslots.statements(unit["blocks"])]


def kinds(unit: dict[str, Any]) -> list[str]:
    return [s["type"] for s in statements(unit)]


# --- without_unreached


def test_functions_no_plan_reaches_go() -> None:
    reached = rule("g.a", 10, call("g.b", 11))
    below = rule("g.b", 20)
    lone = rule("g.lone", 30)
    trimmed = plantrim.without_unreached(plan([reached, below, lone], call("g.a", 2)))
    assert [f["name"] for f in trimmed["funcs"]["funcs"]] == ["g.a", "g.b"]


# --- without_sure_checks


def test_a_check_of_what_was_just_made_true_goes() -> None:
    f = rule("g.f", 10, assign(TRUE, 11), not_false(11), builtin("is_string", 12, 0), not_false(12))
    trimmed = plantrim.without_sure_checks(plan([f], call("g.f", 2)))
    body = statements(trimmed["funcs"]["funcs"][0])
    assert [s for s in body if s["type"] == "NotEqualStmt"] == [not_false(12)]  # a builtin may answer false


def test_a_check_of_a_rule_that_is_true_or_undefined_goes_and_of_one_that_may_be_false_stays() -> None:
    sure = rule("g.sure", 20)
    maybe = rule("g.maybe", 30)
    maybe["blocks"].insert(2, block({"type": "AssignVarOnceStmt", "stmt": {"source": FALSE, "target": 30}}))  # a default
    caller = rule("g.caller", 10, call("g.sure", 11), not_false(11), call("g.maybe", 12), not_false(12))
    trimmed = plantrim.without_sure_checks(plan([caller, sure, maybe], call("g.caller", 2)))
    body = statements(trimmed["funcs"]["funcs"][0])
    assert [s for s in body if s["type"] == "NotEqualStmt"] == [not_false(12)]


def test_a_rule_returning_without_checking_its_value_is_not_taken_as_true() -> None:
    unchecked = rule("g.u", 20)
    unchecked["blocks"][2] = block({"type": "ReturnLocalStmt", "stmt": {"source": 20}})
    assert not plantrim._answers_only_true(unchecked)
    assert plantrim._answers_only_true(rule("g.t", 20))
    never = rule("g.n", 20)
    never["blocks"][1] = block()  # reset, checked, returned: never given a value
    assert not plantrim._answers_only_true(never)
    assert not plantrim._answers_only_true(rule("g.v", 20, value={"type": "string_index", "value": 1}))


def test_a_check_not_right_after_the_write_stays() -> None:
    f = rule("g.f", 10, assign(TRUE, 11), builtin("is_string", 12, 0), not_false(11))
    trimmed = plantrim.without_sure_checks(plan([f], call("g.f", 2)))
    assert kinds(trimmed["funcs"]["funcs"][0]).count("NotEqualStmt") == 1


# --- without_sure_definedness_checks


def test_a_definedness_check_of_a_made_or_constant_value_goes() -> None:
    f = rule("g.f", 10,
             {"type": "MakeObjectStmt", "stmt": {"target": 11}}, assign(local(11), 12), is_defined(12),
             assign(TRUE, 13), is_defined(13),
             call("g.h", 14), is_defined(14))
    trimmed = plantrim.without_sure_definedness_checks(plan([f, rule("g.h", 20)], call("g.f", 2)))
    checked = [s["stmt"]["source"] for s in statements(trimmed["funcs"]["funcs"][0]) if s["type"] == "IsDefinedStmt"]
    assert checked == [14, 10]  # a call's value may be undefined; the return's check stays


def test_a_definedness_check_after_a_nested_write_stays() -> None:
    f = rule("g.f", 10,
             {"type": "MakeObjectStmt", "stmt": {"target": 11}},
             {"type": "NotStmt", "stmt": {"block": block({"type": "ResetLocalStmt", "stmt": {"target": 11}})}},
             is_defined(11),
             {"type": "MakeArrayStmt", "stmt": {"target": 12}},
             {"type": "ScanStmt", "stmt": {"source": 12, "key": 13, "value": 14, "block": block(
                 is_defined(15), {"type": "ResetLocalStmt", "stmt": {"target": 15}})}})
    f["blocks"][1]["stmts"][0]["stmt"]["blocks"][0]["stmts"].insert(3, {"type": "MakeObjectStmt", "stmt": {"target": 15}})
    trimmed = plantrim.without_sure_definedness_checks(plan([f], call("g.f", 2)))
    checked = [s["stmt"]["source"] for s in statements(trimmed["funcs"]["funcs"][0]) if s["type"] == "IsDefinedStmt"]
    assert checked == [11, 15, 10]  # 15 is reset in the loop: not defined on the next turn


# --- without_copies


def test_a_copy_of_a_parameter_or_a_value_written_once_before_goes() -> None:
    f = rule("g.f", 10,
             assign(local(5), 11), builtin("is_string", 12, 11), not_false(12),
             call("g.h", 13), assign(local(13), 14), builtin("is_string", 15, 14), not_false(15),
             params=(5,))
    trimmed = plantrim.without_copies(plan([f, rule("g.h", 20)], call("g.f", 2, 0)))
    body = statements(trimmed["funcs"]["funcs"][0])
    assert "AssignVarStmt" not in [s["type"] for s in body]
    builtin_args = [s["stmt"]["args"][0] for s in body if s["type"] == "CallStmt" and s["stmt"]["func"] == "is_string"]
    assert builtin_args == [local(5), local(13)]


def test_a_copy_whose_source_may_change_or_whose_target_is_written_again_stays() -> None:
    f = rule("g.f", 10,
             call("g.h", 11), call("g.h", 11), assign(local(11), 12), builtin("is_string", 13, 12),  # source written twice
             assign(local(5), 14), assign(local(0), 14), builtin("is_string", 15, 14),  # target written twice
             params=(5,))
    elsewhere = function("g.e", 30, block({"type": "MakeObjectStmt", "stmt": {"target": 31}}),
                         block(assign(local(31), 32), builtin("is_string", 33, 32)))  # written in another block
    trimmed = plantrim.without_copies(plan([f, elsewhere, rule("g.h", 20)], call("g.f", 2, 0), call("g.e", 3)))
    assert [kinds(u).count("AssignVarStmt") for u in trimmed["funcs"]["funcs"][:2]] == [3, 1]


def test_a_copy_of_a_scanned_value_in_its_loop_goes() -> None:
    f = rule("g.f", 10, {"type": "MakeArrayStmt", "stmt": {"target": 11}},
             {"type": "ScanStmt", "stmt": {"source": 11, "key": 12, "value": 13, "block": block(
                 assign(local(13), 14), builtin("is_string", 15, 14), not_false(15))}})
    trimmed = plantrim.without_copies(plan([f], call("g.f", 2)))
    body = statements(trimmed["funcs"]["funcs"][0])
    assert "AssignVarStmt" not in [s["type"] for s in body]
    assert [s["stmt"]["args"][0] for s in body if s["type"] == "CallStmt"] == [local(13)]


def test_copies_are_left_where_a_function_reads_what_it_did_not_write() -> None:
    f = rule("g.f", 10, assign(local(5), 11), builtin("is_string", 12, 99))
    assert plantrim.without_copies(plan([f], call("g.f", 2))) is None


# --- without_nested_tails


def test_a_last_block_of_one_block_is_flattened_where_its_outcome_cannot_tell() -> None:
    f = rule("g.f", 10, builtin("is_string", 11, 0), not_false(11))
    trimmed = plantrim.without_nested_tails(plan([f], block_stmt(block(call("g.f", 2)))))
    assert "BlockStmt" not in kinds(trimmed["funcs"]["funcs"][0])
    assert kinds(trimmed["plans"]["plans"][0]) == ["BlockStmt", "CallStmt"]  # a plan stops at a block that fails


def test_a_block_that_is_not_last_or_is_negated_or_breaks_or_has_siblings_stays() -> None:
    inner = block(builtin("is_string", 11, 0), not_false(11))
    not_last = function("g.a", 10, block(block_stmt(inner), assign(TRUE, 10)))
    negated = function("g.b", 20, block({"type": "NotStmt", "stmt": {"block": block(block_stmt(inner))}}))
    breaking = function("g.c", 30, block(block_stmt(block({"type": "BreakStmt", "stmt": {"index": 1}}))))
    siblings = function("g.d", 40, block(block_stmt(inner, inner)))
    trimmed = plantrim.without_nested_tails(plan([not_last, negated, breaking, siblings]))
    assert [kinds(u).count("BlockStmt") for u in trimmed["funcs"]["funcs"]] == [1, 1, 1, 1]


# --- uncached_single_calls


def test_a_rule_worked_out_once_per_query_is_not_cached() -> None:
    once = rule("g.once", 10, call("g.below", 11))
    below = rule("g.below", 20)
    twice = rule("g.twice", 30)
    looped = rule("g.looped", 40)
    caller = rule("g.caller", 50, call("g.twice", 51), call("g.twice", 52),
                  {"type": "ScanStmt", "stmt": {"source": 0, "key": 53, "value": 54, "block": block(call("g.looped", 55))}})
    trimmed = plantrim.uncached_single_calls(plan([once, below, twice, looped, caller], call("g.once", 2), call("g.caller", 3)))
    params = {f["name"]: len(f["params"]) for f in trimmed["funcs"]["funcs"]}
    assert params == {"g.once": 3, "g.below": 3, "g.twice": 2, "g.looped": 2, "g.caller": 3}
    calls = [s["stmt"] for u in [*trimmed["funcs"]["funcs"], *trimmed["plans"]["plans"]] for s in statements(u)
             if s["type"] == "CallStmt"]
    for stmt in calls:
        callee = next(f for f in trimmed["funcs"]["funcs"] if f["name"] == stmt["func"])
        assert len(stmt["args"]) == len(callee["params"])
    spare = [f["params"][2] for f in trimmed["funcs"]["funcs"] if len(f["params"]) == 3]
    assert len(set(spare)) == len(spare) and min(spare) > 55  # fresh locals


# --- with_short_names


def test_functions_are_named_by_number_and_builtins_keep_their_names() -> None:
    f = rule("g.data.privacy.f", 10, call("g.data.privacy.h", 11), builtin("count", 12, 11))
    trimmed = plantrim.with_short_names(plan([f, rule("g.data.privacy.h", 20)], call("g.data.privacy.f", 2)))
    assert [f["name"] for f in trimmed["funcs"]["funcs"]] == ["0", "1"]
    assert [s["stmt"]["func"] for u in [*trimmed["funcs"]["funcs"], *trimmed["plans"]["plans"]] for s in statements(u)
            if s["type"] == "CallStmt"] == ["1", "count", "0"]


def test_a_statement_not_known_leaves_the_plan_as_built() -> None:
    f = rule("g.f", 10, {"type": "WithStmt", "stmt": {"local": 0, "path": [1], "value": local(0), "block": block()}})
    p = plan([f], call("g.f", 2))
    for trim in (plantrim.without_unreached, plantrim.without_sure_checks, plantrim.without_sure_definedness_checks,
                 plantrim.without_copies, plantrim.without_nested_tails, plantrim.uncached_single_calls):
        assert trim(copy.deepcopy(p)) is None, trim.__name__


# --- on the decision's plan, each pass alone


@pytest.fixture(scope="module")
def built_plan(policies, tmp_path_factory) -> tuple[RegoEngine, Path, dict[str, Any]]:
    engine = RegoEngine(policies)
    directory = tmp_path_factory.mktemp("built")
    interpreter, bundle = engine.pool.take()
    interpreter.save_bundle(str(directory), bundle)
    engine.pool.give((interpreter, bundle))
    return engine, directory, orjson.loads((directory / "plan.json").read_bytes())


@pytest.mark.parametrize("trim", [plantrim.without_unreached, plantrim.without_sure_checks,
                                  plantrim.without_sure_definedness_checks, plantrim.without_copies,
                                  plantrim.without_nested_tails, plantrim.uncached_single_calls])
def test_the_decision_plan_trimmed_by_each_pass_decides_as_built(policies, built_plan, trim, tmp_path) -> None:
    engine, directory, plan_as_built = built_plan
    trimmed = trim(copy.deepcopy(plan_as_built))
    assert trimmed is not None
    assert trimmed != plan_as_built  # each pass finds something to do in the decision's plan
    (tmp_path / "plan.json").write_bytes(orjson.dumps(plantrim.with_short_names(planslots.with_every_slot_counted(trimmed))))
    (tmp_path / "data.json").write_bytes((directory / "data.json").read_bytes())
    loaded = engine.load(str(tmp_path))
    built = engine.pool.take()
    try:
        for doc in corpus(policies, 300, 77):
            assert engine.outcome(built, "privacy/decision", doc) == engine.outcome(loaded, "privacy/decision", doc), json.dumps(doc)
    finally:
        engine.pool.give(built)


def test_the_whole_trim_leaves_fewer_statements_and_no_call_to_a_missing_function(built_plan) -> None:
    from privacy_pdp.core.compaction import trimmed

    _, _, plan_as_built = built_plan
    result = trimmed(copy.deepcopy(plan_as_built))
    assert result is not None
    count = lambda p: sum(len(statements(u)) for u in [*p["funcs"]["funcs"], *p["plans"]["plans"]])  # noqa: E731
    assert count(result) < 0.8 * count(plan_as_built)
    names = {f["name"] for f in result["funcs"]["funcs"]}
    builtins = {b["name"] for b in plan_as_built["static"]["builtin_funcs"]}
    for unit in [*result["funcs"]["funcs"], *result["plans"]["plans"]]:
        for s in statements(unit):
            if s["type"] == "CallStmt":
                assert s["stmt"]["func"] in names | builtins
    assert planslots.compact(result) is not None
