"""Company promises are data (policies/privacy/promises/data.json and each company's
promises/data.json): read strictly, applied per company, and absent means no promise."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from privacy_pdp.assurance import invariants as inv
from privacy_pdp.assurance import promises
from privacy_pdp.authoring import catalogue

from strategies import MODEL

ALLOW = {"allow": True, "reasons": [{"code": "x", "clause": "x", "message": "m", "effect": "allow"}], "obligations": []}


def data_with(company: dict[str, Any] | None) -> dict[str, Any]:
    """The project's global promises and one company, 'co', with these promises (None: no file)."""
    from conftest import POLICIES
    from privacy_pdp.core.policyset import load_directory

    data = copy.deepcopy(load_directory(POLICIES).data)
    data["privacy"]["companies"] = {"co": {"facts": {}} if company is None else {"facts": {}, "promises": company}}
    return data


def flow(**changes: Any) -> inv.Flow:
    doc = {"company": "co", "data_categories": ["user.content.private"], "data_use": "marketing.communications.email",
           "recipient": {"kind": "third_party"}, **changes}
    return inv.flow_of(doc)


def test_every_clause_a_promise_cites_is_catalogued(policies) -> None:
    known = catalogue.catalogue_of(policies)
    cited = {c: p.clauses for c, p in MODEL.promises.companies.items()}
    assert cited, "no company promises anything"
    for company, clauses in cited.items():
        assert set(clauses) <= set(known), f"{company}: {sorted(set(clauses) - set(known))}"


def test_a_company_without_promises_is_held_to_the_shared_invariants_only() -> None:
    p = promises.read(data_with(None), ("co",))
    assert p.of("co") == promises.CompanyPromises()
    for check in (inv.third_party_marketing, inv.law_enforcement, inv.ad_partner_identifiers, inv.never_disclosed):
        assert check(flow(recipient={"kind": "law_enforcement"}), ALLOW, p) == []
        assert check(flow(recipient={"kind": "advertising_partner"}, data_categories=["user.contact.email"]), ALLOW, p) == []
    assert inv.card_numbers(flow(data_categories=["user.financial.credit_card"]), ALLOW, p)  # every company
    assert inv.no_sale(flow(action="sell"), ALLOW, p)


@pytest.mark.parametrize(("reading", "doc", "broken"), [
    ("never", {}, True),
    ("any_request", {}, True),
    ("any_request", {"legal_request": {"verified": False, "matter": "court_order"}}, False),
    ("verified_request", {"legal_request": {"verified": False, "matter": "court_order"}}, True),
    ("verified_request", {"legal_request": {"verified": True, "matter": "court_order"}}, False),
])
def test_law_enforcement_readings(reading: str, doc: dict[str, Any], broken: bool) -> None:
    p = promises.read(data_with({"law_enforcement": {"reading": reading, "clause": "co.legal"}}), ("co",))
    found = inv.law_enforcement(flow(recipient={"kind": "law_enforcement"}, **doc), ALLOW, p)
    assert bool(found) is broken


def test_never_disclosed_outside_its_exceptions() -> None:
    p = promises.read(data_with({"never_disclosed": [{
        "categories": ["user.content.private"], "clause": "co.content",
        "except_when": {"recipient_kinds": ["service_provider"], "requested_by_subject": True},
    }]}), ("co",))
    assert inv.never_disclosed(flow(), ALLOW, p)
    assert inv.never_disclosed(flow(recipient={"kind": "service_provider"}), ALLOW, p)  # not asked by the subject
    assert inv.never_disclosed(flow(recipient={"kind": "service_provider"}, requested_by_subject=True), ALLOW, p) == []
    assert inv.never_disclosed(flow(data_categories=["user.name"]), ALLOW, p) == []


def test_an_exception_may_be_a_list_of_alternatives() -> None:
    p = promises.read(data_with({"never_disclosed": [{
        "categories": ["user.content"], "clause": "co.content",
        "except_when": [{"data_uses": ["essential.service"]}, {"consented": True}],
    }]}), ("co",))
    assert inv.never_disclosed(flow(data_use="essential.service.operations"), ALLOW, p) == []
    assert inv.never_disclosed(flow(consents=["marketing"]), ALLOW, p) == []
    assert inv.never_disclosed(flow(), ALLOW, p)


@pytest.mark.parametrize(("company", "message"), [
    ({"law_enforcement": {"reading": "sometimes", "clause": "c"}}, "law_enforcement.reading must be one of"),
    ({"third_party_direct_marketing": {"reading": "never"}}, "third_party_direct_marketing.clause is missing"),
    ({"advertising_partner_identifiers": {"except": "user.name", "clause": "c"}}, "must be a list of strings"),
    ({"never_disclosed": [{"categories": ["user.name"], "clause": "c", "except_when": {"weekday": ["mon"]}}]},
     "unknown condition(s) ['weekday']"),
    ({"never_disclosed": {"categories": []}}, "never_disclosed must be a list"),
])
def test_a_malformed_promise_names_its_file_and_entry(company: dict[str, Any], message: str) -> None:
    with pytest.raises(promises.PromiseError) as raised:
        promises.read(data_with(company), ("co",))
    assert "privacy/companies/co/promises/data.json" in str(raised.value) and message in str(raised.value)


def test_the_shared_promises_file_is_required() -> None:
    data = data_with(None)
    del data["privacy"]["promises"]
    with pytest.raises(promises.PromiseError, match="privacy/promises/data.json"):
        promises.read(data, ("co",))
