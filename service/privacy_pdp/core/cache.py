"""The decision cache: whole answers, keyed by the policy revision, the path and the input.

A decision is a pure function of its input and the policy set (no rule of a deterministic
set reads the clock, randomness or the network), and real traffic repeats itself. The key
is the digest of the canonical form of the input (JSON with sorted keys, arrays in their
order), so two inputs share an entry only when they are the same JSON document. Entries
hold the answer as JSON bytes, so no caller can change another's answer by changing its copy.

Bounded in entries and in bytes (least recently used entries go first: an answer may be as
large as the data a path reads, and inputs are held by their digest) and emptied on every
activation; the revision is part of the key as well, so an answer computed on the previous
set while a new one was being activated is never served for the new one.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable

import orjson

from privacy_pdp.core.engine import UNDEFINED, Evaluation

DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_BYTES = 32 << 20
ENTRY_OVERHEAD = 200
"""Bytes an entry takes beyond its key and answer (the ordered dict's node, two bytes objects)."""
LARGEST_SHARE = 64
"""An entry larger than this share of the byte bound is not kept: a few huge inputs would
otherwise push out thousands of common ones."""

# Builtins whose value is not a function of input and data: a policy set calling one is
# not cached at all (its answers may differ from one call to the next).
_NON_DETERMINISTIC = re.compile(  # not Rego: names of builtins in Rego source
    r"\b(?:time\.now_ns|rand\.intn|uuid\.rfc4122|uuid\.parse|http\.send|net\.lookup_ip_addr|opa\.runtime"
    r"|crypto\.x509\.parse_and_verify_certificates|io\.jwt\.decode_verify)\s*\("
)


def deterministic(modules: Iterable[str]) -> bool:
    """No module calls a builtin whose value can change between two identical calls."""
    return not any(_NON_DETERMINISTIC.search(source) for source in modules)


def canonical_key(revision: str, path: str, input: Any) -> bytes | None:
    """The cache key of one evaluation, or None when the input has no canonical form here
    (an integer beyond 64 bits or a lone surrogate: such inputs are simply not cached).

    The input is held by its SHA-256 digest, not its bytes: an entry then takes the size
    of its answer, whatever the input's (two inputs sharing a digest is a SHA-256 collision).
    orjson writes NaN and infinities as null: inputs reach the cache only through readers
    that refuse them (``core.jsontext``; the server's YAML reader refuses them too)."""
    head = f"{revision}\x00{path.strip('/')}\x00".encode()
    if input is UNDEFINED:
        return head + b"\x00undefined"
    try:
        return head + hashlib.sha256(orjson.dumps(input, option=orjson.OPT_SORT_KEYS)).digest()
    except (TypeError, orjson.JSONEncodeError):
        return None


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    evictions: int
    invalidations: int
    entries: int
    max_entries: int
    bytes: int = 0
    max_bytes: int = DEFAULT_MAX_BYTES


class DecisionCache:
    """A bounded LRU of evaluations; safe to use from several threads."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, max_bytes: int = DEFAULT_MAX_BYTES):
        if max_entries < 0 or max_bytes < 0:
            raise ValueError("max_entries and max_bytes must be 0 (off) or more")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[bytes, bytes | None] = OrderedDict()
        self._lock = threading.Lock()
        self._revision = ""
        self._bytes = 0
        self.hits = self.misses = self.evictions = self.invalidations = 0

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_bytes > 0

    def get(self, key: bytes | None) -> Evaluation | None:
        """The cached evaluation, or None (a miss is counted)."""
        if key is None or not self.enabled:
            return None
        with self._lock:
            try:
                blob = self._entries[key]
            except KeyError:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return Evaluation(False) if blob is None else Evaluation(True, orjson.loads(blob))

    def put(self, key: bytes | None, revision: str, evaluation: Evaluation) -> None:
        """Keep ``evaluation`` if it was computed on the revision now served (and is not
        too large to keep)."""
        if key is None or not self.enabled:
            return
        blob = _encode(evaluation.value) if evaluation.defined else None
        if evaluation.defined and blob is None:
            return
        size = _size(key, blob)
        if size * LARGEST_SHARE > self.max_bytes:
            return
        with self._lock:
            if revision != self._revision:
                return  # computed on a set that is no longer active
            if key in self._entries:
                self._bytes -= _size(key, self._entries[key])
            self._entries[key] = blob
            self._entries.move_to_end(key)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                old_key, old_blob = self._entries.popitem(last=False)
                self._bytes -= _size(old_key, old_blob)
                self.evictions += 1

    def invalidate(self, revision: str) -> None:
        """Forget every entry: ``revision`` is what is served from now on."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._revision = revision
            self.invalidations += 1

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.hits, self.misses, self.evictions, self.invalidations, len(self._entries),
                              self.max_entries, self._bytes, self.max_bytes)


def _size(key: bytes, blob: bytes | None) -> int:
    return len(key) + (len(blob) if blob is not None else 0) + ENTRY_OVERHEAD


def _encode(value: Any) -> bytes | None:
    """JSON bytes, or None for a value orjson cannot write (a lone surrogate, an integer
    beyond 64 bits): such answers are not cached."""
    try:
        # a copy: orjson's bytes keep the 4 KiB buffer it wrote into (10,000 answers of
        # 300 bytes took 40 MiB instead of 4)
        return bytes(memoryview(orjson.dumps(value)))
    except (TypeError, orjson.JSONEncodeError):
        return None
