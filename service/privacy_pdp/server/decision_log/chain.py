"""The hash chain that makes the decision log tamper-evident, and the line format.

Every event is one line of JSON:

    {"hash":"<H>","prev_hash":"<P>",<the event's other fields, canonical>}

where the event's own fields are written canonically (keys sorted at every level, no
whitespace, ASCII with \\u escapes) and ``H = sha256(P + "\\n" + canonical(event))`` in
lowercase hex. ``P`` is the previous event's ``H`` (``GENESIS`` for the first event ever),
so editing, removing, inserting or reordering any event breaks the chain at that spot.
Verification also requires each line to be byte-for-byte the canonical form of what it
parses to, so that no byte of a file can change without being noticed.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import orjson

GENESIS = "0" * 64
CHAIN_FIELDS = ("hash", "prev_hash")
_PREFIX = re.compile(rb'^\{"hash":"([0-9a-f]{64})","prev_hash":"([0-9a-f]{64})"[,}]')
_CHAINED = re.compile(rb'^\{"hash":"[0-9a-f]{64}","prev_hash":"([0-9a-f]{64})"')


class ChainError(ValueError):
    """A line that is not a sealed event, or whose seal does not hold."""


def canonical(event: dict[str, Any]) -> bytes:
    """The canonical JSON of an event without its chain fields.

    ASCII output keeps lone surrogates (legal in JSON input, not in UTF-8) writable and the
    form unique; allow_nan=False because NaN is not JSON.
    """
    return canonical_value({k: v for k, v in event.items() if k not in CHAIN_FIELDS})


def canonical_value(value: Any) -> bytes:
    """The canonical JSON of any value, written as ``canonical`` writes it inside an event."""
    fast = _fast_canonical(value)
    if fast is not None:
        return fast
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"decision-log event is not JSON: {exc}") from None
    return text.encode("ascii")


def canonical_with(fields: dict[str, Any], written: dict[str, bytes]) -> bytes:
    """The canonical JSON of the object of ``fields`` and ``written``, whose values are
    already canonical JSON: the bytes ``canonical`` writes for that object (keys sorted, a
    value written alone is written the same inside it), so that parts of an event written
    once can be reused in the next."""
    if not _holds_float(fields):
        try:
            text = orjson.dumps({**fields, **{k: orjson.Fragment(v) for k, v in written.items()}},
                                option=orjson.OPT_SORT_KEYS)
        except (TypeError, orjson.JSONEncodeError):
            pass
        else:
            if text.isascii() and b"\x7f" not in text:
                return bytes(memoryview(text))
    every = {name: canonical_value(value) for name, value in fields.items()}
    every.update(written)
    return b"{" + b",".join(canonical_value(name) + b":" + every[name] for name in sorted(every)) + b"}"


def _fast_canonical(body: Any) -> bytes | None:
    """The same bytes from orjson (a tenth of the time), or None where the two writers could
    differ: floats (exponents are written differently, NaN is not refused), anything not
    ASCII or DEL (escaped by the standard writer only), integers beyond 64 bits and non-string
    keys (refused by orjson). tests/decision_log/test_chain.py holds the two together."""
    if _holds_float(body):
        return None
    try:
        text = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return None
    if not text.isascii() or b"\x7f" in text:
        return None
    return bytes(memoryview(text))  # right-sized: orjson's bytes keep its 4 KiB buffer while queued


def _holds_float(value: Any) -> bool:
    """Some float sits in value. Leaves of the common kinds are passed over by their exact
    type (half the time of isinstance on every node); anything else, a subclass included,
    is looked at through isinstance."""
    kind = type(value)
    if kind is dict:
        children: Any = value.values()
    elif kind is list or kind is tuple:
        children = value
    else:
        return isinstance(value, float) or (isinstance(value, (dict, list, tuple)) and _holds_float(_plain(value)))
    for child in children:
        kind = type(child)
        if kind is str or kind is int or kind is bool or child is None:
            continue
        if kind is float or _holds_float(child):
            return True
    return False


def _plain(value: Any) -> Any:
    """A dict, list or tuple subclass as its plain kind."""
    return dict(value) if isinstance(value, dict) else list(value)


def digest(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + body).hexdigest()


def seal(prev_hash: str, body: bytes) -> tuple[str, bytes]:
    """The event's hash and its line (with the trailing newline)."""
    value = digest(prev_hash, body)
    head = b'{"hash":"' + value.encode("ascii") + b'","prev_hash":"' + prev_hash.encode("ascii") + b'"'
    rest = b"}" if body == b"{}" else b"," + body[1:]
    return value, head + rest + b"\n"


def unseal(line: bytes) -> tuple[str, str, dict[str, Any]]:
    """(hash, prev_hash, event) of one line (without its newline); ChainError if the line is
    not exactly a sealed event or its hash does not match its content."""
    match = _PREFIX.match(line)
    if match is None:
        raise ChainError("not a sealed event (no hash and prev_hash at the start of the line)")
    try:
        event = json.loads(line)
    except ValueError as exc:
        raise ChainError(f"not JSON: {exc}") from None
    if not isinstance(event, dict):
        raise ChainError("not a JSON object")
    value, prev_hash = match.group(1).decode(), match.group(2).decode()
    expected_hash, expected_line = seal(prev_hash, canonical(event))
    if expected_hash != value:
        raise ChainError("hash does not match the event's content (the event was changed)")
    if expected_line[:-1] != line:
        raise ChainError("the line is not in canonical form (a byte was changed)")
    return value, prev_hash, event


_HEAD = b'{"hash":"'


def partial_problem(raw: bytes, expected: str | None) -> str | None:
    """None if raw can be what a crash leaves: the start of the next sealed event (at most
    all of it but its newline; a restart cuts it off). A complete event followed by more
    bytes (its newline overwritten) or anything that does not begin as a sealed event
    chained to the previous one is a break."""
    if not (raw.startswith(_HEAD) or _HEAD.startswith(raw)):
        return "bytes after the last event that do not begin an event"
    try:
        unseal(raw[:-1])
    except ChainError:
        pass
    else:
        return "a complete event without its newline, followed by other bytes"
    match = _CHAINED.match(raw)
    if match is not None and expected is not None and match.group(1).decode() != expected:
        return "prev_hash is not the previous event's hash (an event was removed, inserted or reordered)"
    return None
