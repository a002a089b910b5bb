"""Why not: the single changes to a request that would flip its decision.

On a deny, each candidate changes ONE contract field within its vocabulary (a consent
given for the use or a broader use, an opt-out withdrawn, identifiability lowered, the
recipient under contract, a verified legal request of each matter, another recipient kind,
requested by the subject, one category dropped, a sale made a disclosure, an unknown age
stated as adult); on an allow, the reverse moves. Every candidate is evaluated by the
policy itself, never reasoned about here, so the answer is exactly what the policy says.
The candidates are few (about forty), which keeps one request well under a second.
"""

from __future__ import annotations

import copy
import time
from typing import Any, Callable, Iterator, Literal, Mapping, Optional

from pydantic import BaseModel, Field

from privacy_pdp.audit.explain import ClauseRef, ExplainedObligation, explain
from privacy_pdp.audit.vocabulary import Vocabulary

Evaluate = Callable[[dict[str, Any]], Any]

DEFAULT_LIMIT = 80  # evaluations at most; a request with many categories is cut, and says so
ADULT_AGE = 18


class Change(BaseModel):
    field: str = Field(description="the contract field changed, dotted (recipient.kind)")
    value: Any = Field(description="its new value (for a list: the whole new list)")
    description: str


class Alternative(BaseModel):
    change: Change
    allow: bool
    clauses: list[ClauseRef] = Field(description="clauses that would then permit (allow) or forbid (deny)")
    codes: list[str]
    obligations: list[ExplainedObligation] = Field(default_factory=list)


class WhyNot(BaseModel):
    direction: Literal["to_allow", "to_deny"]
    alternatives: list[Alternative] = Field(description="single changes that flip the decision")
    lifted: list[Alternative] = Field(
        default_factory=list, description="on a deny: single changes that lift some forbidding clause, yet still deny")
    evaluated: int
    truncated: bool = False
    seconds: float
    note: Optional[str] = None


def why_not(
    evaluate: Evaluate,
    request: Mapping[str, Any],
    decision: Mapping[str, Any],
    catalogue: Mapping[str, Any],
    vocabulary: Vocabulary,
    limit: int = DEFAULT_LIMIT,
) -> WhyNot:
    started = time.perf_counter()
    allow = decision.get("allow") is True
    direction: Literal["to_allow", "to_deny"] = "to_deny" if allow else "to_allow"
    if not allow and any(isinstance(r, Mapping) and r.get("code") == "invalid_input" for r in decision.get("reasons") or []):
        return WhyNot(direction=direction, alternatives=[], evaluated=0, seconds=time.perf_counter() - started,
                      note="the request does not follow the decision contract; fix the fields the reasons name first")
    base_forbids = _deny_keys(decision) if not allow else set()
    alternatives: list[Alternative] = []
    lifted: list[Alternative] = []
    evaluated = 0
    truncated = False
    moves = deny_moves(request, vocabulary) if allow else allow_moves(request, vocabulary)
    for change in moves:
        if evaluated >= limit:
            truncated = True
            break
        variant = apply(request, change)
        result = evaluate(variant)
        evaluated += 1
        if not isinstance(result, Mapping):
            continue  # undefined: no decision to compare, so no claim about this change
        flipped = (result.get("allow") is True) != allow
        explained = explain(result, catalogue)
        wanted = "allow" if result.get("allow") is True else "deny"
        reasons = [r for r in explained.reasons if r.effect == wanted]
        alternative = Alternative(
            change=change,
            allow=result.get("allow") is True,
            clauses=_unique([r.clause for r in reasons]),
            codes=sorted({r.code for r in reasons}),
            obligations=explained.obligations,
        )
        if flipped:
            alternatives.append(alternative)
        elif not allow and base_forbids and _deny_keys(result) < base_forbids and _deny_keys(result):
            lifted.append(alternative)
    note = None
    if not alternatives:
        note = "no single change " + ("denies" if allow else "allows") + " this request"
    return WhyNot(direction=direction, alternatives=alternatives, lifted=lifted, evaluated=evaluated,
                  truncated=truncated, seconds=time.perf_counter() - started, note=note)


# --- the moves ------------------------------------------------------------------------------


def allow_moves(request: Mapping[str, Any], vocabulary: Vocabulary) -> Iterator[Change]:
    """Single changes that could turn a deny into an allow, most ordinary first."""
    recipient = _obj(request.get("recipient"))
    use = request.get("data_use")
    consents = _list(request.get("consents"))
    if request.get("action") == "sell":
        yield Change(field="action", value="disclose", description="a disclosure instead of a sale")
    if isinstance(use, str):
        for key in vocabulary.use_and_parents(use):
            if not any(_covers(c, use) for c in consents if isinstance(c, str)) and key not in consents:
                yield Change(field="consents", value=consents + [key],
                             description=f"the subject consents to {key}" + ("" if key == use else f" (covers {use})"))
    opt_outs = _list(request.get("opt_outs"))
    for choice in opt_outs:
        yield Change(field="opt_outs", value=[o for o in opt_outs if o != choice],
                     description=f"the {choice} opt-out withdrawn")
    level = _level(request, vocabulary)
    for lower in vocabulary.identifiability[level + 1:] if level is not None else ():
        yield Change(field="identifiability", value=lower, description=f"the data made {lower}")
    if recipient.get("under_contract") is not True:
        yield Change(field="recipient.under_contract", value=True, description="the recipient under contract (a DPA)")
    current = _obj(request.get("legal_request"))
    for matter in vocabulary.legal_matters:
        if not (current.get("verified") is True and current.get("matter") == matter):
            yield Change(field="legal_request", value={"verified": True, "matter": matter},
                         description=f"a verified legal request: {matter}")
    for kind in vocabulary.recipient_kinds:
        if kind != recipient.get("kind"):
            yield Change(field="recipient.kind", value=kind, description=f"the recipient is {kind}")
    if request.get("requested_by_subject") is not True:
        yield Change(field="requested_by_subject", value=True, description="the subject asked for this disclosure")
    categories = _list(request.get("data_categories"))
    if len(categories) > 1:
        for category in categories:
            yield Change(field="data_categories", value=[c for c in categories if c != category],
                         description=f"{category} left out")
    subject = _obj(request.get("subject"))
    if not _is_number(subject.get("age")):
        yield Change(field="subject.age", value=ADULT_AGE, description=f"the subject's age known to be {ADULT_AGE}")


def deny_moves(request: Mapping[str, Any], vocabulary: Vocabulary) -> Iterator[Change]:
    """Single changes that could turn an allow into a deny."""
    recipient = _obj(request.get("recipient"))
    if request.get("action", "disclose") in (None, "disclose"):
        yield Change(field="action", value="sell", description="a sale instead of a disclosure")
    consents = _list(request.get("consents"))
    for consent in consents:
        yield Change(field="consents", value=[c for c in consents if c != consent],
                     description=f"the consent to {consent} withdrawn")
    opt_outs = _list(request.get("opt_outs"))
    for choice in vocabulary.opt_outs:
        if choice not in opt_outs:
            yield Change(field="opt_outs", value=opt_outs + [choice], description=f"the subject opts out: {choice}")
    level = _level(request, vocabulary)
    for higher in vocabulary.identifiability[:level] if level is not None else ():
        yield Change(field="identifiability", value=higher, description=f"the data {higher}")
    if recipient.get("under_contract") is True:
        yield Change(field="recipient.under_contract", value=False, description="no contract with the recipient")
    current = _obj(request.get("legal_request"))
    if current:
        yield Change(field="legal_request", value=None, description="no legal request")
        if current.get("verified") is True:
            yield Change(field="legal_request", value={**current, "verified": False},
                         description="the legal request not verified")
    for kind in vocabulary.recipient_kinds:
        if kind != recipient.get("kind"):
            yield Change(field="recipient.kind", value=kind, description=f"the recipient is {kind}")
    if request.get("requested_by_subject") is True:
        yield Change(field="requested_by_subject", value=False, description="not asked for by the subject")


def apply(request: Mapping[str, Any], change: Change) -> dict[str, Any]:
    """The request with one field set (a dotted field sets inside its object)."""
    variant = copy.deepcopy(dict(request))
    head, _, rest = change.field.partition(".")
    if rest:
        inner = dict(variant.get(head) or {}) if isinstance(variant.get(head), Mapping) else {}
        inner[rest] = change.value
        variant[head] = inner
    else:
        variant[head] = change.value
    return variant


# --- helpers --------------------------------------------------------------------------------


def _deny_keys(decision: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {
        (str(r.get("clause")), str(r.get("code")))
        for r in decision.get("reasons") or []
        if isinstance(r, Mapping) and r.get("effect") == "deny" and r.get("code") != "no_permitting_clause"
    }


def _unique(clauses: list[ClauseRef]) -> list[ClauseRef]:
    seen: dict[str, ClauseRef] = {}
    for c in clauses:
        seen.setdefault(c.id, c)
    return list(seen.values())


def _level(request: Mapping[str, Any], vocabulary: Vocabulary) -> int | None:
    value = request.get("identifiability")
    value = "identifiable" if value is None else value
    return vocabulary.identifiability.index(value) if value in vocabulary.identifiability else None


def _covers(key: str, use: str) -> bool:
    return use == key or use.startswith(key + ".")


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
