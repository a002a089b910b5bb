"""The compacted regopy plan: fewer slots, no slot shared along a call chain, the same answers,
and the plan as built wherever compaction cannot be trusted."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from privacy_pdp.assurance.bench.corpus import corpus
from privacy_pdp.core import compaction, engine as engine_module, planslots
from privacy_pdp.core.engine import UNDEFINED, Evaluation, Pool, RegoEngine
from privacy_pdp.core.policyset import PolicySet


def _saved_plan(engine: RegoEngine, directory: Path) -> dict[str, Any]:
    interpreter, bundle = engine.pool.take()
    interpreter.save_bundle(str(directory), bundle)
    engine.pool.give((interpreter, bundle))
    return orjson.loads((directory / "plan.json").read_bytes())


def _compacted(policy_set: PolicySet, entrypoints: tuple[str, ...] = engine_module.DEFAULT_ENTRYPOINTS) -> RegoEngine:
    engine = RegoEngine(policy_set, entrypoints)
    compacting = engine.compact_in_background()
    assert compacting is not None
    compacting.join(timeout=120)
    return engine


@pytest.fixture(scope="module")
def decision_plan(policies, tmp_path_factory) -> dict[str, Any]:
    return _saved_plan(RegoEngine(policies), tmp_path_factory.mktemp("plan"))


@pytest.fixture(scope="module")
def compacted_engine(policies) -> RegoEngine:
    engine = _compacted(policies)
    assert engine.compacted
    return engine


def test_the_decision_plan_needs_far_fewer_slots(decision_plan) -> None:
    compacted = planslots.compact(decision_plan)
    assert compacted is not None
    assert planslots.slots(compacted) * 4 < planslots.slots(decision_plan)


def test_no_function_shares_a_slot_with_one_that_calls_it(decision_plan) -> None:
    compacted = planslots.compact(decision_plan)
    functions = {f["name"]: f for f in compacted["funcs"]["funcs"]}
    roots = {f"plan:{p['name']}": p for p in compacted["plans"]["plans"]}
    units = {**functions, **roots}
    own = {name: set(planslots._own_locals(unit)) for name, unit in units.items()}
    callees = {name: planslots._callees(unit["blocks"], functions) for name, unit in units.items()}

    def below(name: str, seen: frozenset[str]) -> None:
        for callee in callees[name]:
            for caller in seen | {name}:
                assert not own[caller] & own[callee], f"{caller} and {callee} share slots"
            below(callee, seen | {name})

    for root in roots:
        below(root, frozenset())


def test_the_plan_is_the_same_program_but_for_numbering(decision_plan) -> None:
    compacted = planslots.compact(decision_plan)
    kinds = lambda plan: [s["type"] for f in plan["funcs"]["funcs"] for b in f["blocks"] for s in b["stmts"]]  # noqa: E731
    assert kinds(compacted) == kinds(decision_plan)
    assert sorted(compacted["static"]["strings"], key=json.dumps) == sorted(decision_plan["static"]["strings"], key=json.dumps)
    stripped = planslots.without_locations(compacted)
    assert "\"row\":" not in json.dumps(stripped["funcs"]) and "\"row\":" in json.dumps(compacted["funcs"])


def _read_locals(plan: dict[str, Any]) -> set[int]:
    read: set[int] = set()
    for unit in [*plan["funcs"]["funcs"], *plan["plans"]["plans"]]:
        for block in unit["blocks"]:
            planslots._reads(block, read)
    return read


def _count(plan: dict[str, Any], kind: str) -> int:
    return json.dumps(plan["funcs"]).count(f'"type": "{kind}"') + json.dumps(plan["plans"]).count(f'"type": "{kind}"')


def test_dead_flags_go_and_no_statement_that_is_read(decision_plan) -> None:
    pruned = planslots.without_dead_flags(decision_plan)
    assert pruned is not None
    removed = _count(decision_plan, "AssignVarStmt") - _count(pruned, "AssignVarStmt")
    assert removed > 300
    for kind in planslots.LOCAL_FIELDS:
        if kind != "AssignVarStmt":
            assert _count(pruned, kind) == _count(decision_plan, kind), kind
    assert _read_locals(pruned) == _read_locals(decision_plan)


def test_a_statement_it_does_not_know_leaves_the_plan_as_built(decision_plan) -> None:
    plan = json.loads(json.dumps(decision_plan))
    plan["funcs"]["funcs"][0]["blocks"][0]["stmts"].append({"type": "WithStmt", "stmt": {"local": 0, "path": [1]}})
    assert planslots.compact(plan) is None
    assert planslots.without_dead_flags(plan) is None


def test_a_function_reading_what_an_earlier_call_may_have_left_is_left_as_built(decision_plan) -> None:
    # every function of the decision's plan reads only what it wrote on the way
    assert all(planslots.reads_written(f) for f in decision_plan["funcs"]["funcs"])
    plan = json.loads(json.dumps(decision_plan))
    function = next(f for f in plan["funcs"]["funcs"] if len(f["blocks"]) > 1)
    fresh = planslots.slots(plan) + 5  # written nowhere: only a shared slot's old value could be there
    function["blocks"][1]["stmts"].insert(0, {"type": "IsDefinedStmt", "stmt": {"source": fresh}})
    assert planslots.compact(plan) is None
    # written by a statement that may fail, in a block before: not written on every path
    plan = json.loads(json.dumps(decision_plan))
    function = next(f for f in plan["funcs"]["funcs"] if len(f["blocks"]) > 1)
    function["blocks"][0]["stmts"].append({"type": "DotStmt", "stmt": {
        "source": {"type": "local", "value": 0}, "key": {"type": "string_index", "value": 0}, "target": fresh}})
    function["blocks"][1]["stmts"].insert(0, {"type": "IsDefinedStmt", "stmt": {"source": fresh}})
    assert planslots.compact(plan) is None
    # reset first: written on every path
    function["blocks"][0]["stmts"].insert(0, {"type": "ResetLocalStmt", "stmt": {"target": fresh}})
    assert planslots.compact(plan) is not None


def test_calls_in_a_cycle_leave_the_plan_as_built(decision_plan) -> None:
    plan = json.loads(json.dumps(decision_plan))
    first = plan["funcs"]["funcs"][0]
    first["blocks"][0]["stmts"].append({"type": "CallStmt", "stmt": {
        "func": first["name"], "args": [{"type": "local", "value": 0}, {"type": "local", "value": 1}], "result": 2}})
    plan["plans"]["plans"][0]["blocks"][0]["stmts"].append({"type": "CallStmt", "stmt": {
        "func": first["name"], "args": [{"type": "local", "value": 0}, {"type": "local", "value": 1}], "result": 2}})
    assert planslots.compact(plan) is None


def test_the_compacted_engine_decides_as_built(policies, compacted_engine) -> None:
    built = RegoEngine(policies)
    assert not built.compacted
    inputs = corpus(policies, 1200, 4242)
    assert len(inputs) >= 1000
    differing = [doc for doc in inputs if built.evaluate("privacy/decision", doc) != compacted_engine.evaluate("privacy/decision", doc)]
    assert differing == []
    assert built.evaluate("privacy/clauses") == compacted_engine.evaluate("privacy/clauses")
    # a path outside the entrypoints is compiled from the modules, which the engine still holds
    assert compacted_engine.evaluate("privacy/request/company", inputs[0]).value == inputs[0]["company"]


def test_a_number_literal_late_in_the_string_table_still_loads() -> None:
    # rego-cpp's plan check holds a number literal's string index below the count of locals
    names = "\n".join(f'n{i} := "s{i}"' for i in range(120))
    source = f"package p\n\n{names}\n\nv := 2.5 if input.a == \"s119\"\n"
    policy_set = PolicySet({"p.rego": source}, {})
    engine = _compacted(policy_set, ("p/v",))
    assert engine.compacted
    assert engine.evaluate("p/v", {"a": "s119"}) == Evaluation(True, 2.5)
    assert not engine.evaluate("p/v", {"a": "other"}).defined


def test_a_plan_that_cannot_be_compacted_is_served_as_built() -> None:
    source = "package p\n\nimport rego.v1\n\nf := input.a\n\nv := x if x := f with input as {\"a\": 7}\n"
    engine = _compacted(PolicySet({"p.rego": source}, {}), ("p/v",))
    assert not engine.compacted
    assert engine.evaluate("p/v", {"a": 1}) == Evaluation(True, 7)


def test_a_failed_compaction_serves_the_plan_as_built(policies, monkeypatch, caplog) -> None:
    def fail(*args: Any, **kwargs: Any) -> bool:
        raise compaction.CompactionFailed("exit status 1: no room")

    monkeypatch.setattr(engine_module, "write_compacted", fail)
    engine = _compacted(PolicySet({"p.rego": "package p\n\nv := input.a\n"}, {}), ("p/v",))
    assert not engine.compacted
    assert engine.evaluate("p/v", {"a": 4}).value == 4
    assert "no room" in caplog.text


def test_a_compacted_plan_answering_otherwise_is_refused(tmp_path, monkeypatch, capsys) -> None:
    policy_set = PolicySet({"p.rego": "package p\n\nv := input.a\n"}, {})
    other = RegoEngine(PolicySet({"p.rego": "package p\n\nv := 99\n"}, {}), ("p/v",))
    monkeypatch.setattr(RegoEngine, "load", lambda self, directory: other.pool.take())
    assert compaction.compact_into(str(tmp_path), policy_set, ("p/v",)) == compaction.ANSWERS_DIFFER
    assert "otherwise" in capsys.readouterr().err


def test_the_child_writes_a_loadable_compacted_bundle(policies, tmp_path) -> None:
    assert compaction.write_compacted(str(tmp_path), policies, ("privacy/decision",))
    plan = orjson.loads((tmp_path / "plan.json").read_bytes())
    assert planslots.slots(plan) < 1000
    assert "\"row\":" not in (tmp_path / "plan.json").read_text()


def test_replacing_a_pool_drops_each_interpreter_before_making_its_successor() -> None:
    made: list[str] = []
    held_when_made: list[int] = []
    pool: Pool

    def maker(kind: str):
        def make() -> dict[str, str]:
            if kind == "new":
                held_when_made.append(len(pool._of))
            made.append(kind)
            return {"kind": kind}
        return make

    pool = Pool(maker("old"))
    busy = pool.take()
    second = pool.take()  # none idle: made on demand
    pool.give(second)
    replacing = threading.Thread(target=pool.replace, args=(maker("new"),))
    replacing.start()
    deadline = time.monotonic() + 5
    while made.count("new") < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert made.count("new") == 1  # the idle one replaced; the busy one waits to be given back
    assert replacing.is_alive()
    pool.give(busy)  # given back: dropped, then replaced
    replacing.join(timeout=5)
    assert not replacing.is_alive()
    assert made == ["old", "old", "new", "new"]
    assert held_when_made == [1, 1]  # never an old one and its successor held together
    kinds = [pool.take()["kind"] for _ in range(3)]
    assert kinds == ["new", "new", "new"]  # the third made on demand, the new way


def test_an_evaluation_during_a_replacement_waits_for_the_successor_instead_of_making_one() -> None:
    made: list[str] = []
    loading = threading.Event()
    release = threading.Event()

    def old() -> dict[str, str]:
        made.append("old")
        return {"kind": "old"}

    def new() -> dict[str, str]:
        loading.set()
        release.wait(5)
        made.append("new")
        return {"kind": "new"}

    pool = Pool(old)
    replacing = threading.Thread(target=pool.replace, args=(new,))
    replacing.start()
    assert loading.wait(5)
    taken: list[dict[str, str]] = []
    waiting = threading.Thread(target=lambda: taken.append(pool.take()))
    waiting.start()
    waiting.join(timeout=0.2)
    assert waiting.is_alive() and not taken  # waits: the pool's only interpreter is being replaced
    release.set()
    waiting.join(timeout=5)
    replacing.join(timeout=5)
    assert taken == [{"kind": "new"}] and made == ["old", "new"]


def test_compaction_starts_once(policies) -> None:
    engine = RegoEngine(PolicySet({"p.rego": "package p\n\nv := 1\n"}, {}), ("p/v",))
    threads = [engine.compact_in_background() for _ in range(3)]
    assert threads[0] is threads[1] is threads[2]
    assert isinstance(threads[0], threading.Thread)
    threads[0].join(timeout=120)
    assert engine.compacted
    assert RegoEngine(PolicySet({"p.rego": "package p\n\nv := 1\n"}, {}), ()).compact_in_background() is None


def test_no_input_and_a_null_input_are_answered_alike_after_compaction(policies, compacted_engine) -> None:
    built = RegoEngine(policies)
    for doc in (UNDEFINED, None, {}, {"company": "kallu"}):
        assert compacted_engine.evaluate("privacy/decision", doc) == built.evaluate("privacy/decision", doc)


@pytest.mark.parametrize(("first", "safe"), [("regopy", True), ("aiohttp", False)])
def test_plans_are_loaded_only_where_the_cxx_runtime_came_with_regopy(first: str, safe: bool) -> None:
    # aiohttp's C++ extensions bring the C++ runtime in before regopy: rego-cpp's plan loader
    # would then free with glibc what its own allocator gave
    script = (f"import {first}, regopy\n"
              "from privacy_pdp.core.compaction import loading_is_safe\n"
              "print(loading_is_safe())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(safe)


def test_in_this_test_process_plans_load(rego) -> None:
    # pyproject's `-p regopy` loads regopy before any plugin's C++ extension
    assert compaction.loading_is_safe()
    assert rego.compacted


def test_stopping_compaction_kills_the_child_and_keeps_the_plan(policies, caplog) -> None:
    engine = RegoEngine(policies)
    thread = engine.compact_in_background()
    deadline = time.monotonic() + 30
    while engine._compaction_child is None and time.monotonic() < deadline:
        time.sleep(0.01)
    child = engine._compaction_child
    assert child is not None
    engine.stop_compaction()
    thread.join(timeout=30)
    assert not thread.is_alive() and not engine.compacted
    assert child.returncode is not None and child.returncode < 0  # killed, not finished
    assert "could not compact" not in caplog.text
    assert engine.evaluate("privacy/decision", {}).defined  # served as built
    assert engine.compact_in_background() is thread  # and not started again



def test_a_parameter_no_statement_names_still_gets_a_slot_in_the_frame() -> None:
    # rego-cpp sizes the frame by the locals its statements name; an unread parameter above
    # them would make every query fail its plan check (and regopy 1.5.2 end the process)
    function = {"name": "g.f", "path": ["g", "f"], "params": [0, 1, 9], "return": 3, "blocks": [
        {"stmts": [{"type": "ResetLocalStmt", "stmt": {"target": 3}}]},
        {"stmts": [{"type": "AssignVarOnceStmt", "stmt": {"source": {"type": "bool", "value": True}, "target": 3}}]},
        {"stmts": [{"type": "IsDefinedStmt", "stmt": {"source": 3}}, {"type": "ReturnLocalStmt", "stmt": {"source": 3}}]}]}
    entry = {"name": "p/v", "blocks": [{"stmts": [{"type": "CallStmt", "stmt": {
        "func": "g.f", "args": [{"type": "local", "value": 0}, {"type": "local", "value": 1}, {"type": "local", "value": 0}],
        "result": 2}}]}]}
    plan = {"static": {"strings": []}, "plans": {"plans": [entry]}, "funcs": {"funcs": [function]}}
    counted = planslots.with_every_slot_counted(plan)
    assert counted["plans"]["plans"][0]["blocks"][0]["stmts"][0] == {"type": "ResetLocalStmt", "stmt": {"target": 9}}
    assert planslots.with_every_slot_counted(counted) == counted  # named now: nothing more to add
    compacted = planslots.compact(plan)
    assert compacted is not None
    named = {s["stmt"]["target"] for s in compacted["plans"]["plans"][0]["blocks"][0]["stmts"] if s["type"] == "ResetLocalStmt"}
    assert max(compacted["funcs"]["funcs"][0]["params"]) in named | {compacted["funcs"]["funcs"][0]["return"]}


def test_every_interpreter_is_made_in_the_one_maker_thread(policies) -> None:
    made_in: list[str] = []
    small = PolicySet({"p.rego": "package p\n\nv := input.a\n"}, {})

    class Recording(RegoEngine):
        def _compile(self):
            made_in.append(f"compiled in {threading.current_thread().name}")
            return super()._compile()

        def load(self, directory: str):
            made_in.append(f"loaded in {threading.current_thread().name}")
            return super().load(directory)

    engine = Recording(small, ("p/v",))
    engine.compact_in_background().join(timeout=120)
    assert engine.compacted
    assert engine.evaluate("p/v", {"a": 3}).value == 3
    assert [m.split(" in ")[0] for m in made_in] == ["compiled", "loaded"]
    assert all(m.split(" in ")[1].startswith("regopy-maker") for m in made_in)
