"""Fewer frame slots in a plan compiled by rego-cpp: the same plan, numbered tighter.

rego-cpp numbers the locals of a compiled plan once for the whole plan, and every query runs
in a frame with a slot for each of them, reached or not. Every builtin call copies that frame
(``VirtualMachine::run_call`` captures the evaluation state by value), so the cost of a
builtin call grows with the plan: the decision's plan has about 4,000 locals, a decision
makes about a hundred builtin calls, and 4,000 slots more (unreached) cost 0.8 ms a decision.

In the plan's IR a local belongs to one function (OPA's IR spec: a function's locals are
its own), so functions that are never active at the same time can use the same slots, and
so can two locals of one function that are never live at the same time. ``compact`` gives
each function as few slots as the most of its locals live at one place (``_live_ranges``:
from the first statement that names a local to the last, in the order statements run, a
range that meets a loop's body and reaches outside it spanning the whole loop), and lays
them from the highest slot any function calling it uses: a stack over the call graph, which
Rego keeps free of cycles. A function's slots then never meet those of a function above it
in any call chain, and the decision's plan needs 97 slots instead of 3,990 (455 with a slot
for each local of a function).

A slot shared with a function that ran before holds that function's last value when the
next one starts, where it held the next one's own last value before (rego-cpp's virtual
machine keeps one frame for the whole query and clears nothing when a function is called).
So ``compact`` also checks that every function reads a local only where the function
itself has written or reset it on every path there (``reads_written``): what a slot held
before the call is then never seen. The plan's entry blocks may read a fresh slot (they
run first, in a fresh frame, and no function's slots overlap theirs).

Only the statements whose locals are known here are renumbered. A plan with any other
statement (``WithStmt``, ``CallDynamicStmt``, a kind a later rego-cpp adds) is left alone:
``compact`` answers None and the plan is served as built.
"""

from __future__ import annotations

import heapq
from typing import Any, Callable, Iterator

# Per statement, the fields that hold a local's number as a bare integer. Operands (an
# object with "type": "local") are locals wherever they appear.
LOCAL_FIELDS: dict[str, frozenset[str]] = {
    "ArrayAppendStmt": frozenset({"array"}),
    "AssignIntStmt": frozenset({"target"}),
    "AssignVarOnceStmt": frozenset({"target"}),
    "AssignVarStmt": frozenset({"target"}),
    "BlockStmt": frozenset(),
    "BreakStmt": frozenset(),
    "CallStmt": frozenset({"result"}),
    "DotStmt": frozenset({"target"}),
    "EqualStmt": frozenset(),
    "IsArrayStmt": frozenset(),
    "IsDefinedStmt": frozenset({"source"}),
    "IsObjectStmt": frozenset(),
    "IsSetStmt": frozenset(),
    "IsUndefinedStmt": frozenset({"source"}),
    "LenStmt": frozenset({"target"}),
    "MakeArrayStmt": frozenset({"target"}),
    "MakeNullStmt": frozenset({"target"}),
    "MakeNumberIntStmt": frozenset({"target"}),
    "MakeNumberRefStmt": frozenset({"target"}),
    "MakeObjectStmt": frozenset({"target"}),
    "MakeSetStmt": frozenset({"target"}),
    "NopStmt": frozenset(),
    "NotEqualStmt": frozenset(),
    "NotStmt": frozenset(),
    "ObjectInsertOnceStmt": frozenset({"object"}),
    "ObjectInsertStmt": frozenset({"object"}),
    "ObjectMergeStmt": frozenset({"a", "b", "target"}),
    "ResetLocalStmt": frozenset({"target"}),
    "ResultSetAddStmt": frozenset({"value"}),
    "ReturnLocalStmt": frozenset({"source"}),
    "ScanStmt": frozenset({"source", "key", "value"}),
    "SetAddStmt": frozenset({"set"}),
}
# Bare integers that are not locals: constants, a block to break out of, a string's index,
# and where in the source a statement came from.
NOT_LOCALS = frozenset({"capacity", "index", "value", "file", "row", "col"})
GLOBAL_LOCALS = (0, 1)  # input and data, shared by every function
LOCATION_FIELDS = frozenset({"file", "row", "col"})


class Unknown(Exception):
    """A statement or field this module does not know: the plan is left as built."""


def compact(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The plan with its locals renumbered as the module says, or None when it holds
    anything not known here (or calls in a cycle)."""
    try:
        functions = {f["name"]: f for f in plan["funcs"]["funcs"]}
        roots = {f"plan:{p['name']}": p for p in plan["plans"]["plans"]}
        units = {**functions, **roots}
        if not all(reads_written(f) for f in functions.values()):
            return None
        colors = {name: _slot_colors(_live_ranges(unit)) for name, unit in units.items()}
        sizes = {name: max(own.values(), default=-1) + 1 for name, own in colors.items()}
        calls = {name: _callees(unit["blocks"], functions) for name, unit in units.items()}
        bases = _bases(list(roots), calls, sizes)
        renumbered = {name: _renumber(unit, {local: bases.get(name, len(GLOBAL_LOCALS)) + color
                                             for local, color in colors[name].items()})
                      for name, unit in units.items()}  # an unreached function: no frame at all, any slots
    except (Unknown, KeyError, TypeError, RecursionError):
        return None
    compacted = {
        **plan,
        "funcs": {**plan["funcs"], "funcs": [renumbered[f["name"]] for f in plan["funcs"]["funcs"]]},
        "plans": {**plan["plans"], "plans": [renumbered[f"plan:{p['name']}"] for p in plan["plans"]["plans"]]},
    }
    return _number_strings_first(with_every_slot_counted(compacted))


def with_every_slot_counted(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with a frame large enough for every parameter.

    rego-cpp sizes the frame by the highest local its statements name; a parameter no
    statement names (one the function does not read) can lie above it, and the plan check
    then refuses every query (in regopy 1.5.2, by ending the process). A reset of that slot
    at the start of the first plan names it: the frame starts empty, so it changes nothing."""
    named, needed = highest_locals(plan)
    if needed <= named or not plan["plans"]["plans"]:
        return plan
    first, *rest = plan["plans"]["plans"]
    blocks = first["blocks"] or [{"stmts": []}]
    reset = {"type": "ResetLocalStmt", "stmt": {"target": needed}}
    first = {**first, "blocks": [{**blocks[0], "stmts": [reset, *blocks[0]["stmts"]]}, *blocks[1:]]}
    return {**plan, "plans": {**plan["plans"], "plans": [first, *rest]}}


# Statements whose bare-integer field only writes its local: a local named there alone is
# never read. (AssignVarOnceStmt also compares with what its target holds: a read.)
WRITE_ONLY = {
    "AssignVarStmt": "target", "CallStmt": "result", "DotStmt": "target", "LenStmt": "target",
    "MakeArrayStmt": "target", "MakeNullStmt": "target", "MakeNumberIntStmt": "target",
    "MakeNumberRefStmt": "target", "MakeObjectStmt": "target", "MakeSetStmt": "target",
    "ObjectMergeStmt": "target", "ResetLocalStmt": "target", "AssignIntStmt": "target",
}


def without_dead_flags(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The plan without its dead flags: ``AssignVarStmt`` of a constant to a local that no
    statement reads. rego-cpp's compiler writes ``true`` to a fresh local after most
    expressions (644 of the decision plan's 7,658 statements), and none can fail.

    For a plan as built, whose locals are numbered once for the whole plan (a local is
    then one function's); None when the plan holds a statement not known here."""
    read: set[int] = set()
    try:
        for unit in [*plan["funcs"]["funcs"], *plan["plans"]["plans"]]:
            read.update(unit.get("params", ()))
            if "return" in unit:
                read.add(unit["return"])
            for block in unit["blocks"]:
                _reads(block, read)
    except (Unknown, KeyError, TypeError):
        return None

    def keep(statement: dict[str, Any]) -> bool:
        stmt = statement["stmt"]
        return not (statement["type"] == "AssignVarStmt" and stmt["source"].get("type") == "bool"
                    and stmt["target"] not in read)

    def prune(block: dict[str, Any]) -> dict[str, Any]:
        out = []
        for statement in block["stmts"]:
            if not keep(statement):
                continue
            stmt = statement["stmt"]
            if "block" in stmt:
                stmt = {**stmt, "block": prune(stmt["block"])}
            if "blocks" in stmt:
                stmt = {**stmt, "blocks": [prune(b) for b in stmt["blocks"]]}
            out.append({**statement, "stmt": stmt})
        return {**block, "stmts": out}

    def pruned(unit: dict[str, Any]) -> dict[str, Any]:
        return {**unit, "blocks": [prune(b) for b in unit["blocks"]]}

    return {
        **plan,
        "funcs": {**plan["funcs"], "funcs": [pruned(f) for f in plan["funcs"]["funcs"]]},
        "plans": {**plan["plans"], "plans": [pruned(p) for p in plan["plans"]["plans"]]},
    }


def _reads(block: dict[str, Any], read: set[int]) -> None:
    for statement in block["stmts"]:
        stmt = statement["stmt"]
        read |= statement_locals(statement["type"], stmt)[0]
        for inner in ([stmt["block"]] if "block" in stmt else []) + stmt.get("blocks", []):
            _reads(inner, read)


def without_locations(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan without the source location of each statement (``file``, ``row``, ``col``).

    rego-cpp keeps every statement of a loaded plan in memory with its fields; the locations
    are a seventh of it (14 MiB of 70 here), and nothing reads them: the service reports an
    evaluation error by the path evaluated, not by regopy's location."""

    def strip(node: Any) -> Any:
        if isinstance(node, list):
            return [strip(v) for v in node]
        if not isinstance(node, dict):
            return node
        if "stmt" in node:
            return {**node, "stmt": {k: strip(v) for k, v in node["stmt"].items() if k not in LOCATION_FIELDS}}
        return {k: strip(v) for k, v in node.items()}

    return {**plan, "funcs": strip(plan["funcs"]), "plans": strip(plan["plans"])}


def slots(plan: dict[str, Any]) -> int:
    """The frame a plan needs: one more than its highest local."""
    found: set[int] = set(GLOBAL_LOCALS)
    for unit in [*plan["funcs"]["funcs"], *plan["plans"]["plans"]]:
        found |= set(_own_locals(unit))
    return max(found) + 1


def highest_locals(plan: dict[str, Any]) -> tuple[int, int]:
    """(the highest local any statement names, the highest any parameter or return local is)."""
    named = needed = max(GLOBAL_LOCALS)
    for unit in [*plan["funcs"]["funcs"], *plan["plans"]["plans"]]:
        needed = max([needed, *unit.get("params", ()), unit.get("return", 0)])
        for statement, _ in statements(unit["blocks"]):
            reads, writes = statement_locals(statement["type"], statement["stmt"])
            stmt = statement["stmt"]
            scanned = {stmt["key"], stmt["value"]} if statement["type"] == "ScanStmt" else set()
            named = max([named, *reads, *writes, *scanned])
    return named, needed


def statements(blocks: list[dict[str, Any]], in_loop: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every statement in blocks, however deep, and whether it is inside a scan."""
    for block in blocks:
        for statement in block["stmts"]:
            yield statement, in_loop
            stmt = statement["stmt"]
            inner = ([stmt["block"]] if "block" in stmt else []) + stmt.get("blocks", [])
            yield from statements(inner, in_loop or statement["type"] == "ScanStmt")


# Statements that cannot fail: the ones before any other in a block always run, and what they
# write is written for the blocks after it too.
CANNOT_FAIL = frozenset({"ResetLocalStmt", "MakeNullStmt", "MakeNumberRefStmt", "MakeNumberIntStmt",
                         "MakeObjectStmt", "MakeArrayStmt", "MakeSetStmt", "NopStmt"})


def reads_written(function: dict[str, Any]) -> bool:
    """Every local the function reads is one it has written (or reset) on every path to the
    read, or a parameter: nothing it reads was left in a slot by an earlier call."""
    entry = set(function.get("params", ())) | set(GLOBAL_LOCALS)
    return _blocks_read_written(function["blocks"], entry)


def _blocks_read_written(blocks: list[dict[str, Any]], written: set[int]) -> bool:
    written = set(written)
    for block in blocks:  # blocks in a row each run, whether the one before failed or not
        if not _block_reads_written(block, written):
            return False
        for statement in block["stmts"]:
            kind, stmt = statement["type"], statement["stmt"]
            if kind in CANNOT_FAIL or (kind == "AssignVarStmt" and stmt["source"].get("type") == "bool"):
                written |= statement_locals(kind, stmt)[1]
            else:
                break
    return True


def _block_reads_written(block: dict[str, Any], written: set[int]) -> bool:
    written = set(written)
    for statement in block["stmts"]:
        kind, stmt = statement["type"], statement["stmt"]
        reads, writes = statement_locals(kind, stmt)
        if not reads <= written:
            return False
        if kind == "ScanStmt":
            if not _block_reads_written(stmt["block"], written | {stmt["key"], stmt["value"]}):
                return False
        elif "block" in stmt and not _block_reads_written(stmt["block"], written):
            return False
        if "blocks" in stmt and not _blocks_read_written(stmt["blocks"], written):
            return False
        written |= writes
    return True


def statement_locals(kind: str, stmt: dict[str, Any]) -> tuple[set[int], set[int]]:
    """(the locals a statement reads, those it writes), nested blocks aside."""
    if kind not in LOCAL_FIELDS:
        raise Unknown(kind)
    reads: set[int] = set()
    writes: set[int] = set()
    for name, value in stmt.items():
        if name in ("block", "blocks"):
            continue
        if isinstance(value, dict):
            if value.get("type") == "local":
                reads.add(value["value"])
        elif isinstance(value, list):
            reads.update(v["value"] for v in value if isinstance(v, dict) and v.get("type") == "local")
        elif name in LOCAL_FIELDS[kind]:
            if WRITE_ONLY.get(kind) == name:
                writes.add(value)
            elif kind == "ScanStmt" and name != "source":
                pass  # written by the scan, inside its block
            elif kind == "AssignVarOnceStmt":
                reads.add(value)  # compared with what it holds, then written
                writes.add(value)
            else:
                reads.add(value)
    return reads, writes


def _own_locals(unit: dict[str, Any]) -> list[int]:
    found: set[int] = set(unit.get("params", ()))
    if "return" in unit:
        found.add(unit["return"])
    for block in unit["blocks"]:
        _block(block, lambda n: found.add(n) or n)
    return sorted(found - set(GLOBAL_LOCALS))


def _live_ranges(unit: dict[str, Any]) -> dict[int, list[int]]:
    """Each local of a unit (its own, not input and data): the first and last place it is
    named, counting statements in the order they run, parameters named before the first and
    the return local after the last. A range that meets a scan's body and reaches outside
    it spans the whole scan: such a local is live on every turn of the loop."""
    ranges: dict[int, list[int]] = {}
    scans: list[tuple[int, int]] = []
    position = 0

    def note(local: int, at: int) -> None:
        if local not in GLOBAL_LOCALS:
            span = ranges.setdefault(local, [at, at])
            span[0], span[1] = min(span[0], at), max(span[1], at)

    def walk(block: dict[str, Any]) -> None:
        nonlocal position
        for statement in block["stmts"]:
            position += 1
            start = position
            kind, stmt = statement["type"], statement["stmt"]
            reads, writes = statement_locals(kind, stmt)
            for local in reads | writes:
                note(local, start)
            for inner in ([stmt["block"]] if "block" in stmt else []) + stmt.get("blocks", []):
                walk(inner)
            if kind == "ScanStmt":  # key and value: written on every turn, from the scan to its end
                scans.append((start, position))
                for local in (stmt["key"], stmt["value"]):
                    note(local, start)
                    note(local, position)

    for local in unit.get("params", ()):
        note(local, 0)
    for block in unit["blocks"]:
        walk(block)
    if "return" in unit:
        note(unit["return"], position + 1)
    changed = True
    while changed:
        changed = False
        for first, last in scans:
            for span in ranges.values():
                if span[0] <= last and span[1] >= first and (span[0] < first or span[1] > last):
                    widened = [min(span[0], first), max(span[1], last)]
                    if widened != span:
                        span[:] = widened
                        changed = True
    return ranges


def _slot_colors(ranges: dict[int, list[int]]) -> dict[int, int]:
    """A slot for each local, counted from 0, locals whose ranges do not meet sharing one:
    as few slots as the most locals live at one place."""
    colors: dict[int, int] = {}
    free: list[int] = []
    live: list[tuple[int, int]] = []  # (end of range, slot)
    count = 0
    for local in sorted(ranges, key=lambda n: (ranges[n][0], n)):
        start, end = ranges[local]
        while live and live[0][0] < start:
            heapq.heappush(free, heapq.heappop(live)[1])
        if free:
            color = heapq.heappop(free)
        else:
            color, count = count, count + 1
        colors[local] = color
        heapq.heappush(live, (end, color))
    return colors


def _bases(roots: list[str], calls: dict[str, set[str]], sizes: dict[str, int]) -> dict[str, int]:
    """Each reached unit's first slot: past every slot of every unit that calls it, directly
    or not (the longest chain of callers above it)."""
    order: list[str] = []  # callees before callers
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            raise Unknown(f"{name} calls itself")
        state[name] = "open"
        for callee in sorted(calls[name]):
            visit(callee)
        state[name] = "done"
        order.append(name)

    for root in roots:
        visit(root)
    bases = {name: len(GLOBAL_LOCALS) for name in order}
    for name in reversed(order):  # callers first
        for callee in calls[name]:
            bases[callee] = max(bases[callee], bases[name] + sizes[name])
    return bases


def _renumber(unit: dict[str, Any], numbers: dict[int, int]) -> dict[str, Any]:
    def local(n: int) -> int:
        return n if n in GLOBAL_LOCALS else numbers[n]

    out = {**unit, "blocks": [_block(block, local) for block in unit["blocks"]]}
    if "params" in unit:
        out["params"] = [local(n) for n in unit["params"]]
    if "return" in unit:
        out["return"] = local(unit["return"])
    return out


def _block(block: dict[str, Any], local: Callable[[int], int]) -> dict[str, Any]:
    return {**block, "stmts": [_statement(s, local) for s in block["stmts"]]}


def _statement(statement: dict[str, Any], local: Callable[[int], int]) -> dict[str, Any]:
    kind = statement["type"]
    if kind not in LOCAL_FIELDS:
        raise Unknown(kind)
    fields = LOCAL_FIELDS[kind]
    out: dict[str, Any] = {}
    for name, value in statement["stmt"].items():
        if name == "block":
            out[name] = _block(value, local)
        elif name == "blocks":
            out[name] = [_block(b, local) for b in value]
        elif name in fields:
            out[name] = local(value)
        elif isinstance(value, dict):
            out[name] = _operand(value, local)
        elif isinstance(value, list):
            out[name] = [_operand(v, local) if isinstance(v, dict) else v for v in value]
        elif name in NOT_LOCALS or name == "func" or not isinstance(value, int) or isinstance(value, bool):
            out[name] = value
        else:
            raise Unknown(f"{kind}.{name}")
    return {**statement, "stmt": out}


def _operand(operand: dict[str, Any], local: Callable[[int], int]) -> dict[str, Any]:
    if operand.get("type") == "local":
        return {**operand, "value": local(operand["value"])}
    if operand.get("type") in ("bool", "string_index"):
        return operand
    raise Unknown(f"operand {operand.get('type')}")


def _callees(node: Any, functions: dict[str, Any]) -> set[str]:
    return {item["stmt"]["func"] for item in _dicts(node)
            if item.get("type") == "CallStmt" and item["stmt"]["func"] in functions}


def _number_strings_first(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with the strings of its number literals first in its string table.

    rego-cpp's plan check holds a number literal's string index below the plan's count of
    locals (as if it were a local): with fewer locals, a literal late in the table would
    fail that check. The table is reordered instead, every reference to it with it."""
    strings = plan["static"]["strings"]
    numbers = {item["stmt"]["index"] for item in _dicts(plan["funcs"], plan["plans"])
               if item.get("type") == "MakeNumberRefStmt"}
    order = sorted(numbers) + [i for i in range(len(strings)) if i not in numbers]
    index = {old: new for new, old in enumerate(order)}

    def remap(node: Any) -> Any:
        if isinstance(node, list):
            return [remap(v) for v in node]
        if not isinstance(node, dict):
            return node
        if node.get("type") == "string_index" and "stmt" not in node:
            return {**node, "value": index[node["value"]]}
        if node.get("type") == "MakeNumberRefStmt":
            return {**node, "stmt": {**node["stmt"], "index": index[node["stmt"]["index"]]}}
        return {k: remap(v) for k, v in node.items()}

    return {
        **plan,
        "static": {**plan["static"], "strings": [strings[i] for i in order]},
        "funcs": remap(plan["funcs"]),
        "plans": remap(plan["plans"]),
    }


def _dicts(*nodes: Any) -> Iterator[dict[str, Any]]:
    """Every object in nodes, however deep."""
    stack = list(nodes)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
