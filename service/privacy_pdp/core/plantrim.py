"""Less work per query in a plan compiled by rego-cpp: the same answers, fewer costs.

rego-cpp checks the whole plan at every query (``BundleDef::verify``, a walk of each
statement), and copies its evaluation state at every builtin call: the frame and every
cached rule value (``VirtualMachine::run_call`` captures the state by value). So each
statement costs at every query, reached or not, and each cached value at every builtin call
made after it. Measured on the decision's plan (``make bench``): a builtin call made once the
cache is full costs about 2.7 us, against 0.6 us at the start of a query.

Each pass here takes a plan as built (a local's number is its one function's, ``planslots``)
and answers it changed, or None when the plan holds a statement not known here:

- ``without_unreached``: functions no plan calls, directly or not, go.
- ``without_nested_tails``: a block of one block that ends a block whose outcome nothing
  reads is flattened into it.
- ``without_copies``: a copy of one local into another goes where neither can change while
  the copy is read; its reads read the original.
- ``without_sure_checks``: a check that a value is not ``false`` goes where the value is
  sure to be ``true``: just written as ``true``, or answered by a function that answers
  nothing else (a rule that holds or is undefined).
- ``without_sure_definedness_checks``: a check that a local holds a value goes where it
  surely does (made, or assigned a constant, earlier in the block).
- ``uncached_single_calls``: a rule value is kept out of the cache where it can be worked
  out at most once per query anyway (one call, not in a loop, from a plan or a rule that is
  itself worked out at most once): rego-cpp caches a function's value exactly when it takes
  input and data alone (``cacheable = arity == 2``), so such a function takes one argument
  more, which it does not read.
- ``with_short_names``: functions are renamed by number. Every call looks its function up by
  name, in maps compared character by character, and the names as built share long prefixes
  (``g0.data.privacy.companies...``).
"""

from __future__ import annotations

from typing import Any, Iterator

from privacy_pdp.core.planslots import (GLOBAL_LOCALS, LOCAL_FIELDS, Unknown, highest_locals, reads_written,
                                        statement_locals, statements)

TRUE = {"type": "bool", "value": True}
FALSE = {"type": "bool", "value": False}


def without_unreached(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The plan without the functions no plan calls, directly or not."""
    try:
        _known(plan)
    except (Unknown, KeyError, TypeError):
        return None
    functions = {f["name"]: f for f in plan["funcs"]["funcs"]}
    reached: set[str] = set()
    pending = [name for p in plan["plans"]["plans"] for name in _called(p, functions)]
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending.extend(_called(functions[name], functions))
    return {**plan, "funcs": {**plan["funcs"], "funcs": [f for f in plan["funcs"]["funcs"] if f["name"] in reached]}}


def without_sure_checks(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The plan without each ``NotEqualStmt`` of a local and ``false`` that follows, in the
    same block, the statement that made the local ``true``: an ``AssignVarStmt`` of ``true``,
    or a call of a function whose value is ``true`` whenever it has one."""
    try:
        _known(plan)
        functions = {f["name"]: f for f in plan["funcs"]["funcs"]}
        sure = {name for name, function in functions.items() if _answers_only_true(function)}
    except (Unknown, KeyError, TypeError):
        return None

    def made_true(statement: dict[str, Any] | None, local: int) -> bool:
        if statement is None:
            return False
        kind, stmt = statement["type"], statement["stmt"]
        if kind == "AssignVarStmt":
            return stmt["target"] == local and stmt["source"] == TRUE
        return kind == "CallStmt" and stmt["result"] == local and stmt["func"] in sure

    def prune(block: dict[str, Any]) -> dict[str, Any]:
        kept: list[dict[str, Any]] = []
        for statement in block["stmts"]:
            stmt = statement["stmt"]
            if (statement["type"] == "NotEqualStmt" and stmt["a"].get("type") == "local" and stmt["b"] == FALSE
                    and made_true(kept[-1] if kept else None, stmt["a"]["value"])):
                continue
            kept.append({**statement, "stmt": _with_inner(stmt, prune)})
        return {**block, "stmts": kept}

    return _each_block(plan, prune)


def without_copies(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The plan without the copies of one local into another that only copy: an
    ``AssignVarStmt`` of local S to local T, where T is written nowhere else in its function
    (nor a parameter, the return local or a scan's), and S cannot change while T is read:
    S is input, data or a parameter, or is written only once, by a statement before the copy
    in the same block (or before the statement the copy is nested in), or by the scan the copy
    is nested in. T's reads then read S.

    A local is read only after a write on every path to it (``planslots.reads_written``,
    required here too), so T is read only after the copy, in the same run of its block: S
    holds then what T would."""
    try:
        _known(plan)
        functions = plan["funcs"]["funcs"]
        if not all(reads_written(f) for f in functions):
            return None
        return {**plan, "funcs": {**plan["funcs"], "funcs": [_propagated(f) for f in functions]}}
    except (Unknown, KeyError, TypeError):
        return None


def _propagated(function: dict[str, Any]) -> dict[str, Any]:
    writes: dict[int, list[tuple[int, ...]]] = {}
    copies: list[tuple[tuple[int, ...], int, int]] = []  # (where, source, target)
    for where, statement in _placed(function["blocks"]):
        kind, stmt = statement["type"], statement["stmt"]
        for local in _written_by(statement):
            writes.setdefault(local, []).append(where)
        if kind == "AssignVarStmt" and stmt["source"].get("type") == "local":
            copies.append((where, stmt["source"]["value"], stmt["target"]))
    fixed = set(GLOBAL_LOCALS) | set(function["params"])
    pinned = fixed | {function["return"]}
    replace: dict[int, int] = {}
    dropped: set[tuple[int, ...]] = set()
    for where, source, target in copies:
        if target in pinned or writes.get(target) != [where] or source == target:
            continue
        if source not in fixed:
            sources = writes.get(source, [])
            if len(sources) != 1 or not _before(sources[0], where):
                continue
        replace[target] = source
        dropped.add(where)
    if not replace:
        return function

    def final(local: int) -> int:
        while local in replace:
            local = replace[local]
        return local

    def rewrite(blocks: list[dict[str, Any]], at: tuple[int, ...]) -> list[dict[str, Any]]:
        out = []
        for b, block in enumerate(blocks):
            stmts = []
            for i, statement in enumerate(block["stmts"]):
                where = at + (b, i)
                if where in dropped:
                    continue
                kind, stmt = statement["type"], dict(statement["stmt"])
                reads, _ = statement_locals(kind, stmt)
                for name, value in stmt.items():
                    if name == "block":
                        stmt[name] = rewrite([value], where)[0]
                    elif name == "blocks":
                        stmt[name] = rewrite(value, where)
                    elif isinstance(value, dict) and value.get("type") == "local":
                        stmt[name] = {**value, "value": final(value["value"])}
                    elif isinstance(value, list):
                        stmt[name] = [{**v, "value": final(v["value"])} if isinstance(v, dict) and v.get("type") == "local"
                                      else v for v in value]
                    elif name in LOCAL_FIELDS[kind] and value in reads and isinstance(value, int):
                        stmt[name] = final(value)
                stmts.append({**statement, "stmt": stmt})
            out.append({**block, "stmts": stmts})
        return out

    return {**function, "blocks": rewrite(function["blocks"], ())}


def _placed(blocks: list[dict[str, Any]], at: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], dict[str, Any]]]:
    """Every statement with its place: (block, statement, nested block, statement, ...)."""
    for b, block in enumerate(blocks):
        for i, statement in enumerate(block["stmts"]):
            where = at + (b, i)
            yield where, statement
            stmt = statement["stmt"]
            yield from _placed(([stmt["block"]] if "block" in stmt else []) + stmt.get("blocks", []), where)


def _before(earlier: tuple[int, ...], later: tuple[int, ...]) -> bool:
    """``earlier`` is a statement before ``later`` in the same block, or before the statement
    of that block ``later`` is nested in, or ``later`` is nested in ``earlier`` (a scan, whose
    key and value hold for each turn of its block)."""
    block = earlier[:-1]
    return len(later) > len(block) and later[:len(block)] == block and (
        later[len(block)] > earlier[-1] or (len(later) > len(earlier) and later[len(block)] == earlier[-1]))


# Statements after which their target surely holds a value.
_DEFINING = frozenset({"MakeObjectStmt", "MakeArrayStmt", "MakeSetStmt", "MakeNullStmt", "MakeNumberRefStmt",
                       "MakeNumberIntStmt", "AssignIntStmt"})


def without_sure_definedness_checks(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The plan without each ``IsDefinedStmt`` of a local that surely holds a value there:
    made earlier in the block (an object, array, set, null or number), assigned a constant
    or a local that surely holds one, or checked already, and not written since."""
    try:
        _known(plan)
    except (Unknown, KeyError, TypeError):
        return None

    def check(block: dict[str, Any], defined: set[int]) -> dict[str, Any]:
        defined = set(defined)
        kept = []
        for statement in block["stmts"]:
            kind, stmt = statement["type"], statement["stmt"]
            if kind == "IsDefinedStmt" and stmt["source"] in defined:
                continue
            inner = ([stmt["block"]] if "block" in stmt else []) + stmt.get("blocks", [])
            if inner:  # what a nested block writes may be written again on each turn, or reset
                changed = _written_within(inner) | _written_by(statement)
                stmt = _with_inner(stmt, lambda b: check(b, defined - changed))
                defined -= changed
            else:
                written = _written_by(statement)
                source = stmt.get("source")
                if kind in _DEFINING or (kind == "AssignVarStmt" and (
                        source.get("type") in ("bool", "string_index") or source.get("value") in defined
                        and source.get("type") == "local")):
                    defined |= written
                elif kind == "IsDefinedStmt":
                    defined.add(stmt["source"])
                else:
                    defined -= written
            kept.append({**statement, "stmt": stmt})
        return {**block, "stmts": kept}

    return _each_block(plan, lambda block: check(block, set()))


def _written_by(statement: dict[str, Any]) -> set[int]:
    kind, stmt = statement["type"], statement["stmt"]
    if kind == "AssignVarOnceStmt":
        return {stmt["target"]}
    if kind == "ScanStmt":
        return {stmt["key"], stmt["value"]}
    return statement_locals(kind, stmt)[1]


def _written_within(blocks: list[dict[str, Any]]) -> set[int]:
    return {local for statement, _ in statements(blocks) for local in _written_by(statement)}


def without_nested_tails(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The plan with each ``BlockStmt`` of one block that ends a function's block, or a block
    of a ``BlockStmt``, replaced by that block's statements: each caller of such a block goes
    on alike whether it held or not, so one level of blocks less changes nothing. Not where
    the block holds a ``BreakStmt`` (it counts the levels it leaves), nor in a plan's own
    blocks (a plan stops at the first that does not hold)."""
    try:
        _known(plan)
    except (Unknown, KeyError, TypeError):
        return None

    def flat(block: dict[str, Any]) -> dict[str, Any]:
        stmts = [_with_inner_flat(statement) for statement in block["stmts"]]
        while stmts and stmts[-1]["type"] == "BlockStmt" and len(stmts[-1]["stmt"]["blocks"]) == 1 \
                and not any(s["type"] == "BreakStmt" for s, _ in statements(stmts[-1]["stmt"]["blocks"])):
            stmts = stmts[:-1] + stmts[-1]["stmt"]["blocks"][0]["stmts"]
        return {**block, "stmts": stmts}

    def _with_inner_flat(statement: dict[str, Any]) -> dict[str, Any]:
        stmt = statement["stmt"]
        if statement["type"] == "BlockStmt":
            return {**statement, "stmt": {**stmt, "blocks": [flat(b) for b in stmt["blocks"]]}}
        return {**statement, "stmt": _with_inner(stmt, lambda b: {**b, "stmts": [_with_inner_flat(s) for s in b["stmts"]]})}

    functions = [{**f, "blocks": [flat(b) for b in f["blocks"]]} for f in plan["funcs"]["funcs"]]
    plans = [{**p, "blocks": [{**b, "stmts": [_with_inner_flat(s) for s in b["stmts"]]} for b in p["blocks"]]}
             for p in plan["plans"]["plans"]]
    return {**plan, "funcs": {**plan["funcs"], "funcs": functions}, "plans": {**plan["plans"], "plans": plans}}


def uncached_single_calls(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The plan with each rule that runs at most once per query taking one argument more
    (input again), so that rego-cpp does not keep its value: a function of input and data
    alone called from one place only, outside any loop, by a plan or by a function that also
    runs at most once per query."""
    try:
        _known(plan)
    except (Unknown, KeyError, TypeError):
        return None
    functions = {f["name"]: f for f in plan["funcs"]["funcs"]}
    sites: dict[str, list[tuple[str | None, bool]]] = {name: [] for name in functions}  # (caller; None: a plan, in a loop)
    callers = [(f["name"], f) for f in plan["funcs"]["funcs"]] + [(None, p) for p in plan["plans"]["plans"]]
    for caller, unit in callers:
        for statement, in_loop in statements(unit["blocks"]):
            if statement["type"] == "CallStmt" and statement["stmt"]["func"] in functions:
                sites[statement["stmt"]["func"]].append((caller, in_loop))
    once: set[str] = set()  # run at most once per query: cached, or (below) called once
    for name, function in functions.items():
        if list(function["params"]) == list(GLOBAL_LOCALS):
            once.add(name)
    uncached: set[str] = set()
    changed = True
    while changed:  # a caller found to run once makes its callees' single calls count as once
        changed = False
        for name in sorted(once - uncached):
            if len(sites[name]) == 1:
                caller, in_loop = sites[name][0]
                if not in_loop and (caller is None or caller in once):
                    uncached.add(name)
                    changed = True
    if not uncached:
        return plan
    fresh = iter(range(max(highest_locals(plan)) + 1, 1 << 62))
    spare = {name: next(fresh) for name in sorted(uncached)}

    def widen(block: dict[str, Any]) -> dict[str, Any]:
        out = []
        for statement in block["stmts"]:
            stmt = _with_inner(statement["stmt"], widen)
            if statement["type"] == "CallStmt" and stmt["func"] in spare:
                stmt = {**stmt, "args": [*stmt["args"], {"type": "local", "value": GLOBAL_LOCALS[0]}]}
            out.append({**statement, "stmt": stmt})
        return {**block, "stmts": out}

    widened = _each_block(plan, widen)
    for function in widened["funcs"]["funcs"]:
        if function["name"] in spare:
            function["params"] = [*function["params"], spare[function["name"]]]
    return widened


def with_short_names(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with each function named by its place in the plan's list ("0", "1", ...):
    no builtin has a name of digits alone."""
    names = {f["name"]: str(i) for i, f in enumerate(plan["funcs"]["funcs"])}

    def rename(block: dict[str, Any]) -> dict[str, Any]:
        out = []
        for statement in block["stmts"]:
            stmt = _with_inner(statement["stmt"], rename)
            if statement["type"] == "CallStmt" and stmt["func"] in names:
                stmt = {**stmt, "func": names[stmt["func"]]}
            out.append({**statement, "stmt": stmt})
        return {**block, "stmts": out}

    renamed = _each_block(plan, rename)
    for function in renamed["funcs"]["funcs"]:
        function["name"] = names[function["name"]]
    return renamed


def _answers_only_true(function: dict[str, Any]) -> bool:
    """The function's value is ``true`` whenever it has one: its return local is written
    only with ``true`` (or reset), and each return checks first that it is defined."""
    result = function["return"]
    written = False
    for block in _blocks(function["blocks"]):
        previous: dict[str, Any] | None = None
        for statement in block["stmts"]:
            kind, stmt = statement["type"], statement["stmt"]
            if kind == "ReturnLocalStmt" and not (
                    stmt["source"] == result and previous is not None and previous["type"] == "IsDefinedStmt"
                    and previous["stmt"]["source"] == result):
                return False
            for name in LOCAL_FIELDS[kind]:
                if stmt.get(name) != result:
                    continue
                if kind in ("AssignVarStmt", "AssignVarOnceStmt") and stmt["source"] == TRUE:
                    written = True
                elif kind not in ("ResetLocalStmt", "IsDefinedStmt", "IsUndefinedStmt", "ReturnLocalStmt"):
                    return False
            previous = statement
    return written


def _known(plan: dict[str, Any]) -> None:
    """Raises Unknown for a statement whose locals are not known here (``planslots``)."""
    for unit in [*plan["funcs"]["funcs"], *plan["plans"]["plans"]]:
        for statement, _ in statements(unit["blocks"]):
            statement_locals(statement["type"], statement["stmt"])


def _called(unit: dict[str, Any], functions: dict[str, Any]) -> set[str]:
    return {statement["stmt"]["func"] for statement, _ in statements(unit["blocks"])
            if statement["type"] == "CallStmt" and statement["stmt"]["func"] in functions}


def _blocks(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        yield block
        for statement in block["stmts"]:
            stmt = statement["stmt"]
            yield from _blocks(([stmt["block"]] if "block" in stmt else []) + stmt.get("blocks", []))


def _with_inner(stmt: dict[str, Any], change: Any) -> dict[str, Any]:
    """stmt with its nested blocks changed by ``change``."""
    if "block" in stmt:
        stmt = {**stmt, "block": change(stmt["block"])}
    if "blocks" in stmt:
        stmt = {**stmt, "blocks": [change(b) for b in stmt["blocks"]]}
    return stmt


def _each_block(plan: dict[str, Any], change: Any) -> dict[str, Any]:
    def unit(u: dict[str, Any]) -> dict[str, Any]:
        return {**u, "blocks": [change(b) for b in u["blocks"]]}

    return {
        **plan,
        "funcs": {**plan["funcs"], "funcs": [unit(f) for f in plan["funcs"]["funcs"]]},
        "plans": {**plan["plans"], "plans": [unit(p) for p in plan["plans"]["plans"]]},
    }
