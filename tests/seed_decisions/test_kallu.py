"""Decisions seed 001 (Kallu) settles, asked of the running service over HTTP.

Each case names the seed lines that settle it. The expected answer comes from the policy
text, not from the Rego: a reviewer reading the seed beside the case should agree.
"""

from __future__ import annotations

import httpx
import pytest

from seed_decisions.common import ADS, ADULT_DE, ADULT_US, EMAIL_MKT, LEGAL, check_seed_decision, req  # noqa: F401

# (id, input, allow, a clause that must be among the reasons, an obligation code or None)
CASES = [
    ("kallu L20/L44 published posts within the user's privacy settings",
     req("kallu", ["user.content.public", "user.account.username"], "essential.service", "public"),
     True, "kallu.publication.consent", "honour_privacy_settings"),
    ("kallu L49 only what the purpose needs goes to the group",
     req("kallu", ["user.contact.email"], "essential.service", "corporate_family", recipient={"country": "DE"}),
     True, "kallu.disclosure.group", "necessary_only"),
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
    ("kallu L77 financial transactions protected by encryption",
     req("kallu", ["user.financial.credit_card"], "essential.service.payment_processing", "service_provider",
         recipient={"name": "PayCo"}), True, "kallu.security.payment", "encrypt_transaction"),
    ("kallu L49 group companies for the policy's purposes",
     req("kallu", ["user.contact.email"], "essential.service", "corporate_family", recipient={"country": "DE"}),
     True, "kallu.disclosure.group", None),
    # Issue 8 #1: L20 publishes username, profile pictures and posts; the name is L15 profile data; L1 no display without consent.
    ("kallu L1 L15 L20 real name not shown to the public without consent",
     req("kallu", ["user.name", "user.account.username"], "functional.service", "public"), False, "kallu.publication.consent", None),
    ("kallu L20 username, profile pictures and posts are published",
     req("kallu", ["user.account.username", "user.content.self_image", "user.content.public"], "functional.service", "public"),
     True, "kallu.publication.consent", None),
    ("kallu L1 real name shown to other users with explicit consent",
     req("kallu", ["user.name"], "essential.service", "other_users", consents=["essential.service"]),
     True, "kallu.publication.consent", None),
    ("kallu L43 what the user submits for publication is published",
     req("kallu", ["user.name", "user.content.private"], "essential.service", "other_users", requested_by_subject=True),
     True, "kallu.publication.consent", None),
    ("kallu L49 L57 the user's request opens no outside third party",
     req("kallu", ["user.name"], "essential.service", "third_party", requested_by_subject=True),
     False, "kallu.disclosure.default_deny", None),
    # Issue 8 #10: L53 "any ongoing or prospective legal proceedings" names no verification.
    ("kallu L53 verified criminal investigation",
     req("kallu", ["user.contact.email"], LEGAL, "law_enforcement",
         legal_request={"verified": True, "matter": "criminal_investigation"}), True, "kallu.disclosure.legal", None),
    ("kallu L53 unverified legal proceedings",
     req("kallu", ["user.contact.email"], LEGAL, "third_party",
         legal_request={"verified": False, "matter": "legal_proceedings"}), True, "kallu.disclosure.legal", None),
    ("kallu L52-55 national security is not a listed ground",
     req("kallu", ["user.contact.email"], LEGAL, "law_enforcement",
         legal_request={"verified": True, "matter": "national_security"}), False, "kallu.disclosure.legal", None),
    ("kallu L54 information to others for fraud prevention",
     req("kallu", ["user.contact.email"], "essential.fraud_detection", "service_provider",
         legal_request={"verified": False, "matter": "fraud_prevention"}), True, "kallu.disclosure.legal", None),
    # third reading: L54 sharing for fraud prevention is Kallu's own act and waits for no request.
    ("kallu L54 information to a fraud prevention agency, unasked",
     req("kallu", ["user.name", "user.contact.email"], "essential.fraud_detection", "third_party"),
     True, "kallu.disclosure.legal", None),
    ("kallu L52-55 no request, no fraud purpose: nothing to an outside party",
     req("kallu", ["user.name", "user.contact.email"], LEGAL, "third_party"), False, None, None),
    ("kallu L55 any person likely to obtain a disclosure order",
     req("kallu", ["user.contact.email"], LEGAL, "other_users",
         legal_request={"verified": False, "matter": "court_order"}), True, "kallu.disclosure.likely_order", None),
    # all_correspondence: L37 lets the user stop marketing; nothing in the text stops service mail (L83).
    ("kallu L37 no correspondence at all stops postal marketing",
     req("kallu", ["user.name", "user.contact.address"], "marketing.communications", "first_party",
         opt_outs=["all_correspondence"]), False, "kallu.marketing.channel", None),
    ("kallu L83 no correspondence at all leaves notices of policy changes by email",
     req("kallu", ["user.contact.email"], "essential.service.notifications.email", "first_party",
         opt_outs=["all_correspondence"]), True, "kallu.use.purpose_limit", None),
    # business_customer: L45 any third party; L38 statistics to third parties; L49/L57 nothing else.
    ("kallu L45 business customer marketing without consent",
     req("kallu", ["user.contact.email"], EMAIL_MKT, "business_customer"), False, "kallu.sharing.direct_marketing", None),
    ("kallu L38 anonymous statistics to a business customer",
     req("kallu", ["user.behavior"], "analytics.reporting", "business_customer", identifiability="aggregated"),
     True, "kallu.sharing.statistics", None),
    ("kallu L38 L45 statistics carry no marketing to the public without consent",
     req("kallu", ["user.device.advertising_id"], "marketing.communications", "public", identifiability="aggregated"),
     False, "kallu.sharing.direct_marketing", None),
    ("kallu L49 L57 identifiable data to a business customer",
     req("kallu", ["user.contact.email"], "essential.service", "business_customer"), False, "kallu.disclosure.default_deny", None),
]


@pytest.mark.parametrize(("document", "allow", "clause", "obligation"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_seed_decision(client: httpx.Client, document, allow, clause, obligation) -> None:
    check_seed_decision(client, document, allow, clause, obligation)
