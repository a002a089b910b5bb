"""Decisions the seed texts settle, asked of the running service over HTTP.

Each case names the seed lines that settle it. The expected answer comes from the policy
text, not from the Rego: a reviewer reading the seed beside the case should agree.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

ADULT_DE = {"age": 34, "country": "DE"}
ADULT_US = {"age": 34, "country": "US", "subdivision": "US-NY"}


def req(company: str, categories: list[str], use: str, kind: str, **extra: Any) -> dict[str, Any]:
    recipient = {"kind": kind, **extra.pop("recipient", {})}
    return {"company": company, "data_categories": categories, "data_use": use, "recipient": recipient, **extra}


LEGAL = "essential.legal_obligation"
EMAIL_MKT = "marketing.communications.email"
ADS = "marketing.advertising.third_party.targeted"

# (id, input, allow, a clause that must be among the reasons, an obligation code or None)
CASES = [
    # Kallu (001)
    ("kallu L45 third-party marketing without consent",
     req("kallu", ["user.contact.email"], EMAIL_MKT, "third_party"), False, "kallu.sharing.direct_marketing", None),
    ("kallu L45 third-party marketing with express consent",
     req("kallu", ["user.contact.email"], EMAIL_MKT, "third_party", consents=["marketing"]),
     True, "kallu.sharing.direct_marketing", None),
    ("kallu L1 no sale",
     req("kallu", ["user.contact.email"], "essential.service", "third_party", action="sell"), False, "kallu.sale.never", None),
    ("kallu L57 acquirer not provided for",
     req("kallu", ["user.contact.email"], "essential.service", "acquirer"), False, "kallu.disclosure.default_deny", None),
    ("kallu L38 anonymous statistics to a third party",
     req("kallu", ["user.behavior"], "analytics.reporting", "third_party", identifiability="aggregated"),
     True, "kallu.sharing.statistics", None),
    ("kallu L52 disclosure required by law",
     req("kallu", ["user.contact.email"], LEGAL, "law_enforcement",
         legal_request={"verified": True, "matter": "required_by_law"}), True, "kallu.disclosure.legal", None),
    ("kallu L57 law enforcement without a request",
     req("kallu", ["user.contact.email"], LEGAL, "law_enforcement"), False, None, None),
    ("kallu L62 no transfer to a country without EEA-equivalent law",
     req("kallu", ["user.contact.email"], "essential.service", "first_party", recipient={"country": "US"}),
     False, "kallu.transfer.countries", None),
    ("kallu L49 group companies for the policy's purposes",
     req("kallu", ["user.contact.email"], "essential.service", "corporate_family", recipient={"country": "DE"}),
     True, "kallu.disclosure.group", None),
    # CallsApp (002)
    ("callsapp L8/L13 private content goes to no one",
     req("callsapp", ["user.content.private"], "essential.service", "other_users", consents=["essential"]),
     False, None, None),
    ("callsapp L62 ad id to ad partners in the EEA with consent",
     req("callsapp", ["user.device.advertising_id", "user.demographic.language"], ADS, "advertising_partner",
         subject=ADULT_DE, consents=["marketing.advertising"], identifiability="pseudonymous"),
     True, "callsapp.sharing.advertising_id", None),
    ("callsapp L62 ad id outside the EEA on legitimate interest",
     req("callsapp", ["user.device.advertising_id"], ADS, "advertising_partner", subject=ADULT_US,
         identifiability="pseudonymous"), True, "callsapp.sharing.advertising_id", None),
    ("callsapp L62 ad id withheld by the user",
     req("callsapp", ["user.device.advertising_id"], ADS, "advertising_partner", subject=ADULT_US,
         identifiability="pseudonymous", opt_outs=["advertising_id"]), False, None, None),
    ("callsapp L62 no e-mail address to ad partners",
     req("callsapp", ["user.contact.email"], ADS, "advertising_partner", subject=ADULT_US), False, None, None),
    ("callsapp L64 verified request about terrorism",
     req("callsapp", ["user.contact.phone_number"], LEGAL, "law_enforcement",
         legal_request={"verified": True, "matter": "terrorism"}), True, "callsapp.disclosure.law_enforcement", None),
    ("callsapp L64 unverified request",
     req("callsapp", ["user.contact.phone_number"], LEGAL, "law_enforcement",
         legal_request={"verified": False, "matter": "terrorism"}), False, None, None),
    ("callsapp L66 acquirer, with prior notice",
     req("callsapp", ["user.contact.email"], "essential.service", "acquirer"),
     True, "callsapp.disclosure.change_of_control", "prior_notice"),
    ("callsapp L58 parent company for support",
     req("callsapp", ["user.contact.email"], "essential.service.operations.support", "corporate_family",
         recipient={"name": "T-One Corporation Inc."}), True, "callsapp.disclosure.group", None),
    ("callsapp L114 no data of children under 10",
     req("callsapp", ["user.contact.email"], "essential.service.operations.support", "corporate_family",
         recipient={"name": "T-One Corporation Inc."}, subject={"age": 9}), False, "callsapp.children", None),
    ("callsapp third parties' own marketing is never provided for",
     req("callsapp", ["user.contact.email"], EMAIL_MKT, "third_party", consents=["marketing"]), False, None, None),
    # Callbridge (003)
    ("callbridge L73/L125 card numbers to the US card processor",
     req("callbridge", ["user.financial.credit_card"], "essential.service.payment_processing", "service_provider",
         recipient={"country": "US", "under_contract": True}), True, None, None),
    ("callbridge L117-124 card numbers to analytics",
     req("callbridge", ["user.financial.credit_card"], "analytics.reporting", "service_provider",
         recipient={"country": "US", "under_contract": True}), False, "callbridge.payment.card", None),
    ("callbridge L12/L85 aggregates may be sold",
     req("callbridge", ["user.behavior"], "analytics.reporting", "third_party", action="sell",
         identifiability="aggregated"), True, "callbridge.aggregate.sale", None),
    ("callbridge L176 no sale of identifiable data",
     req("callbridge", ["user.contact.email"], "analytics.reporting", "third_party", action="sell"), False, None, None),
    ("callbridge L171 lawful request of a public authority",
     req("callbridge", ["user.contact.email"], LEGAL, "law_enforcement",
         legal_request={"verified": True, "matter": "national_security"}),
     True, "callbridge.disclosure.public_authorities", None),
    ("callbridge L171 request not shown lawful",
     req("callbridge", ["user.contact.email"], LEGAL, "law_enforcement",
         legal_request={"verified": False, "matter": "national_security"}), False, None, None),
    ("callbridge L97 third-party marketing without express consent",
     req("callbridge", ["user.contact.email"], EMAIL_MKT, "third_party", subject=ADULT_US), False, None, None),
    ("callbridge L174 ad networks never get names or e-mail",
     req("callbridge", ["user.name"], ADS, "advertising_partner", subject=ADULT_US), False, "callbridge.ads.offsite", None),
    ("callbridge L81 no data of minors",
     req("callbridge", ["user.contact.email"], EMAIL_MKT, "third_party", subject={"age": 16}, consents=["marketing"]),
     False, "callbridge.children", None),
    # CallmatikPro (004)
    ("callmatikpro L101 no sale",
     req("callmatikpro", ["user.contact.email"], "analytics.reporting", "third_party", action="sell"),
     False, "callmatikpro.sale.never", None),
    ("callmatikpro L101 no transfer to outside parties, even with consent",
     req("callmatikpro", ["user.contact.email"], EMAIL_MKT, "third_party", consents=["marketing"]),
     False, "callmatikpro.sale.never", None),
    ("callmatikpro no law-enforcement clause",
     req("callmatikpro", ["user.contact.email"], LEGAL, "law_enforcement",
         legal_request={"verified": True, "matter": "court_order"}), False, None, None),
    ("callmatikpro L113 Google ad cookies",
     req("callmatikpro", ["user.device.cookie_id"], ADS, "advertising_partner", recipient={"name": "Google"},
         subject=ADULT_US, identifiability="pseudonymous"), True, "callmatikpro.ads.google", None),
    ("callmatikpro L129 opted out of personalised ads",
     req("callmatikpro", ["user.device.cookie_id"], ADS, "advertising_partner", recipient={"name": "Google"},
         subject=ADULT_US, identifiability="pseudonymous", opt_outs=["personalized_advertising"]), False, None, None),
    ("callmatikpro L137 no marketing to children under 13",
     req("callmatikpro", ["user.device.cookie_id"], ADS, "advertising_partner", recipient={"name": "Google"},
         subject={"age": 11}, identifiability="pseudonymous"), False, "callmatikpro.children", None),
]


@pytest.mark.parametrize(("document", "allow", "clause", "obligation"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_seed_decision(client: httpx.Client, document, allow, clause, obligation) -> None:
    response = client.post("/v1/data/privacy/decision", json={"input": document})
    assert response.status_code == 200
    decision = response.json()["result"]
    assert decision["allow"] is allow, decision
    assert all(r["code"] != "invalid_input" for r in decision["reasons"]), decision
    if clause is not None:
        assert clause in {r["clause"] for r in decision["reasons"]}, decision
    if obligation is not None:
        assert obligation in {o["code"] for o in decision["obligations"]}, decision
