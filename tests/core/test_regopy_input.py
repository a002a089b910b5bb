"""The input is loaded into regopy node by node when that is exact, and policies read the
same document either way; long lists and objects load in linear time."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy_pdp.core.engine import EvaluationError, OpaGoEngine, RegoEngine, _regopy_json, _regopy_query
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regopy_input import TERM_MAX_ITEMS, _the_builder, load_input

from strategies import examples

# What a policy can see of a document: the value itself, and what string and number
# builtins make of its leaves.
ECHO = """package echo

import rego.v1

document := input

leaves := [[path, describe(value)] | walk(input, [path, value]); not is_object(value); not is_array(value)]

describe(value) := {"type": type_name(value), "length": count(value), "sorted": sort(split(value, ""))} if is_string(value)

describe(value) := {"type": type_name(value), "double": value * 2} if is_number(value)

describe(value) := {"type": type_name(value)} if {
	not is_string(value)
	not is_number(value)
}
"""

plain_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters='"\\'
                                           + "".join(map(chr, range(0x20)))))
builder_leaves = (
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | plain_text
    | st.sampled_from(["\x7f", "é€😀", "", "\u2028", "user.contact.email", "a'b", "{}[]:,"])
)
documents = st.recursive(
    builder_leaves,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(plain_text | st.sampled_from(["é", "k'q"]), inner, max_size=5),
    max_leaves=25,
)


@pytest.fixture(scope="module")
def echo() -> Any:
    engine = RegoEngine(PolicySet({"echo.rego": ECHO}, {}), ("echo/document", "echo/leaves"))
    return engine.pool.take()


@pytest.fixture(scope="module")
def interpreter(echo: Any) -> Any:
    return echo[0]


@pytest.fixture(scope="module")
def reference() -> OpaGoEngine:
    return OpaGoEngine(PolicySet({"echo.rego": ECHO}, {}))


def _in_order(leaves: list[Any]) -> list[str]:
    return sorted(json.dumps(leaf, sort_keys=True) for leaf in leaves)


@examples(400)
@given(documents.filter(lambda d: d is not None))  # a null input is no input to the OPA engine
def test_a_document_built_node_by_node_reads_as_opa_reads_it(echo: Any, reference: OpaGoEngine, document: Any) -> None:
    interpreter, bundle = echo
    assert _the_builder().set_input(interpreter._impl, document)  # every leaf here is held exactly
    assert _regopy_query(interpreter, bundle, "echo/document") == (True, [document])
    ok, [leaves] = _regopy_query(interpreter, bundle, "echo/leaves")
    assert _in_order(leaves) == _in_order(reference.evaluate("echo/leaves", document).value)  # walks differ in order


@pytest.mark.parametrize("value", [0.5, 2**63, -(2**63) - 1, "nul\x00inside", "lone \ud800", {"k\x00": 1},
                                   [1, [2, {"x": 1e-7}]], (1, 2), 'a "quote"', "back\\slash", "new\nline",
                                   {"\x1f": 1}])
def test_leaves_the_builder_would_change_go_in_as_json_text(interpreter: Any, value: Any) -> None:
    assert not _the_builder().set_input(interpreter._impl, {"v": value})
    texts: list[Any] = []
    load_input(interpreter, {"v": value}, lambda v: texts.append(v) or _regopy_json(v))
    assert texts == [{"v": value}]


def test_long_lists_and_objects_go_in_node_by_node() -> None:
    # As JSON text, 40,000 items in one list took 4 s and in one object 8 s (the square of
    # the length); built node by node, both take about a millisecond per thousand items.
    engine = RegoEngine(PolicySet({"p.rego": "package p\n\nimport rego.v1\n\nsizes := [count(input.l), count(input.o)]\n"},
                                  {}), ("p/sizes",))
    interpreter, bundle = engine.pool.take()
    n = 40_000

    def no_text(value: Any) -> str:
        raise AssertionError("sent as JSON text")

    load_input(interpreter, {"l": list(range(n)), "o": {f"k{i}": i for i in range(n)}}, no_text)
    assert _regopy_query(interpreter, bundle, "p/sizes") == (True, [[n, n]])


def test_a_long_list_the_builder_cannot_hold_is_refused_not_parsed_for_minutes() -> None:
    engine = RegoEngine(PolicySet({"p.rego": "package p\n\nimport rego.v1\n\nn := count(input.l)\n"}, {}), ("p/n",))
    assert engine.evaluate("p/n", {"l": [0.5] * TERM_MAX_ITEMS}).value == TERM_MAX_ITEMS
    with pytest.raises(EvaluationError, match="PDP_ENGINE=opa"):
        engine.evaluate("p/n", {"l": [0.5] * (TERM_MAX_ITEMS + 1)})


def test_an_input_that_contains_itself_is_refused_not_walked_for_ever() -> None:
    engine = RegoEngine(PolicySet({"p.rego": "package p\n\nimport rego.v1\n\nn := count(input.l)\n"}, {}), ("p/n",))
    looped: dict[str, Any] = {"l": [1.5]}
    looped["l"].append(looped)
    with pytest.raises(EvaluationError, match="contains itself"):
        engine.evaluate("p/n", looped)
    shared = [1.5, 2.5]  # the same list twice is no loop: it is read as two equal lists
    assert engine.evaluate("p/n", {"l": [shared, shared, 0.5]}).value == 3
