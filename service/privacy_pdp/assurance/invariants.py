"""The promises every decision keeps, as predicates over a request and its answers.

One implementation, used by the property tests (tests/assurance/test_invariants.py), the
exhaustive bounded check (``privacy_pdp.assurance.verify``) and the mutation check
(``privacy_pdp.assurance.mutation``).

What a company promises is data, not Python: the keys the invariants are stated in and
each company's readings of its own policy (which companies never give data to third
parties for marketing, which ones need a verified legal request, ...) are read from the
policy set by ``assurance.promises`` and handed to the predicates as ``Promises``; a
company without a promises file is held to the invariants every company keeps. The rest of
what the machinery generates from is ``assurance.model.Model``; the observation of the
decision and the company's rules is ``assurance.observe``.

A predicate returns a list of problems (strings); an empty list means the promise holds.
Predicates for invariants 2-7 assume a valid input (``fail_closed`` checks validity).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

# Model, Observer, promises and friends are re-exported: callers read the machinery through this module.
from privacy_pdp.assurance.model import CompanyFacts, Model, json_leaves  # noqa: F401
from privacy_pdp.assurance.observe import (  # noqa: F401
    OBSERVATION_PATH,
    OBSERVER_FILE,
    RULES_PATH,
    Observation,
    Observer,
    decide_with,
    observation_of,
    observer_module,
    with_observer,
)
from privacy_pdp.assurance.promises import CompanyPromises, PromiseError, Promises, covers, overlaps  # noqa: F401
from privacy_pdp.core.policyset import PolicySet


# --- invariant names (used in reports) -------------------------------------------------

FAIL_CLOSED = "1 fail_closed"
DEFAULT_DENY = "2 default_deny"
THIRD_PARTY_MARKETING = "3 no_third_party_direct_marketing_without_consent"
NO_SALE = "4 no_sale_of_identifiable_data"
LAW_ENFORCEMENT = "5 law_enforcement_needs_a_legal_request"
AD_PARTNER_IDENTIFIERS = "6a advertising_partner_gets_no_direct_identifiers"
CARD_NUMBERS = "6b card_numbers_only_for_payment_processing"
NEVER_DISCLOSED = "7 never_disclosed_categories"
MONOTONE = "8 monotonicity"
ORDER_AND_EXTRAS = "9 order_duplicates_and_extra_fields_ignored"
EXPLAINED = "10 explanations"
ISOLATION = "11 company_isolation"

# --- the request, normalised as privacy.request does ---------------------------------------


def _get(obj: Any, key: str, fallback: Any) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    return fallback if value is None else value


@dataclass(frozen=True)
class Flow:
    company: str
    action: str
    categories: tuple[str, ...]
    use: str
    kind: str
    consents: tuple[str, ...]
    opt_outs: tuple[str, ...]
    legal_request: dict[str, Any] | None
    identifiability: str
    requested_by_subject: bool = False


def flow_of(doc: dict[str, Any]) -> Flow:
    recipient = _get(doc, "recipient", {})
    legal = doc.get("legal_request")
    return Flow(
        company=doc["company"],
        action=_get(doc, "action", "disclose"),
        categories=tuple(doc["data_categories"]),
        use=doc["data_use"],
        kind=recipient["kind"],
        consents=tuple(_get(doc, "consents", [])),
        opt_outs=tuple(_get(doc, "opt_outs", [])),
        legal_request=legal if isinstance(legal, dict) else None,
        identifiability=_get(doc, "identifiability", "identifiable"),
        requested_by_subject=_get(doc, "requested_by_subject", False) is True,
    )


def short(value: Any, limit: int = 600) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _invalid_reasons(decision: Any) -> list[Any]:
    if not isinstance(decision, dict):
        return []
    return [r for r in decision.get("reasons") or [] if isinstance(r, dict) and r.get("code") == "invalid_input"]


def _allowed(decision: Any) -> bool:
    return isinstance(decision, dict) and decision.get("allow") is True


# --- the predicates -------------------------------------------------------------------------


def fail_closed(obs: Observation, valid: bool, fields: Iterable[str] = ()) -> list[str]:
    """1. Every input gets a defined decision without an engine error; an invalid one is a
    deny with an invalid_input reason (naming the field, when the caller knows it); a valid
    one carries no invalid_input reason."""
    if not obs.defined:
        return [obs.error or "no decision"]
    decision = obs.decision
    if not isinstance(decision, dict) or not isinstance(decision.get("allow"), bool):
        return [f"the decision is not a decision document: {short(decision)}"]
    invalid = _invalid_reasons(decision)
    if valid:
        return [f"a valid input was rejected: {short(invalid)}"] if invalid else []
    problems = []
    if decision["allow"] is not False:
        problems.append("an invalid input was allowed")
    if not invalid:
        problems.append(f"an invalid input has no invalid_input reason: {short(decision.get('reasons'))}")
    wanted = set(fields)
    if wanted and invalid and not wanted & {r.get("field") for r in invalid}:
        problems.append(f"no invalid_input reason names {sorted(wanted)}: {short(invalid)}")
    return problems


def default_deny(obs: Observation) -> list[str]:
    """2. No permit and no forbid: a deny citing exactly the company's catch-all."""
    if not obs.defined:
        return [obs.error or "no decision"]
    if _invalid_reasons(obs.decision) or obs.permits or obs.forbids:
        return []
    if not isinstance(obs.catch_all, dict):
        return ["the company has no catch_all reason"]
    expected = {"allow": False, "reasons": [{**obs.catch_all, "effect": "deny"}], "obligations": []}
    if obs.decision != expected:
        return [f"no clause decided, yet the answer is {short(obs.decision)} (expected the catch-all {obs.catch_all.get('clause')})"]
    return []


def _denied(rule: str, decision: Any) -> list[str]:
    return [f"{rule}, yet allowed: {short(decision.get('reasons'))}"] if _allowed(decision) else []


def third_party_marketing(flow: Flow, decision: Any, promises: Promises) -> list[str]:
    """3. No third-party direct marketing without express consent (never, for a company
    that reads its policy so)."""
    reading = promises.of(flow.company).third_party_direct_marketing
    if reading is None or flow.kind in promises.first_party_kinds or not overlaps(flow.use, promises.direct_marketing_use):
        return []
    if reading == "never":
        return _denied(f"{flow.company} gives no data to a {flow.kind} for direct marketing ({flow.use})", decision)
    if not any(covers(c, flow.use) for c in flow.consents):
        return _denied(f"direct marketing ({flow.use}) by a {flow.kind} without consent covering it", decision)
    return []


def no_sale(flow: Flow, decision: Any, promises: Promises) -> list[str]:
    """4. No sale of identifiable personal data (every company)."""
    if flow.action == promises.sale_action and flow.identifiability == promises.sale_identifiability:
        return _denied("sale of identifiable personal data", decision)
    return []


def law_enforcement(flow: Flow, decision: Any, promises: Promises) -> list[str]:
    """5. Law enforcement needs a legal request (a verified one, or none will do, as the
    company reads its policy)."""
    reading = promises.of(flow.company).law_enforcement
    if reading is None or flow.kind != promises.law_enforcement_kind:
        return []
    if reading == "never":
        return _denied(f"{flow.company} never discloses to law enforcement", decision)
    if flow.legal_request is None:
        return _denied("disclosure to law enforcement without a legal request", decision)
    if reading == "verified_request" and flow.legal_request.get("verified") is not True:
        return _denied(f"{flow.company} discloses to law enforcement only on a verified request", decision)
    return []


def ad_partner_identifiers(flow: Flow, decision: Any, promises: Promises) -> list[str]:
    """6a. An advertising partner gets no direct identifiers (but the keys the company excepts)."""
    excepted = promises.of(flow.company).advertising_partner_identifiers_except
    if excepted is None or flow.kind != promises.advertising_partner_kind:
        return []
    hits = sorted({c for c in flow.categories if c not in excepted for d in promises.direct_identifiers if overlaps(c, d)})
    return _denied(f"direct identifiers {hits} to an advertising partner", decision) if hits else []


def card_numbers(flow: Flow, decision: Any, promises: Promises) -> list[str]:
    """6b. Card numbers go nowhere except for payment processing (every company)."""
    hits = [c for c in flow.categories if overlaps(c, promises.card_numbers_category)]
    if hits and not covers(promises.card_numbers_use, flow.use):
        return _denied(f"card numbers ({hits}) for {flow.use}", decision)
    return []


def never_disclosed(flow: Flow, decision: Any, promises: Promises) -> list[str]:
    """7. Categories a company never discloses (e.g. CallsApp's private content), outside
    the flows its promise excepts."""
    problems = []
    for promise in promises.of(flow.company).never_disclosed:
        hits = [c for c in flow.categories if any(overlaps(c, k) for k in promise.categories)]
        if hits and not promise.excepts(flow):
            problems += _denied(f"{flow.company} never discloses {hits} ({promise.clause})", decision)
    return problems


def explained(decision: Any, clauses: dict[str, Any]) -> list[str]:
    """10. Every deny has a deny reason, every allow an allow reason and no deny reason; every
    cited clause is catalogued; obligations only on allows, each citing a catalogued clause."""
    if not isinstance(decision, dict):
        return [f"not a decision: {short(decision)}"]
    problems = []
    reasons = decision.get("reasons")
    obligations = decision.get("obligations")
    if not isinstance(reasons, list) or not isinstance(obligations, list):
        return [f"reasons and obligations must be arrays: {short(decision)}"]
    effects = [r.get("effect") if isinstance(r, dict) else None for r in reasons]
    if decision.get("allow") is True:
        if "allow" not in effects:
            problems.append("an allow with no allow reason")
        if "deny" in effects:
            problems.append(f"an allow with a deny reason: {short(reasons)}")
    else:
        if "deny" not in effects:
            problems.append(f"a deny with no deny reason: {short(reasons)}")
        if obligations:
            problems.append(f"obligations on a deny: {short(obligations)}")
    for r in reasons:
        if not isinstance(r, dict) or not isinstance(r.get("code"), str) or not isinstance(r.get("message"), str):
            problems.append(f"a reason without code and message: {short(r)}")
        elif r.get("clause") not in clauses:
            problems.append(f"reason cites an uncatalogued clause {r.get('clause')!r}")
    for o in obligations:
        if not isinstance(o, dict) or o.get("clause") not in clauses:
            problems.append(f"obligation cites an uncatalogued clause: {short(o)}")
    return problems


def point_problems(model: Model, clauses: dict[str, Any], doc: dict[str, Any], obs: Observation) -> dict[str, list[str]]:
    """Invariants 1 (valid side), 2-7 and 10 on one valid input and its observation."""
    found: dict[str, list[str]] = {}

    def note(name: str, problems: list[str]) -> None:
        if problems:
            found.setdefault(name, []).extend(problems)

    note(FAIL_CLOSED, fail_closed(obs, valid=True))
    if not obs.defined or _invalid_reasons(obs.decision):
        return found
    flow = flow_of(doc)
    decision = obs.decision
    note(DEFAULT_DENY, default_deny(obs))
    promises = model.promises
    note(THIRD_PARTY_MARKETING, third_party_marketing(flow, decision, promises))
    note(NO_SALE, no_sale(flow, decision, promises))
    note(LAW_ENFORCEMENT, law_enforcement(flow, decision, promises))
    note(AD_PARTNER_IDENTIFIERS, ad_partner_identifiers(flow, decision, promises))
    note(CARD_NUMBERS, card_numbers(flow, decision, promises))
    note(NEVER_DISCLOSED, never_disclosed(flow, decision, promises))
    note(EXPLAINED, explained(decision, clauses))
    return found


# --- relations between two decisions ---------------------------------------------------------

ADD_OPT_OUT = "add an opt-out"
DROP_CONSENT = "drop a consent"
DROP_CATEGORIES = "drop categories"


def monotone(change: str, before: Any, after: Any) -> list[str]:
    """8. after is before's input with one change: adding an opt-out or dropping a consent
    never turns a deny into an allow; dropping categories never turns an allow into a deny."""
    if change in (ADD_OPT_OUT, DROP_CONSENT):
        if _allowed(after) and not _allowed(before):
            return [f"{change} turned a deny into an allow: {short(after.get('reasons'))}"]
    elif change == DROP_CATEGORIES:
        if _allowed(before) and not _allowed(after):
            return [f"{change} turned an allow into a deny: {short(after.get('reasons') if isinstance(after, dict) else after)}"]
    else:
        raise ValueError(change)
    return []


def monotone_variants(doc: dict[str, Any], allowed: bool, opt_outs: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The one-step changes of doc that could break monotonicity given its outcome."""
    if not allowed:
        present = set(_get(doc, "opt_outs", []))
        for o in opt_outs:
            if o not in present:
                yield ADD_OPT_OUT, {**doc, "opt_outs": [*_get(doc, "opt_outs", []), o]}
        consents = list(_get(doc, "consents", []))
        for i in range(len(consents)):
            yield DROP_CONSENT, {**doc, "consents": consents[:i] + consents[i + 1 :]}
        if len(consents) > 1:
            yield DROP_CONSENT, {**doc, "consents": []}
    else:
        categories = list(doc["data_categories"])
        if len(categories) > 1:
            for i in range(len(categories)):
                yield DROP_CATEGORIES, {**doc, "data_categories": categories[:i] + categories[i + 1 :]}
            for c in dict.fromkeys(categories):
                yield DROP_CATEGORIES, {**doc, "data_categories": [c]}


def same_decision(change: str, before: Any, after: Any) -> list[str]:
    """9. Reordering or duplicating list entries and adding unknown fields leave the decision as it was."""
    if before != after:
        return [f"{change} changed the decision from {short(before)} to {short(after)}"]
    return []


def noisy_variant(doc: dict[str, Any]) -> dict[str, Any]:
    """A fixed variant of a valid input: lists reversed and doubled, unknown fields added at
    the top level and inside recipient, subject and legal_request."""
    out: dict[str, Any] = {**doc}
    for key in ("data_categories", "consents", "opt_outs"):
        value = doc.get(key)
        if isinstance(value, list):
            out[key] = list(reversed(value)) + list(value)
    out["x_unknown_field"] = {"nested": [1, "two", None]}
    out["recipient"] = {**doc["recipient"], "x_department": "sales"}
    subject = doc.get("subject")
    out["subject"] = {**(subject if isinstance(subject, dict) else {}), "x_locale": "de-DE"}
    legal = doc.get("legal_request")
    if isinstance(legal, dict):
        out["legal_request"] = {**legal, "x_reference": "case 42"}
    return out


# --- company isolation ----------------------------------------------------------------------


def scramble(value: Any, mode: str) -> Any:
    """Another company's facts, changed throughout: lists emptied ("empty") or given extra
    entries ("grow"), strings and numbers and booleans changed."""
    if isinstance(value, dict):
        return {k: scramble(v, mode) for k, v in value.items()}
    if isinstance(value, list):
        return [] if mode == "empty" else [scramble(v, mode) for v in value] + ["x-scrambled", "user", "marketing", "third_party"]
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1000
    if isinstance(value, str):
        return "x-scrambled-" + value
    return value


def with_scrambled_facts(policy_set: PolicySet, company: str, mode: str) -> PolicySet:
    data = json.loads(json.dumps(policy_set.data))
    facts = data["privacy"]["companies"][company]["facts"]
    data["privacy"]["companies"][company]["facts"] = scramble(facts, mode)
    return PolicySet(dict(policy_set.modules), data, policy_set.revision + f"+scrambled-{company}-{mode}")


def isolated(company: str, other: str, before: Any, after: Any) -> list[str]:
    """11. A decision for company does not change when other's facts change."""
    if before != after:
        return [f"changing {other}'s facts changed a {company} decision from {short(before)} to {short(after)}"]
    return []

