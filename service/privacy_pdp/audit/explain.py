"""A decision as a person wants it: each reason and obligation with its clause's title,
summary, the original-language quote and where it stands in the policy.

``explain(decision, catalogue)`` is pure (no engine, no I/O) so that the server can offer
the same answer as the command line: give it the decision document and the catalogue
(``data.privacy.clauses``) of the policy set that produced it.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping, Optional

from pydantic import BaseModel, Field

from privacy_pdp.core.policyset import PolicySet

# Reason and obligation fields shown by name; any other field is a parameter of it.
_REASON_FIELDS = ("effect", "code", "clause", "message")


class ClauseRef(BaseModel):
    """A clause of the catalogue as an explanation shows it."""

    id: str
    known: bool = Field(description="the id is in the catalogue")
    company: Optional[str] = None
    title: Optional[str] = None
    summary: Optional[str] = None
    quote: Optional[str] = Field(None, description="the policy's own words, in its original language")
    language: Optional[str] = None
    document: Optional[str] = None
    lines: Optional[list[int]] = Field(None, description="first and last line in the seed document")
    status: Optional[str] = None
    reading: Optional[str] = Field(None, description="how the rules read an ambiguous clause")

    @property
    def where(self) -> str:
        if not self.document:
            return "source not recorded"
        if self.lines and len(self.lines) == 2 and self.lines[0] != self.lines[1]:
            return f"{self.document}, lines {self.lines[0]}-{self.lines[1]}"
        if self.lines:
            return f"{self.document}, line {self.lines[0]}"
        return self.document


class ExplainedReason(BaseModel):
    effect: str
    code: str
    message: str
    clause: ClauseRef
    parameters: dict[str, Any] = Field(default_factory=dict, description="other fields, e.g. field for invalid_input")


class ExplainedObligation(BaseModel):
    code: str
    message: str
    clause: ClauseRef
    parameters: dict[str, Any] = Field(default_factory=dict, description="e.g. categories, max_days")


class Explanation(BaseModel):
    decision: Literal["allow", "deny"]
    allow: bool
    reasons: list[ExplainedReason]
    obligations: list[ExplainedObligation]
    why_not: Optional[Any] = Field(None, description="single changes that flip the decision (WhyNot), when asked")


class ExplainError(ValueError):
    """The value given is not a decision document."""


def catalogue_of(policy_set: PolicySet) -> dict[str, dict[str, Any]]:
    """The clause catalogue (what data.privacy.clauses answers): clause id -> entry, from
    every company's file under data.privacy.catalogue."""
    privacy = policy_set.data.get("privacy")
    files = privacy.get("catalogue") if isinstance(privacy, dict) else None
    merged: dict[str, dict[str, Any]] = {}
    for entries in files.values() if isinstance(files, dict) else ():
        if isinstance(entries, dict):
            merged.update({k: v for k, v in entries.items() if isinstance(v, dict)})
    return merged


def clause_ref(clause_id: Any, catalogue: Mapping[str, Any]) -> ClauseRef:
    clause_id = clause_id if isinstance(clause_id, str) else str(clause_id or "")
    entry = catalogue.get(clause_id)
    if not isinstance(entry, Mapping):
        return ClauseRef(id=clause_id, known=False)
    source = entry.get("source") if isinstance(entry.get("source"), Mapping) else {}
    lines = source.get("lines")
    return ClauseRef(
        id=clause_id,
        known=True,
        company=_text(entry.get("company")),
        title=_text(entry.get("title")),
        summary=_text(entry.get("summary")),
        quote=_text(entry.get("quote")),
        language=_text(entry.get("language")),
        document=_text(source.get("document")),
        lines=[int(n) for n in lines if isinstance(n, int)] if isinstance(lines, list) else None,
        status=_text(entry.get("status")),
        reading=_text(entry.get("reading")),
    )


def explain(decision: Any, catalogue: Mapping[str, Any]) -> Explanation:
    """Explain a decision document (``{"allow", "reasons", "obligations"}``) against a catalogue.

    Anything but ``allow: true`` is a deny (fail closed); a reason or obligation that is
    not an object is skipped rather than trusted."""
    if not isinstance(decision, Mapping):
        raise ExplainError("a decision is an object with allow, reasons and obligations")
    allow = decision.get("allow") is True
    reasons = [
        ExplainedReason(
            effect=_text(r.get("effect")) or ("allow" if allow else "deny"),
            code=_text(r.get("code")) or "",
            message=_text(r.get("message")) or "",
            clause=clause_ref(r.get("clause"), catalogue),
            parameters={k: v for k, v in r.items() if k not in _REASON_FIELDS},
        )
        for r in _objects(decision.get("reasons"))
    ]
    obligations = [
        ExplainedObligation(
            code=_text(o.get("code")) or "",
            message=_text(o.get("message")) or "",
            clause=clause_ref(o.get("clause"), catalogue),
            parameters={k: v for k, v in o.items() if k not in _REASON_FIELDS},
        )
        for o in _objects(decision.get("obligations"))
    ]
    return Explanation(decision="allow" if allow else "deny", allow=allow, reasons=reasons, obligations=obligations)


def _objects(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
