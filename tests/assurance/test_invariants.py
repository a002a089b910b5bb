"""The promises every decision keeps, as properties over generated inputs (issue 4).

Each property is checked in process with regopy (the production engine) over inputs from
tests/strategies.py; the predicates are privacy_pdp.assurance.invariants, shared with the bounded
check (privacy-pdp verify). After each property comes a test that breaks the policy on
purpose (a mutant: one rule altered by string replacement in a copy of the policy set) and
shows that the same predicate then reports a counterexample, so that no property passes
vacuously. Profiles and example counts: tests/strategies.py (PRIVACY_HYPOTHESIS_PROFILE,
PRIVACY_HYPOTHESIS_SCALE).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy_pdp.assurance import invariants as inv
from privacy_pdp.core.engine import RegoEngine
from privacy_pdp.core.policyset import PolicySet

from strategies import (
    FOUND_INVALID,
    MODEL,
    example_each,
    examples,
    invalid_requests,
    noisy,
    overlapping,
    valid_requests,
)

THIRD_PARTY_KINDS = [k for k in MODEL.kinds if k not in MODEL.promises.first_party_kinds]
MARKETING_USES = [u for u in MODEL.uses if inv.overlaps(u, MODEL.promises.direct_marketing_use)]
DIRECT_IDENTIFIER_CATEGORIES = overlapping(MODEL.categories, MODEL.direct_identifiers)
CARD_CATEGORIES = overlapping(MODEL.categories, [MODEL.promises.card_numbers_category])
PRIVATE_CATEGORIES = overlapping(MODEL.categories, ["user.content.private"])


@pytest.fixture(scope="module")
def observer(policies: PolicySet) -> inv.Observer:
    return inv.Observer.regopy(policies)


@pytest.fixture(scope="module")
def clauses(observer: inv.Observer) -> dict[str, Any]:
    return observer.clauses()


_CATALOGUE: dict[str, Any] = {}


def catalogue(engine: Any) -> dict[str, Any]:
    """data.privacy.clauses, read once (not a fixture argument: hypothesis would print it)."""
    if not _CATALOGUE:
        _CATALOGUE.update(engine.evaluate("privacy/clauses").value)
    return _CATALOGUE


def decide(engine: Any, doc: Any) -> Any:
    obs = inv.decide_with(engine, doc)
    assert obs.defined, obs.error
    return obs.decision


def holds(problems: list[str], doc: Any) -> None:
    assert not problems, f"{problems}\ninput: {inv.short(doc, 4000)}"


# --- mutants -----------------------------------------------------------------------------


def mutate(policies: PolicySet, file: str, old: str, new: str) -> PolicySet:
    """A copy of the policy set with one piece of one module replaced."""
    source = policies.modules[file]
    assert old in source, f"mutant anchor not found in {file} (update this mutant): {old!r}"
    return PolicySet({**policies.modules, file: source.replace(old, new, 1)}, policies.data, policies.revision + "+mutant")


def base(**changes: Any) -> dict[str, Any]:
    doc = {
        "company": "kallu",
        "data_categories": ["user.contact.email"],
        "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party"},
        "consents": ["marketing.communications.email"],
    }
    doc.update(changes)
    return {k: v for k, v in doc.items() if v is not None}


def first_caught(mutant: inv.Observer, candidates: Iterable[dict[str, Any]], check: Any,
                 original: inv.Observer | None = None) -> Any:
    """The first candidate on which check(doc, observation) reports a problem under the mutant
    that it does not report under the original policy (when given), or None. An engine
    failure does not count as catching the mutant."""
    for doc in candidates:
        if doc["company"] not in MODEL.companies:
            continue
        obs = mutant.observe(doc)
        if not obs.defined:
            continue
        found = set(check(doc, obs))
        if found and original is not None:
            before = original.observe(doc)
            found -= set(check(doc, before)) if before.defined else found
        if found:
            return doc
    return None


def requires(*companies: str) -> None:
    missing = [c for c in companies if c not in MODEL.companies]
    if missing:
        pytest.skip(f"needs the {', '.join(missing)} package")


# --- 1. fail closed ----------------------------------------------------------------------------


@examples(400)
@given(case=invalid_requests())
@example_each("case", FOUND_INVALID)
def test_fail_closed_any_invalid_input_is_denied_with_an_invalid_input_reason(rego, case) -> None:
    doc, fields = case
    holds(inv.fail_closed(inv.decide_with(rego, doc), valid=False, fields=fields), doc)


@examples(250)
@given(doc=st.one_of(valid_requests(), valid_requests().map(lambda d: {**d, "data_categories": d["data_categories"] * 40})))
def test_fail_closed_a_valid_input_is_never_rejected(rego, doc) -> None:
    holds(inv.fail_closed(inv.decide_with(rego, doc), valid=True), doc)


def test_fail_closed_no_input_at_all_is_denied(rego) -> None:
    from privacy_pdp.core.engine import UNDEFINED

    holds(inv.fail_closed(inv.decide_with(rego, UNDEFINED), valid=False, fields={"input"}), None)


def test_mutant_fail_closed_is_caught(policies) -> None:
    broken = mutate(policies, "privacy/decision.rego", '{"allow": false, "reasons": _invalid_reasons', '{"allow": true, "reasons": _invalid_reasons')
    engine = RegoEngine(broken)
    doc = base(company="acme")
    assert inv.fail_closed(inv.decide_with(engine, doc), valid=False, fields={"company"})


# --- 2. default deny ---------------------------------------------------------------------------


@examples(250)
@given(doc=valid_requests())
def test_default_deny_when_no_clause_decides_the_catch_all_denies(observer, doc) -> None:
    holds(inv.default_deny(observer.observe(doc)), doc)


def test_mutant_default_deny_is_caught(policies, observer) -> None:
    original = observer
    broken = mutate(policies, "privacy/decision.rego", 'else := {"allow": false, "reasons": [object.union(_catch_all',
                    'else := {"allow": true, "reasons": [object.union(_catch_all')
    mutant = inv.Observer.regopy(broken)
    candidates = [
        base(company=c, data_categories=["user.government_id.passport_number"], data_use="train_ai_system",
             recipient={"kind": "public"}, consents=None)
        for c in MODEL.companies
    ]
    assert first_caught(mutant, candidates, lambda d, o: inv.default_deny(o), original), "the mutant went unnoticed"


# --- 3. no third-party direct marketing without express consent --------------------------------


@examples(300)
@given(doc=valid_requests(kinds=THIRD_PARTY_KINDS, uses=MARKETING_USES))
def test_no_third_party_direct_marketing_without_express_consent(rego, doc) -> None:
    holds(inv.third_party_marketing(inv.flow_of(doc), decide(rego, doc), MODEL.promises), doc)


def test_mutant_third_party_marketing_is_caught(policies, observer) -> None:
    original = observer
    # consent is taken for granted: "unless the user consented" rules stop denying
    broken = mutate(policies, "privacy/request.rego", "\tsome key in _lineage_of(data_use)\n\tconsents[key] == key # a lookup: `key in consents` is a builtin call\n", "\tdata_use == data_use\n")
    mutant = inv.Observer.regopy(broken)
    candidates = [
        base(company=c, recipient={"kind": k}, data_use=u, data_categories=[cat], consents=None)
        for c in ("kallu", "callbridge")
        for k in ("third_party", "advertising_partner", "corporate_family")
        for u in ("marketing.communications.email", "marketing.communications")
        for cat in ("user.contact.email", "user.name")
    ]
    found = first_caught(mutant, candidates, lambda d, o: inv.third_party_marketing(inv.flow_of(d), o.decision, MODEL.promises), original)
    assert found, "the mutant went unnoticed"


# --- 4. no sale of identifiable personal data -------------------------------------------------


@examples(200)
@given(doc=valid_requests(actions=["sell"], identifiability=["identifiable"]))
def test_no_sale_of_identifiable_personal_data(rego, doc) -> None:
    holds(inv.no_sale(inv.flow_of(doc), decide(rego, doc), MODEL.promises), doc)


def test_mutant_no_sale_is_caught(policies, observer) -> None:
    original = observer
    # the action is ignored: every sale reads as a disclosure
    broken = mutate(policies, "privacy/request.rego", 'action := _get(document, "action", "disclose")', 'action := "disclose"')
    mutant = inv.Observer.regopy(broken)
    candidates = [
        base(company=c, action="sell", recipient={"kind": k}, data_categories=[cat], data_use=u, consents=[u])
        for c in MODEL.companies
        for k, cat, u in [
            ("third_party", "user.contact.email", "marketing.communications.email"),
            ("service_provider", "user.contact.email", "essential.service"),
            ("corporate_family", "user.contact.email", "essential.service"),
            ("advertising_partner", "user.device.advertising_id", "marketing.advertising.third_party.targeted"),
        ]
    ]
    candidates = [{**d, "recipient": {**d["recipient"], "under_contract": True}} for d in candidates]
    found = first_caught(mutant, candidates, lambda d, o: inv.no_sale(inv.flow_of(d), o.decision, MODEL.promises), original)
    assert found, "the mutant went unnoticed"


# --- 5. law enforcement -----------------------------------------------------------------------


@examples(200)
@given(doc=valid_requests(kinds=[MODEL.promises.law_enforcement_kind]))
def test_law_enforcement_gets_nothing_without_a_legal_request(rego, doc) -> None:
    holds(inv.law_enforcement(inv.flow_of(doc), decide(rego, doc), MODEL.promises), doc)


def test_mutant_law_enforcement_is_caught(policies, observer) -> None:
    original = observer
    # every request reads as carrying a verified court order
    broken = mutate(
        policies, "privacy/request.rego",
        "legal_request := document.legal_request if is_object(document.legal_request)",
        'legal_request := {"verified": true, "matter": "court_order"}',
    )
    mutant = inv.Observer.regopy(broken)
    candidates = [
        base(company=c, recipient={"kind": "law_enforcement"}, data_categories=[cat], data_use=u, consents=None)
        for c in MODEL.companies
        for u in ("essential.legal_obligation", "third_party_sharing.legal_obligation", "essential.fraud_detection")
        for cat in ("user.contact.email", "user.name", "user.behavior.call_detail_records", "user.account")
    ]
    found = first_caught(mutant, candidates, lambda d, o: inv.law_enforcement(inv.flow_of(d), o.decision, MODEL.promises), original)
    assert found, "the mutant went unnoticed"


# --- 6. advertising partners and card numbers -------------------------------------------------


@examples(300)
@given(doc=valid_requests(kinds=[MODEL.promises.advertising_partner_kind], include_one_of=DIRECT_IDENTIFIER_CATEGORIES))
def test_advertising_partner_never_gets_direct_identifiers(rego, doc) -> None:
    holds(inv.ad_partner_identifiers(inv.flow_of(doc), decide(rego, doc), MODEL.promises), doc)


@examples(300)
@given(doc=valid_requests(include_one_of=CARD_CATEGORIES))
def test_card_numbers_go_nowhere_but_payment_processing(rego, doc) -> None:
    holds(inv.card_numbers(inv.flow_of(doc), decide(rego, doc), MODEL.promises), doc)


def _forbids_ignored(policies: PolicySet) -> PolicySet:
    return mutate(policies, "privacy/decision.rego", "} else := {\"allow\": false, \"reasons\": _forbidding, \"obligations\": []} if {\n\tcount(_forbids) > 0",
                  "} else := {\"allow\": false, \"reasons\": _forbidding, \"obligations\": []} if {\n\tcount(_forbids) > 1000")


def _marketing_candidates(categories: list[str], kinds: list[str]) -> list[dict[str, Any]]:
    return [
        base(company=c, recipient={"kind": k, "under_contract": True}, data_categories=[cat], data_use=u, consents=[u])
        for c in MODEL.companies
        for k in kinds
        for cat in categories
        for u in ("marketing.communications.email", "marketing.advertising.third_party.targeted", "marketing")
    ]


def test_mutant_advertising_partner_identifiers_is_caught(policies, observer) -> None:
    original = observer
    # deny no longer overrides: a permit wins over the forbidding clause
    mutant = inv.Observer.regopy(_forbids_ignored(policies))
    candidates = _marketing_candidates(["user.contact.email", "user.name", "user.contact"], [MODEL.promises.advertising_partner_kind])
    check = lambda d, o: inv.ad_partner_identifiers(inv.flow_of(d), o.decision, MODEL.promises)  # noqa: E731
    assert first_caught(mutant, candidates, check, original), "the mutant went unnoticed"


def test_mutant_card_numbers_is_caught(policies, observer) -> None:
    original = observer
    mutant = inv.Observer.regopy(_forbids_ignored(policies))
    candidates = _marketing_candidates(["user.financial.credit_card", "user.financial"], ["third_party", "advertising_partner", "corporate_family"])
    check = lambda d, o: inv.card_numbers(inv.flow_of(d), o.decision, MODEL.promises)  # noqa: E731
    assert first_caught(mutant, candidates, check, original), "the mutant went unnoticed"


# --- 7. CallsApp never discloses private content -----------------------------------------------


@examples(200)
@given(doc=valid_requests(companies=["callsapp"] if "callsapp" in MODEL.companies else MODEL.companies[:1],
                          include_one_of=PRIVATE_CATEGORIES))
def test_callsapp_never_discloses_private_content(rego, doc) -> None:
    requires("callsapp")
    holds(inv.never_disclosed(inv.flow_of(doc), decide(rego, doc), MODEL.promises), doc)


def test_mutant_callsapp_private_content_is_caught(policies, observer) -> None:
    original = observer
    requires("callsapp")
    # every requested category reads as the advertising id (which CallsApp may share)
    broken = mutate(policies, "privacy/request.rego", "categories := {c | some c in document.data_categories}",
                    'categories := {"user.device.advertising_id" | some _ in document.data_categories}')
    mutant = inv.Observer.regopy(broken)
    candidates = [
        base(company="callsapp", recipient={"kind": k, "under_contract": True}, data_categories=["user.content.private"],
             data_use=u, consents=[u], subject={"age": 30, "country": "US"})
        for k in ("advertising_partner", "service_provider", "corporate_family", "third_party")
        for u in ("marketing.advertising.third_party.targeted", "marketing.advertising", "analytics", "essential.fraud_detection")
    ]
    check = lambda d, o: inv.never_disclosed(inv.flow_of(d), o.decision, MODEL.promises)  # noqa: E731
    assert first_caught(mutant, candidates, check, original), "the mutant went unnoticed"


# --- 8. monotonicity -------------------------------------------------------------------------


def monotonicity_problems(engine: Any, doc: dict[str, Any]) -> list[str]:
    before = decide(engine, doc)
    problems = []
    for change, variant in inv.monotone_variants(doc, before["allow"], MODEL.opt_outs):
        problems += [f"{p}\nvariant: {inv.short(variant, 2000)}" for p in inv.monotone(change, before, decide(engine, variant))]
    return problems


@examples(120)
@given(doc=valid_requests(max_categories=3))
def test_monotonicity_an_opt_out_or_a_dropped_consent_never_allows_more(rego, doc) -> None:
    holds(monotonicity_problems(rego, doc), doc)


@examples(100)
@given(doc=valid_requests(uses=MARKETING_USES + [u for u in MODEL.uses if u.startswith("essential")], max_categories=4))
def test_monotonicity_dropping_categories_never_denies_an_allowed_flow(rego, doc) -> None:
    holds(monotonicity_problems(rego, doc), doc)


def test_mutant_monotonicity_is_caught(policies) -> None:
    # consent inverted: every use the subject did NOT list counts as consented
    broken = mutate(policies, "privacy/request.rego", 'consents := {c | some c in _get(document, "consents", [])}',
                    'consents := {c | some c in data.privacy.taxonomy.data_uses; not c in _get(document, "consents", [])}')
    engine = RegoEngine(broken)
    candidates = [
        base(company=c, recipient={"kind": k, "under_contract": True}, consents=["marketing", "marketing.communications", "marketing.communications.email"])
        for c in MODEL.companies
        for k in ("third_party", "advertising_partner", "corporate_family")
    ]
    def caught(doc: dict[str, Any]) -> bool:
        try:
            return bool(monotonicity_problems(engine, doc))
        except AssertionError:  # an engine failure does not count as catching it
            return False

    assert any(caught(d) for d in candidates if d["company"] in MODEL.companies), "the mutant went unnoticed"


# --- 9. order, duplicates and unknown fields -------------------------------------------------


@st.composite
def valid_and_noisy(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[dict[str, Any], str]]:
    doc = draw(valid_requests())
    return doc, draw(noisy(doc))


@examples(150)
@given(case=valid_and_noisy())
def test_order_duplicates_and_unknown_fields_do_not_change_the_decision(rego, case) -> None:
    doc, (variant, change) = case
    holds(inv.same_decision(change, decide(rego, doc), decide(rego, variant)), {"input": doc, "variant": variant})


def test_mutant_order_and_duplicates_is_caught(policies) -> None:
    # consents count only when listed once: duplicates change the decision
    broken = mutate(policies, "privacy/request.rego", 'consents := {c | some c in _get(document, "consents", [])}',
                    'consents := {c | some c in _get(document, "consents", []); count(_get(document, "consents", [])) < 2}')
    engine = RegoEngine(broken)
    candidates = _marketing_candidates(["user.contact.email", "user.device.advertising_id"],
                                       ["third_party", "corporate_family", "service_provider", "advertising_partner"])
    for doc in candidates:
        before, after = inv.decide_with(engine, doc), inv.decide_with(engine, inv.noisy_variant(doc))
        if before.defined and after.defined and inv.same_decision("doubled", before.decision, after.decision):
            return
    pytest.fail("the mutant went unnoticed")


# --- 10. explanations ------------------------------------------------------------------------


@examples(300)
@given(doc=st.one_of(valid_requests(), invalid_requests().map(lambda case: case[0])))
def test_every_decision_is_explained_by_catalogued_clauses(rego, doc) -> None:
    obs = inv.decide_with(rego, doc)
    if obs.defined:  # no decision at all is invariant 1's failure
        holds(inv.explained(obs.decision, catalogue(rego)), doc)


def test_mutant_explanations_is_caught(policies, rego, clauses) -> None:
    # permitting reasons lose their effect: an allow explained by deny reasons
    broken = mutate(policies, "privacy/decision.rego", '{"effect": "allow"}', '{"effect": "deny"}')
    engine = RegoEngine(broken)
    candidates = _marketing_candidates(["user.contact.email", "user.device.advertising_id"], ["third_party", "service_provider", "corporate_family"])
    for doc in candidates:
        after, before = inv.decide_with(engine, doc), inv.decide_with(rego, doc)
        if after.defined and before.defined and set(inv.explained(after.decision, clauses)) - set(inv.explained(before.decision, clauses)):
            return
    pytest.fail("the mutant went unnoticed")


# --- 11. company isolation -------------------------------------------------------------------


@pytest.fixture(scope="module")
def scrambled(policies: PolicySet) -> dict[tuple[str, str], RegoEngine]:
    """One engine per (company, mode) whose facts are scrambled."""
    return {(c, mode): RegoEngine(inv.with_scrambled_facts(policies, c, mode)) for c in MODEL.companies for mode in ("empty", "grow")}


@examples(80)
@given(doc=valid_requests())
def test_company_isolation_another_companys_facts_do_not_change_a_decision(rego, scrambled, doc) -> None:
    if len(MODEL.companies) < 2:
        pytest.skip("needs two companies")
    before = decide(rego, doc)
    problems = []
    for (other, mode), engine in scrambled.items():
        if other != doc["company"]:
            problems += inv.isolated(doc["company"], f"{other} ({mode})", before, decide(engine, doc))
    holds(problems, doc)


def test_mutant_company_isolation_is_caught(policies) -> None:
    if len(MODEL.companies) < 2:
        pytest.skip("needs two companies")
    from privacy_pdp.assurance.mutation import company_modules

    company, other = MODEL.companies[0], MODEL.companies[1]
    facts = policies.data["privacy"]["companies"][other]["facts"]
    key = next((k for k, v in facts.items() if isinstance(v, list) and v and re.fullmatch(r"[a-z_][a-z0-9_]*", k)), None)
    assert key, f"{other}'s facts have no list to depend on"
    # a forbidding rule of one company that reads another company's facts
    path = company_modules(policies)[company]
    rule = (
        f'\nforbids contains {{"code": "x", "clause": "x", "message": "x"}} if {{\n'
        f"\tcount(data.privacy.companies.{other}.facts.{key}) > 0\n}}\n"
    )
    broken = PolicySet({**policies.modules, path: policies.modules[path] + rule}, policies.data, policies.revision + "+m")
    before = RegoEngine(broken)
    after = RegoEngine(inv.with_scrambled_facts(broken, other, "empty"))
    doc = base(company=company, data_categories=["user.government_id.passport_number"], data_use="train_ai_system",
               recipient={"kind": "public"}, consents=None)
    assert inv.isolated(company, other, decide(before, doc), decide(after, doc))


# --- the observation module agrees with the production decision ------------------------------


@examples(100)
@given(doc=st.one_of(valid_requests(), invalid_requests().map(lambda case: case[0])))
def test_observation_reports_the_production_decision(rego, observer, doc) -> None:
    assert observer.observe(doc).decision == decide(rego, doc)
