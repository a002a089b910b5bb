"""JSON text from outside, read strictly: what a decision may be asked about.

JSON has no NaN or Infinity, and a number beyond a double's range (1e400) has no value any
engine, cache key or log line could carry; Python's parser takes all three (the last as
infinity). Two copies of a key are refused too: parsers disagree on which one wins, and a
decision must not depend on that. Every reader of a decision input from outside (the HTTP
bodies and query strings, the Query API's ``with input as``, the command line) reads it here.
"""

from __future__ import annotations

import json
from typing import Any

_INFINITY = float("inf")


def loads(text: str) -> Any:
    """The value of text; ValueError naming the problem (RecursionError when too deep)."""
    return _decoder().decode(text)


def decode_at(text: str, start: int) -> tuple[Any, int]:
    """The value that starts at ``start`` in text, and where it ends (JSON inside other text)."""
    return _decoder().raw_decode(text, start)


def _decoder() -> json.JSONDecoder:
    return json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float, object_pairs_hook=_unique_keys)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (_INFINITY, -_INFINITY):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {json.dumps(key)}")
            seen.add(key)
    return document
