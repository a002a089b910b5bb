"""Why a Rego test failed: the expression of its body that failed, and the values it saw.

The runner evaluates a failed test once more under OPA with the trace on
(``eval_document(..., trace=True)``). OPA's trace records each expression it evaluates and
each that fails (``Fail``), with the local variables bound at that point under their names
in the source. The failing expression is the furthest ``Fail`` in the test rule's own body
(the body backtracks from there); its text comes from the source (``core.regosource``), and
the values shown are those of the variables it uses (``d``, the decision it checked). For a
comparison (``d.allow == true``) each side is also evaluated under OPA with those values
bound, so the output reads as actual and expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from privacy_pdp.core.regosource import Expr, parse_module, tokenize

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
SIDE = "__pdp_side"  # the variable a comparison's side is bound to
MAX_VALUE_CHARS = 2000  # a value longer than this is cut in the human output (never in JUnit's)


@dataclass(frozen=True)
class Failure:
    file: str
    line: int
    expression: str  # as written in the test
    values: dict[str, Any] = field(default_factory=dict)  # the variables it uses
    actual: tuple[str, Any] | None = None  # (side as written, its value), for a comparison
    expected: tuple[str, Any] | None = None

    def lines(self, limit: int | None = MAX_VALUE_CHARS) -> list[str]:
        """The failure as text, one item per line."""
        out = [f"failed at {self.file}:{self.line}: {_one_line(self.expression)}"]
        if self.actual is not None and self.expected is not None:
            out.append(f"  actual   {_side(self.actual, limit)}")
            out.append(f"  expected {_side(self.expected, limit)}")
        shown = self.actual[0] if self.actual is not None else None
        for name, value in self.values.items():
            if name != shown:
                out.append(f"  {name} = {_dump(value, limit)}")
        return out


QueryEvaluator = Callable[[str], Any]  # a Rego query -> the value it binds to SIDE (raises if none)


def explain(trace: list[dict[str, Any]] | None, file: str, source: str, test_name: str,
            query: QueryEvaluator | None = None) -> Failure | None:
    """The failure of test test_name (in file, whose text is source) from OPA's trace of it;
    None when the trace does not show one."""
    if not trace:
        return None
    module = parse_module(source, file)
    rules = [r for r in module.rules if r.name == test_name]
    if not rules:
        return None
    heads = {f"{file}:{r.line}" for r in rules}
    bodies = {e.get("query_id") for e in trace if e.get("op") == "Enter" and e.get("location") in heads}
    failed = [e for e in trace if e.get("op") == "Fail" and e.get("query_id") in bodies and _row(e, file)]
    if not failed:
        return None
    event = max(failed, key=lambda e: _row(e, file) or 0)  # the body went furthest to there
    row = _row(event, file) or 0
    exprs = [x for r in rules for b in r.bodies for x in b.exprs if x.span.start_line <= row <= x.span.end_line]
    expression = exprs[0].text if exprs else source.splitlines()[row - 1].strip() if row else str(event.get("node"))
    local = {k: v for k, v in (event.get("locals") or {}).items() if not k.startswith("__")}
    used = _names(expression)
    values = {k: v for k, v in local.items() if k in used}
    actual = expected = None
    if exprs and query is not None:
        sides = _comparison(exprs[0])
        if sides is not None:
            actual, expected = _evaluate_sides(sides, local, query)
    return Failure(file, row, expression, values, actual, expected)


def _row(event: dict[str, Any], file: str) -> int | None:
    """The row of an event located in file (OPA writes locations as file:row)."""
    location = event.get("location")
    if not isinstance(location, str) or not location.startswith(file + ":"):
        return None
    tail = location[len(file) + 1 :].split(":")[0]
    return int(tail) if tail.isdigit() else None


def _names(text: str) -> set[str]:
    return {t.text for t in tokenize(text) if t.kind == "ident"}


def _comparison(expr: Expr) -> tuple[str, str] | None:
    """The two sides of an expression that is one comparison at its top level."""
    if expr.keyword or expr.has_with or expr.binds:
        return None
    tokens = tokenize(expr.text)
    depth, found = 0, []
    for token in tokens:
        if token.is_op("(", "[", "{"):
            depth += 1
        elif token.is_op(")", "]", "}"):
            depth -= 1
        elif depth == 0 and token.is_op(*COMPARISONS):
            found.append(token)
    if len(found) != 1:
        return None
    left, right = expr.text[: found[0].start].strip(), expr.text[found[0].end :].strip()
    return (left, right) if left and right else None


def _evaluate_sides(sides: tuple[str, str], local: dict[str, Any], query: QueryEvaluator
                    ) -> tuple[tuple[str, Any] | None, tuple[str, Any] | None]:
    """(actual, expected): each side's value with the test's variables bound. The side
    written as a constant is the expected one (the right side when neither is)."""
    values = []
    for side in sides:
        bound = "; ".join(f"{k} := {json.dumps(v)}" for k, v in local.items() if k in _names(side))
        try:
            values.append(query(f"{bound + '; ' if bound else ''}{SIDE} := ({side})"))
        except Exception:  # a side that needs the test's package (an import, a helper): not shown
            return None, None
    left, right = (sides[0], values[0]), (sides[1], values[1])
    if _is_constant(sides[0]) and not _is_constant(sides[1]):
        return right, left
    return left, right


def _is_constant(text: str) -> bool:
    return not any(t.kind == "ident" and t.text not in ("true", "false", "null") for t in tokenize(text))


def _side(side: tuple[str, Any], limit: int | None) -> str:
    """`text = value`, or the value alone when the text is a constant (the value written out)."""
    text, value = side
    dumped = _dump(value, limit)
    return dumped if _is_constant(text) else f"{_one_line(text)} = {dumped}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _dump(value: Any, limit: int | None) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if limit is None or len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
