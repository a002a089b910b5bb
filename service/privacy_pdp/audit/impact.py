"""Impact of a policy change: which decisions change, and how, grouped by company and clause.

``replay`` feeds it logged decisions, ``diff`` the decision matrix; both compare an old
result with the new policy's answer for the same input and path.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any, Mapping, Optional

from pydantic import BaseModel, Field

ALLOW_TO_DENY = "allow_to_deny"
DENY_TO_ALLOW = "deny_to_allow"
REASONS_CHANGED = "reasons_changed"
OBLIGATIONS_CHANGED = "obligations_changed"
RESULT_CHANGED = "result_changed"  # a document that is not a decision
KINDS = (ALLOW_TO_DENY, DENY_TO_ALLOW, REASONS_CHANGED, OBLIGATIONS_CHANGED, RESULT_CHANGED)
LABELS = {
    ALLOW_TO_DENY: "allow→deny",
    DENY_TO_ALLOW: "deny→allow",
    REASONS_CHANGED: "reasons changed",
    OBLIGATIONS_CHANGED: "obligations changed",
    RESULT_CHANGED: "result changed",
}
FLIPS = (ALLOW_TO_DENY, DENY_TO_ALLOW)


def is_decision(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("allow"), bool)


def _reasons(value: Any) -> set[tuple[str, str, str]]:
    found = value.get("reasons") if isinstance(value, Mapping) else None
    return {(str(r.get("effect")), str(r.get("clause")), str(r.get("code")))
            for r in found or [] if isinstance(r, Mapping)}


def _obligations(value: Any) -> set[str]:
    found = value.get("obligations") if isinstance(value, Mapping) else None
    return {json.dumps(o, sort_keys=True) for o in found or [] if isinstance(o, Mapping)}


def _obligation_clauses(items: set[str]) -> set[str]:
    return {str(json.loads(o).get("clause")) for o in items}


def compare(old: Any, new: Any, decision_path: bool = True) -> tuple[str | None, list[str]]:
    """(kind of change or None, the clauses it is about). On a decision path an undefined
    result counts as a deny (fail closed).

    The clauses a change is about: for a flip to deny, the forbidding clauses that now fire
    or, on a default deny, the permitting clauses that no longer do; for a flip to allow,
    the forbidding clauses that no longer fire or, after a default deny, the permitting
    clauses that now do; otherwise the clauses whose reasons or obligations differ."""
    if decision_path and (is_decision(old) or is_decision(new)):
        old_allow = is_decision(old) and old["allow"] is True
        new_allow = is_decision(new) and new["allow"] is True
        old_reasons, new_reasons = _reasons(old), _reasons(new)
        if old_allow != new_allow:
            if old_allow:
                cause = _forbidding(new_reasons) - _forbidding(old_reasons) or _permitting(old_reasons) - _permitting(new_reasons)
                return ALLOW_TO_DENY, sorted(cause)
            cause = _forbidding(old_reasons) - _forbidding(new_reasons) or _permitting(new_reasons) - _permitting(old_reasons)
            return DENY_TO_ALLOW, sorted(cause)
        if old_reasons != new_reasons:
            return REASONS_CHANGED, sorted({c for _, c, _ in old_reasons ^ new_reasons})
        old_obl, new_obl = _obligations(old), _obligations(new)
        if old_obl != new_obl:
            return OBLIGATIONS_CHANGED, sorted(_obligation_clauses(old_obl ^ new_obl))
        return None, []
    if json.dumps(old, sort_keys=True) != json.dumps(new, sort_keys=True):
        return RESULT_CHANGED, []
    return None, []


def _forbidding(reasons: set[tuple[str, str, str]]) -> set[str]:
    """Clauses of deny reasons other than the catch-all (which forbids nothing itself)."""
    return {c for e, c, code in reasons if e == "deny" and code != "no_permitting_clause"}


def _permitting(reasons: set[tuple[str, str, str]]) -> set[str]:
    return {c for e, c, _ in reasons if e == "allow"}


class Change(BaseModel):
    id: str = Field(description="decision_id of a logged decision, or the matrix cell's key")
    company: str
    path: str
    kind: str
    clauses: list[str]
    input: Any
    old: Any
    new: Any
    note: Optional[str] = None  # e.g. the logged input was masked


class Impact(BaseModel):
    source: str = Field(description="what was compared: a log directory or a matrix")
    old_label: str
    new_label: str
    new_revision: str
    read: int = 0
    evaluated: int = 0
    distinct_inputs: int = 0
    skipped: dict[str, int] = Field(default_factory=dict)
    revisions: dict[str, int] = Field(default_factory=dict, description="logged bundle revisions and their counts")
    seconds: float = 0.0
    changes: list[Change] = Field(default_factory=list)

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    @property
    def flips(self) -> int:
        return sum(1 for c in self.changes if c.kind in FLIPS)

    def counts(self) -> Counter[str]:
        return Counter(c.kind for c in self.changes)

    def by_company(self) -> dict[str, Counter[str]]:
        grouped: dict[str, Counter[str]] = defaultdict(Counter)
        for c in self.changes:
            grouped[c.company][c.kind] += 1
        return dict(sorted(grouped.items()))

    def by_clause(self) -> dict[tuple[str, str], list[Change]]:
        """(company, clause) -> the changes that involve the clause; a change may sit under
        several clauses (the one that denies now and the one that permitted before)."""
        grouped: dict[tuple[str, str], list[Change]] = defaultdict(list)
        for c in self.changes:
            for clause in c.clauses or ["(no clause)"]:
                grouped[(c.company, clause)].append(c)
        return dict(sorted(grouped.items(), key=lambda item: (item[0][0], -len(item[1]), item[0][1])))
