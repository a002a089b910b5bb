"""The canonical form of an event is one: whichever writer produced it (orjson where it can,
the standard library where the two could differ), the bytes are the standard writer's."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy_pdp.server.decision_log.chain import CHAIN_FIELDS, canonical


def standard(event: dict[str, Any]) -> bytes:
    event = {k: v for k, v in event.items() if k not in CHAIN_FIELDS}  # the chain's own fields are not hashed
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text()
    | st.sampled_from(["\x7f", "\x00\x1f", "é", "\ud800", "user.contact.email", "a\"b\\c", "€"])
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                      max_leaves=20)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.text(max_size=8) | st.sampled_from(CHAIN_FIELDS), values, max_size=6))
def test_canonical_is_the_standard_writers_bytes(event: dict[str, Any]) -> None:
    assert canonical(event) == standard(event)


@pytest.mark.parametrize("value", [1e16, 1e-7, 0.00008907500908926642, 30.5, -0.0, 2**64, "\x7f", "ü", {"k": [1.5]}])
def test_values_the_fast_writer_would_write_differently_come_out_standard(value: Any) -> None:
    event = {"input": {"x": value}, "decision_id": "d"}
    assert canonical(event) == standard(event)


@pytest.mark.parametrize("value", [math.nan, [math.inf], {"y": [1, -math.inf]}])
def test_nan_and_infinity_are_refused_as_before(value: Any) -> None:
    # orjson would write them as null, which the float check must not take for a null
    with pytest.raises(ValueError):
        canonical({"input": {"x": value}})


def test_a_queued_line_takes_the_memory_of_its_bytes() -> None:
    line = canonical({"decision_id": "d", "input": {"company": "kallu"}})
    assert sys.getsizeof(line) < len(line) + 64  # not orjson's 4 KiB buffer


class _Float(float):
    pass


class _Dict(dict):
    pass


@pytest.mark.parametrize("value", [_Float(1e16), _Dict(x=1e-7), (1, 2.5e20), [True, None, "s", _Dict(y=[1e300])]])
def test_subclasses_and_tuples_holding_floats_come_out_standard(value: Any) -> None:
    event = {"input": {"x": value}, "decision_id": "d"}
    assert canonical(event) == standard(event)
