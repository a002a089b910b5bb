"""The decision cache: keys, bounds, invalidation, and answers that callers cannot change."""

from __future__ import annotations

import sys

import pytest

from privacy_pdp.core.cache import ENTRY_OVERHEAD, DecisionCache, canonical_key, deterministic
from privacy_pdp.core.engine import UNDEFINED, Evaluation

PATH = "privacy/decision"


def test_the_key_is_the_canonical_json_of_revision_path_and_input() -> None:
    a = canonical_key("r1", PATH, {"b": 1, "a": [1, 2]})
    assert a == canonical_key("r1", "/privacy/decision/", {"a": [1, 2], "b": 1})  # key order does not matter
    assert a != canonical_key("r1", PATH, {"a": [2, 1], "b": 1})  # array order does
    assert a != canonical_key("r2", PATH, {"a": [1, 2], "b": 1})
    assert a != canonical_key("r1", "privacy/clauses", {"a": [1, 2], "b": 1})
    assert canonical_key("r1", PATH, {"x": 1}) != canonical_key("r1", PATH, {"x": 1.0})
    assert canonical_key("r1", PATH, {"x": 1}) != canonical_key("r1", PATH, {"x": True})
    assert canonical_key("r1", PATH, UNDEFINED) != canonical_key("r1", PATH, None)


@pytest.mark.parametrize("odd", [2**70, "\ud800", {"a": [-(2**64)]}])
def test_inputs_without_a_canonical_form_are_not_cached(odd) -> None:
    cache = DecisionCache(10)
    cache.invalidate("r")
    key = canonical_key("r", PATH, odd)
    assert key is None
    cache.put(key, "r", Evaluation(True, 1))
    assert cache.get(key) is None and cache.stats().entries == 0


def test_hits_misses_and_least_recently_used_eviction() -> None:
    cache = DecisionCache(2)
    cache.invalidate("r")
    keys = [canonical_key("r", PATH, {"n": n}) for n in range(3)]
    assert cache.get(keys[0]) is None
    cache.put(keys[0], "r", Evaluation(True, {"allow": False}))
    cache.put(keys[1], "r", Evaluation(False))
    assert cache.get(keys[0]) == Evaluation(True, {"allow": False})  # now the most recent
    cache.put(keys[2], "r", Evaluation(True, 2))  # evicts keys[1], the least recently used
    assert cache.get(keys[1]) is None
    assert cache.get(keys[2]) == Evaluation(True, 2)
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.evictions, stats.entries) == (2, 2, 1, 2)


def test_an_undefined_answer_is_cached_as_undefined() -> None:
    cache = DecisionCache(4)
    cache.invalidate("r")
    key = canonical_key("r", "nothing/here", {})
    cache.put(key, "r", Evaluation(False))
    assert cache.get(key) == Evaluation(False)


def test_invalidation_empties_and_answers_of_an_older_revision_are_not_kept() -> None:
    cache = DecisionCache(4)
    cache.invalidate("old")
    old_key = canonical_key("old", PATH, {"a": 1})
    cache.put(old_key, "old", Evaluation(True, 1))
    cache.invalidate("new")
    assert cache.get(old_key) is None and cache.stats().entries == 0
    cache.put(old_key, "old", Evaluation(True, 1))  # finished on the old set after the swap
    assert cache.stats().entries == 0
    assert cache.stats().invalidations == 2


def test_a_caller_changing_its_answer_does_not_change_the_next_one() -> None:
    cache = DecisionCache(4)
    cache.invalidate("r")
    key = canonical_key("r", PATH, {"a": 1})
    cache.put(key, "r", Evaluation(True, {"allow": False, "reasons": [{"code": "x"}]}))
    first = cache.get(key)
    assert first is not None
    first.value["allow"] = True
    first.value["reasons"].clear()
    assert cache.get(key) == Evaluation(True, {"allow": False, "reasons": [{"code": "x"}]})


def test_size_zero_is_off() -> None:
    cache = DecisionCache(0)
    cache.invalidate("r")
    key = canonical_key("r", PATH, {"a": 1})
    cache.put(key, "r", Evaluation(True, 1))
    assert not cache.enabled and cache.get(key) is None
    assert cache.stats().misses == 0
    with pytest.raises(ValueError):
        DecisionCache(-1)


def test_a_policy_reading_the_clock_or_chance_is_not_deterministic() -> None:
    assert deterministic(["package a\n\nx := count(input.y)\n"])
    assert not deterministic(["package a\n\nx := time.now_ns()\n"])
    assert not deterministic(["package a\n\nx := rand.intn(\"k\", 10)\n"])
    assert not deterministic(["package a\n\nx := http.send({\"url\": input.u})\n"])


def test_an_entry_takes_the_memory_of_its_answer_not_of_a_write_buffer() -> None:
    cache = DecisionCache(10)
    cache.invalidate("r1")
    key = canonical_key("r1", "p", {"company": "kallu"})
    cache.put(key, "r1", Evaluation(True, {"allow": False, "reasons": ["x" * 100]}))
    (blob,) = cache._entries.values()
    assert blob is not None and sys.getsizeof(blob) < len(blob) + 64  # not orjson's 4 KiB buffer


def test_the_cache_keeps_within_its_bytes_least_recently_used_first() -> None:
    answer = Evaluation(True, {"allow": True})
    keys = [canonical_key("r", PATH, {"n": f"{n:04}", "pad": "x" * 1000}) for n in range(150)]
    one = len(keys[0]) + len(b'{"allow":true}') + ENTRY_OVERHEAD  # every entry is this size
    cache = DecisionCache(max_entries=1000, max_bytes=one * 96)  # room for 96, each 1/96 of the bound
    cache.invalidate("r")
    for key in keys:
        cache.put(key, "r", answer)
    stats = cache.stats()
    assert (stats.entries, stats.bytes, stats.evictions) == (96, one * 96, 54)
    assert cache.get(keys[-1]) == answer and cache.get(keys[53]) is None and cache.get(keys[54]) == answer


def test_an_entry_too_large_for_its_share_is_not_kept() -> None:
    cache = DecisionCache(max_entries=100, max_bytes=64 * 1024)
    cache.invalidate("r")
    small, large = canonical_key("r", PATH, {"n": 1}), canonical_key("r", PATH, {"n": 2})
    cache.put(small, "r", Evaluation(True, 1))
    cache.put(large, "r", Evaluation(True, "x" * 2048))  # an answer over 1/64 of 64 KiB
    assert cache.get(large) is None and cache.get(small) == Evaluation(True, 1)
    assert cache.stats().entries == 1


def test_an_input_takes_the_size_of_its_digest() -> None:
    key = canonical_key("r", PATH, {"pad": "x" * 100_000})
    assert key is not None and len(key) < 100
    assert key != canonical_key("r", PATH, {"pad": "x" * 99_999})


def test_bytes_are_given_back_on_replacement_and_invalidation() -> None:
    cache = DecisionCache(max_entries=10, max_bytes=1 << 20)
    cache.invalidate("r")
    key = canonical_key("r", PATH, {"n": 1})
    cache.put(key, "r", Evaluation(True, "a" * 100))
    cache.put(key, "r", Evaluation(True, "b"))
    assert cache.stats().bytes == len(key) + len(b'"b"') + ENTRY_OVERHEAD
    cache.invalidate("r2")
    assert cache.stats().bytes == 0 and cache.stats().entries == 0


def test_no_bytes_turns_the_cache_off() -> None:
    cache = DecisionCache(max_entries=10, max_bytes=0)
    assert not cache.enabled
