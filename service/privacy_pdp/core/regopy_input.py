"""Loading an input document into a regopy interpreter: exactly, and in time linear in its size.

regopy offers two ways, and each fails somewhere:

- ``set_input_term`` parses JSON text. It is exact, but rego-cpp's parse of one array or
  object costs the square of its length: 40,000 numbers in a list took 3.7 s, an object of
  40,000 keys 8 s, and a 1 MiB request body could hold a worker for minutes.
- ``set_input`` builds the document node by node through the C API. It is linear, but it
  writes floats with six decimals, wraps integers past 64 bits and cuts strings at NUL, and
  each of its calls gives up the GIL and must win it back (under load, from the event loop).

``load_input`` builds the node tree itself through the same C API, called with the GIL held
(``ctypes.PyDLL``), for any input whose leaves read the same either way: strings without a
character JSON escapes or a lone surrogate, integers within 64 bits, booleans and null. That
is almost every input of the contract, in a fifth of the time of the JSON parse (26 µs
against 125 µs on a typical input). Any other input goes in as JSON text, as before; one of
those holding a list or object longer than ``TERM_MAX_ITEMS`` is refused instead
(InputRefused, an EvaluationError to the engine's callers), since its parse could take
minutes.
"""

from __future__ import annotations

import ctypes
import re
from typing import Any, Callable

TERM_MAX_ITEMS = 4096
"""The longest list or object sent as JSON text (its parse: about 0.1 s)."""


class InputRefused(ValueError):
    """The input cannot be loaded in bounded time (see TERM_MAX_ITEMS)."""


class _NotExact(Exception):
    """A leaf the node builder would change: the input goes in as JSON text."""


_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


class _Builder:
    """rego-cpp's input builder (a stack machine: push leaves, then fold them into arrays
    and objects), called without releasing the GIL."""

    def __init__(self, library_path: str):
        lib = ctypes.PyDLL(library_path)
        signatures: dict[str, list[Any]] = {
            "regoInputInt": [ctypes.c_void_p, ctypes.c_int64],
            "regoInputString": [ctypes.c_void_p, ctypes.c_char_p],
            "regoInputBoolean": [ctypes.c_void_p, ctypes.c_bool],
            "regoInputNull": [ctypes.c_void_p],
            "regoInputObjectItem": [ctypes.c_void_p],
            "regoInputObject": [ctypes.c_void_p, ctypes.c_uint32],
            "regoInputArray": [ctypes.c_void_p, ctypes.c_uint32],
            "regoFreeInput": [ctypes.c_void_p],
            "regoSetInput": [ctypes.c_void_p, ctypes.c_void_p],
        }
        for name, argtypes in signatures.items():
            function = getattr(lib, name)
            function.argtypes = argtypes
            function.restype = ctypes.c_uint32
        lib.regoNewInput.argtypes = []
        lib.regoNewInput.restype = ctypes.c_void_p
        self._lib = lib

    def set_input(self, interpreter_impl: Any, value: Any) -> bool:
        """Load value; False (nothing loaded) when a leaf is not held exactly."""
        lib = self._lib
        handle = lib.regoNewInput()
        if not handle:
            raise MemoryError("regopy could not allocate an input")
        try:
            try:
                _push(lib, handle, value)
            except (_NotExact, RecursionError):  # nested past Python's stack: the JSON parser's turn
                return False
            code = lib.regoSetInput(interpreter_impl, handle)
            if code != 0:
                raise RuntimeError(f"regopy refused the input (code {code})")
            return True
        finally:
            lib.regoFreeInput(handle)


def _push(lib: Any, handle: Any, value: Any) -> None:
    # Every call returns 0 unless rego-cpp's stack is malformed, which the recursion rules out;
    # the codes are checked once, by regoSetInput.
    kind = type(value)
    if kind is str:
        lib.regoInputString(handle, _utf8(value))
    elif kind is dict:
        item = lib.regoInputObjectItem
        for key, child in value.items():
            if type(key) is not str:
                raise _NotExact
            lib.regoInputString(handle, _utf8(key))
            _push(lib, handle, child)
            item(handle)
        lib.regoInputObject(handle, len(value))
    elif kind is list:
        for child in value:
            _push(lib, handle, child)
        lib.regoInputArray(handle, len(value))
    elif kind is bool:
        lib.regoInputBoolean(handle, value)
    elif kind is int:
        if not _INT_MIN <= value <= _INT_MAX:
            raise _NotExact
        lib.regoInputInt(handle, value)
    elif value is None:
        lib.regoInputNull(handle)
    else:  # floats (written with six decimals), subclasses, tuples: the JSON text is exact
        raise _NotExact


def _utf8(text: str) -> bytes:
    if _ESCAPED.search(text):
        raise _NotExact
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        raise _NotExact from None


# Characters JSON text escapes (quote, backslash, controls; NUL would also cut the string):
# rego-cpp keeps an escape in JSON text as written ("\n" is two characters to it), while the
# builder holds the character. Strings holding one go in as JSON text, as they always did, so
# that no decision changes with the way in; every other string reads the same either way.
_ESCAPED = re.compile(r'["\\\x00-\x1f]')  # not Rego: characters of a JSON string


_builder: _Builder | None = None


def _the_builder() -> _Builder:
    global _builder
    if _builder is None:
        from regopy import rego_shared

        _builder = _Builder(rego_shared.rego._name)
    return _builder


def load_input(interpreter: Any, value: Any, text: Callable[[Any], str]) -> None:
    """Set ``value`` as the interpreter's input: built node by node when every leaf is held
    exactly, else as ``text(value)`` (the caller's exact JSON for regopy: rounded floats,
    replaced lone surrogates); InputRefused when that text would hold a list or object
    longer than TERM_MAX_ITEMS."""
    if _the_builder().set_input(interpreter._impl, value):
        return
    if _longest(value) > TERM_MAX_ITEMS:
        raise InputRefused(
            f"the input holds a list or object of more than {TERM_MAX_ITEMS} items and a float, an integer "
            "beyond 64 bits, or a string with a quote, a backslash, a control character or a lone surrogate: "
            "regopy cannot load it in bounded time (the OPA engine can: PDP_ENGINE=opa)"
        )
    interpreter.set_input_term(text(value))


def _longest(value: Any) -> int:
    """The length of the longest list or object in value, each one measured once (a Python
    caller may pass one list twice); InputRefused when value contains itself, which no JSON
    document can, and which would otherwise be walked for ever."""
    longest = 0
    measured: set[int] = set()
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            continue
        if not isinstance(node, (dict, list, tuple)):
            continue
        if id(node) in on_path:
            raise InputRefused("the input contains itself: it is not a JSON document")
        if id(node) in measured:
            continue
        measured.add(id(node))
        on_path.add(id(node))
        longest = max(longest, len(node))
        stack.append((node, True))
        stack.extend((child, False) for child in (node.values() if isinstance(node, dict) else node))
    return longest
