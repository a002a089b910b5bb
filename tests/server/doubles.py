"""A decision log that keeps events in memory: a stand-in for server/decision_log in tests."""

from __future__ import annotations

from typing import Any, Sequence


class MemoryDecisionLog:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.keys: list[bytes | None] = []  # record_many's keys, beside events (None for record)
        self.refuse: str | None = None  # set to a reason to make record() fail
        self.started = False
        self.closed = False
        self.state = "OK"

    async def start(self) -> None:
        self.started = True

    async def record(self, event: dict[str, Any]) -> None:
        if self.refuse:
            raise RuntimeError(self.refuse)
        self.events.append(event)
        self.keys.append(None)

    async def record_many(self, events: list[dict[str, Any]], keys: Sequence[bytes | None] | None = None) -> None:
        if self.refuse:
            raise RuntimeError(self.refuse)
        self.events.extend(events)
        self.keys.extend(keys if keys is not None else [None] * len(events))

    async def close(self) -> None:
        self.closed = True

    def status(self) -> dict[str, Any]:
        return {"state": self.state}

    def stats(self) -> dict[str, int]:
        return {"queue_depth": 0, "dropped": 0, "written": len(self.events)}

    def by_id(self, decision_id: str) -> dict[str, Any]:
        matches = [e for e in self.events if e["decision_id"] == decision_id]
        assert len(matches) == 1, f"{len(matches)} events for {decision_id}"
        return matches[0]

    def key_of(self, decision_id: str) -> bytes | None:
        """The key recorded beside the decision's event (the decision cache's, or None)."""
        self.by_id(decision_id)
        return next(k for e, k in zip(self.events, self.keys) if e["decision_id"] == decision_id)
