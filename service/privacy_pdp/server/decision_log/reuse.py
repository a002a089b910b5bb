"""The masked parts of a repeated decision's event, worked out once and reused.

An event's input and result, once masked, and the ``erased`` / ``masked`` lists the mask
adds, depend only on the policy revision, the path and the input whenever the mask policy
reads no more of the event than its input, path and result; the decision cache's key names
exactly those. A repeated decision then skips the mask query, the mask's copying and the
writing of its largest fields: its event is written from these parts and its own few fields
(id, time, metrics). The server passes the key of decisions answered from the decision
cache only (seen before), so the parts are kept from the second sighting on. The bytes are those ``canonical`` writes for the whole event
(tests/decision_log/test_reuse.py holds the two together).

Kept on the event loop only (no lock); bounded in entries and bytes, least recently used first.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from privacy_pdp.server.decision_log.chain import canonical_value, canonical_with

REUSED_FIELDS = ("input", "result", "erased", "masked")
"""What masking can change or add: everything else in an event is the request's own."""

MAX_ENTRIES = 10_000
MAX_BYTES = 16 << 20
_ENTRY_OVERHEAD = 300  # the ordered dict's node, the dict of parts, the key

MISSING = object()


class ReusedParts:
    """key -> the masked event's parts (field -> canonical bytes), or None: the mask dropped it."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[bytes, dict[str, bytes] | None] = OrderedDict()
        self._bytes = 0
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key: bytes) -> Any:
        """The parts, None (dropped) or MISSING."""
        parts = self._entries.get(key, MISSING)
        if parts is MISSING:
            self.misses += 1
        else:
            self._entries.move_to_end(key)
            self.hits += 1
        return parts

    def put(self, key: bytes, masked: dict[str, Any] | None) -> dict[str, bytes] | None:
        """Keep the parts of ``masked`` (the event as masked; None when it was dropped) and
        return them, written once for this event and the next ones."""
        parts = None if masked is None else {f: canonical_value(masked[f]) for f in REUSED_FIELDS if f in masked}
        size = _size(key, parts)
        if size * 64 > self.max_bytes:  # one huge input must not push out thousands of common ones
            return parts
        old = self._entries.pop(key, MISSING)
        if old is not MISSING:
            self._bytes -= _size(key, old)
        self._entries[key] = parts
        self._bytes += size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            old_key, old_parts = self._entries.popitem(last=False)
            self._bytes -= _size(old_key, old_parts)
        return parts


def written(event: dict[str, Any], parts: dict[str, bytes]) -> bytes:
    """The canonical bytes of ``event`` masked as ``parts`` say: its own fields are written
    now, the reused ones as kept (a reused field the mask removed stays out)."""
    return canonical_with({name: value for name, value in event.items() if name not in REUSED_FIELDS}, parts)


def _size(key: bytes, parts: dict[str, bytes] | None) -> int:
    return _ENTRY_OVERHEAD + len(key) + (sum(len(v) for v in parts.values()) if parts else 0)
