"""Decisions seed 003 (Callbridge) settles, asked of the running service over HTTP.

Each case names the seed lines that settle it. The expected answer comes from the policy
text, not from the Rego: a reviewer reading the seed beside the case should agree.
"""

from __future__ import annotations

import httpx
import pytest

from seed_decisions.common import ADS, ADULT_DE, ADULT_US, EMAIL_MKT, LEGAL, check_seed_decision, req  # noqa: F401

# (id, input, allow, a clause that must be among the reasons, an obligation code or None)
CASES = [
    ("callbridge L91/L210 product e-mail with consent, withdrawable",
     req("callbridge", ["user.contact.email"], EMAIL_MKT, "first_party", subject=ADULT_US,
         consents=["marketing.communications"]), True, None, "honour_opt_out"),
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
    # Issue 8 finding 12: L81 treats a minor's family use as the adult subscriber's data; the
    # deny for a known 16-year-old comes from "nuk mbledh në mënyrë të vetëdijshme" (L88, L160).
    ("callbridge L88/L160 nothing knowingly collected from a known 16-year-old",
     req("callbridge", ["user.contact.email"], EMAIL_MKT, "third_party", subject={"age": 16}, consents=["marketing"]),
     False, "callbridge.children", None),
    ("callbridge L81/L88 unknown age on a family account is the adult subscriber: service use",
     req("callbridge", ["user.contact.email"], "essential.service", "first_party"), True, "callbridge.use.purposes", None),
    ("callbridge L81/L91 unknown age: product e-mail with express consent",
     req("callbridge", ["user.contact.email"], EMAIL_MKT, "first_party", consents=["marketing.communications"]),
     True, "callbridge.use.purposes", None),
    ("callbridge L88/L174 unknown age: anonymous number to an off-site ad network",
     req("callbridge", ["user.unique_id.pseudonymous"], "marketing.advertising.first_party.targeted", "advertising_partner",
         identifiability="pseudonymous"), True, "callbridge.ads.offsite", None),
    # Issue 8 finding 3: L210 "e gjithë korrespondenca e ardhshme" (all future correspondence).
    ("callbridge L210 all correspondence stopped: no service notices",
     req("callbridge", ["user.contact.email"], "essential.service.notifications.email", "first_party", subject=ADULT_US,
         opt_outs=["all_correspondence"]), False, "callbridge.marketing.email", None),
    ("callbridge L91/L210 all correspondence stopped: no product e-mails despite consent",
     req("callbridge", ["user.contact.email"], EMAIL_MKT, "first_party", subject=ADULT_US,
         consents=["marketing.communications"], opt_outs=["all_correspondence"]), False, "callbridge.marketing.email", None),
    ("callbridge L210 all correspondence stopped: the hosted service goes on",
     req("callbridge", ["user.contact.email"], "essential.service", "service_provider", subject=ADULT_US,
         recipient={"country": "US", "under_contract": True}, opt_outs=["all_correspondence"]), True, None, None),
    # Issue 8 finding 5: L97 exempts "çdo zbulim të lejuar ... në këtë seksion".
    ("callbridge L97/L106 business partner completes a transaction the user asked for",
     req("callbridge", ["user.name", "user.contact.email"], "essential.service", "third_party", subject=ADULT_US,
         requested_by_subject=True), True, "callbridge.disclosure.service_providers", None),
    ("callbridge L97/L106 business partner without request or express approval",
     req("callbridge", ["user.name", "user.contact.email"], "essential.service", "third_party", subject=ADULT_US),
     False, "callbridge.disclosure.express_consent", None),
    ("callbridge L104 e-mail the user asks to send to another person",
     req("callbridge", ["user.name", "user.contact.email", "user.contact.phone_number"], "essential.service", "other_users",
         subject=ADULT_US, requested_by_subject=True), True, "callbridge.disclosure.express_consent", None),
    ("callbridge L106/L200 a requested transaction does not open the partner's marketing",
     req("callbridge", ["user.contact.email"], EMAIL_MKT, "third_party", subject=ADULT_US, requested_by_subject=True),
     False, "callbridge.shine_the_light", None),
    # Issue 8 finding 11: L83, a business customer's access follows the service agreement.
    ("callbridge L83 business customer gets its users' data as the service agreement provides",
     req("callbridge", ["user.name", "user.behavior.call_detail_records"], "essential.service", "business_customer",
         subject=ADULT_US), True, "callbridge.role", "service_agreement_terms"),
    ("callbridge L83/L200 business customer's own direct marketing without opt-in",
     req("callbridge", ["user.contact.email"], EMAIL_MKT, "business_customer", subject=ADULT_US),
     False, "callbridge.shine_the_light", None),
    ("callbridge L108 a purpose the user later authorised",
     req("callbridge", ["user.content.private"], "train_ai_system", "first_party", subject=ADULT_US,
         consents=["train_ai_system"]), True, "callbridge.use.new_purpose_optout", None),
    ("callbridge L108 a purpose beyond the policy without authorisation",
     req("callbridge", ["user.content.private"], "train_ai_system", "first_party", subject=ADULT_US),
     False, "callbridge.disclosure.express_consent", None),
    # issue 8, third reading (review2)
    ("callbridge L210/L104 all correspondence 'from us' stopped: other users still get the meeting invitation",
     req("callbridge", ["user.name", "user.contact.email"], "essential.service.notifications.email", "other_users",
         subject=ADULT_US, opt_outs=["all_correspondence"]), True, "callbridge.disclosure.express_consent", None),
    ("callbridge L210 all correspondence stopped: no notices through a processor",
     req("callbridge", ["user.contact.email"], "essential.service.notifications.email", "service_provider", subject=ADULT_US,
         recipient={"country": "US", "under_contract": True}, opt_outs=["all_correspondence"]),
     False, "callbridge.marketing.email", None),
    ("callbridge L12/L85/L114 aggregated data to a processor in an unlisted country",
     req("callbridge", ["user.behavior"], "analytics.reporting", "service_provider", subject=ADULT_US,
         recipient={"country": "BR", "under_contract": True}, identifiability="aggregated"),
     True, "callbridge.aggregate.sale", None),
    # independent audit (2026-11-30)
    ("callbridge L104 mere use implies the return address only: content to other users unasked",
     req("callbridge", ["user.content.private"], "essential.service", "other_users", subject=ADULT_US),
     False, "callbridge.disclosure.express_consent", None),
    ("callbridge L97/L112 a third-party processor the user expressly approved, for a use the matrix does not list",
     req("callbridge", ["user.device.ip_address"], "essential.fraud_detection", "service_provider", subject=ADULT_US,
         recipient={"country": "US", "under_contract": True}, consents=["essential.fraud_detection"]),
     True, "callbridge.disclosure.express_consent", None),
]


@pytest.mark.parametrize(("document", "allow", "clause", "obligation"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_seed_decision(client: httpx.Client, document, allow, clause, obligation) -> None:
    check_seed_decision(client, document, allow, clause, obligation)
