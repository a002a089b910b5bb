"""Decisions seed 004 (CallmatikPro) settles, asked of the running service over HTTP.

Each case names the seed lines that settle it. The expected answer comes from the policy
text, not from the Rego: a reviewer reading the seed beside the case should agree.
"""

from __future__ import annotations

import httpx
import pytest

from seed_decisions.common import ADS, ADULT_DE, ADULT_US, EMAIL_MKT, LEGAL, check_seed_decision, req  # noqa: F401

# (id, input, allow, a clause that must be among the reasons, an obligation code or None)
CASES = [
    ("callmatikpro L75/L79 card data to the gateway travels encrypted",
     req("callmatikpro", ["user.financial.credit_card"], "essential.service.payment_processing", "service_provider",
         recipient={"name": "Gateway"}), True, "callmatikpro.payment", "encrypt_transaction"),
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
    # issue 8, finding 6: "does not specifically market to children" needs a known age under 13.
    ("callmatikpro L111-113 L137 Google ad cookies for a subject of unknown age",
     req("callmatikpro", ["user.device.cookie_id"], ADS, "advertising_partner", recipient={"name": "Google"},
         identifiability="pseudonymous"), True, "callmatikpro.ads.google", None),
    ("callmatikpro L137 L149 own product e-mail to a subject of unknown age",
     req("callmatikpro", ["user.contact.email"], EMAIL_MKT, "first_party"), True, "callmatikpro.use.purposes", None),
    ("callmatikpro L151-157 own marketing e-mail keeps the CAN-SPAM rules",
     req("callmatikpro", ["user.contact.email"], EMAIL_MKT, "first_party"), True, "callmatikpro.use.purposes",
     "commercial_email_rules"),
    ("callmatikpro L159 a third-party email marketing service is monitored",
     req("callmatikpro", ["user.contact.email"], EMAIL_MKT, "service_provider", recipient={"name": "Mailer"}),
     True, "callmatikpro.email.unsubscribe", "monitor_email_service"),
    ("callmatikpro L137 own product e-mail to a known 12-year-old",
     req("callmatikpro", ["user.contact.email"], EMAIL_MKT, "first_party", subject={"age": 12, "country": "US"}),
     False, "callmatikpro.children", None),
    # issue 8, finding 3: "we will promptly remove you from ALL correspondence".
    ("callmatikpro L131 unsubscribed: no more order e-mail",
     req("callmatikpro", ["user.contact.email"], "essential.service.notifications.email", "first_party",
         opt_outs=["all_correspondence"]), False, "callmatikpro.email.unsubscribe", None),
    ("callmatikpro L131 unsubscribed: no more marketing e-mail",
     req("callmatikpro", ["user.contact.email"], EMAIL_MKT, "first_party", subject=ADULT_US,
         opt_outs=["all_correspondence"]), False, "callmatikpro.email.unsubscribe", None),
    ("callmatikpro L131 L31 unsubscribed: the service itself goes on",
     req("callmatikpro", ["user.contact.email"], "essential.service", "first_party", subject=ADULT_US,
         opt_outs=["all_correspondence"]), True, "callmatikpro.use.purposes", None),
    ("callmatikpro L131 L147 order e-mail before unsubscribing, with the duty to honour it",
     req("callmatikpro", ["user.contact.email"], "essential.service.notifications.email", "first_party"),
     True, "callmatikpro.use.purposes", "honour_opt_out"),
    # issue 8, finding 10: the Facebook app's data is for the customer's contract.
    ("callmatikpro L17 L19 L41 Facebook messages are not CallmatikPro's marketing data",
     req("callmatikpro", ["user.content.private", "user.name"], EMAIL_MKT, "first_party", subject=ADULT_US),
     False, "callmatikpro.collection.facebook", None),
    ("callmatikpro L41 L53 Facebook messages serve the contract (chatbot, agent routing)",
     req("callmatikpro", ["user.content.private", "user.demographic.profile"], "essential.service", "first_party"),
     True, "callmatikpro.use.purposes", None),
    # issue 8, finding 11: the instance is the customer's.
    ("callmatikpro L19 L41 L47 conversations and profile data go to the customer's own instance",
     req("callmatikpro", ["user.content.private", "user.demographic.profile", "user.name"], "essential.service",
         "business_customer", recipient={"name": "Retail Co"}), True, "callmatikpro.instance.isolation", None),
    ("callmatikpro L9 a private instance: nothing to other users",
     req("callmatikpro", ["user.content.private"], "essential.service", "other_users"),
     False, "callmatikpro.instance.isolation", None),
    ("callmatikpro L41 L101 the customer gets no instance data for marketing",
     req("callmatikpro", ["user.contact.email"], EMAIL_MKT, "business_customer", subject=ADULT_US), False, None, None),
    # second reading: L125 "third-party vendors such as Google" is an open list.
    ("callmatikpro L125 another ad vendor compiles ad-impression data from pseudonymous cookies",
     req("callmatikpro", ["user.device.cookie_id"], "analytics.reporting.ad_performance", "advertising_partner",
         recipient={"name": "AdCo Ltd"}, identifiability="pseudonymous"), True, "callmatikpro.ads.google", None),
    ("callmatikpro L113 only Google serves ads",
     req("callmatikpro", ["user.device.cookie_id"], ADS, "advertising_partner", recipient={"name": "AdCo Ltd"},
         subject=ADULT_US, identifiability="pseudonymous"), False, "callmatikpro.sale.never", None),
    ("callmatikpro L101 no exception even for a transfer the user asked for",
     req("callmatikpro", ["user.contact.email"], "essential.service", "third_party", requested_by_subject=True),
     False, "callmatikpro.sale.never", None),
    # third reading: the text names the gateway (L79) and the email service (L159) without a contract.
    ("callmatikpro L79 all transactions go through the gateway provider",
     req("callmatikpro", ["user.financial.credit_card", "user.name"], "essential.service.payment_processing",
         "service_provider", recipient={"name": "Pay Gateway Inc"}), True, "callmatikpro.payment", None),
    ("callmatikpro L79 the gateway gets card data for nothing but the transaction",
     req("callmatikpro", ["user.financial.credit_card"], "analytics.reporting", "service_provider",
         recipient={"name": "Pay Gateway Inc"}), False, "callmatikpro.payment", None),
    ("callmatikpro L159 a third-party email marketing service sends CallmatikPro's email",
     req("callmatikpro", ["user.name", "user.contact.email"], EMAIL_MKT, "service_provider",
         recipient={"name": "Mailer Ltd"}, subject=ADULT_US), True, "callmatikpro.email.unsubscribe", "honour_opt_out"),
    ("callmatikpro L91 a tracking service tracks site traffic on CallmatikPro's behalf",
     req("callmatikpro", ["user.device.cookie_id", "user.behavior.browsing_history"], "analytics.reporting",
         "service_provider", recipient={"name": "Analytics Co"}, identifiability="pseudonymous"),
     True, "callmatikpro.cookies", None),
    ("callmatikpro L91 L101 identifiable visit data to an outside tracker",
     req("callmatikpro", ["user.device.cookie_id", "user.behavior.browsing_history"], "analytics.reporting",
         "service_provider", recipient={"name": "Analytics Co"}), False, "callmatikpro.sale.never", None),
    ("callmatikpro L57 data kept to satisfy legal obligations",
     req("callmatikpro", ["user.name", "user.contact.email"], LEGAL, "first_party"), True, "callmatikpro.retention", None),
    ("callmatikpro L45 L49 passwords checked to authenticate the customer",
     req("callmatikpro", ["user.contact.email", "user.authorization.password"], "essential.service.authentication",
         "first_party"), True, "callmatikpro.use.purposes", None),
    ("callmatikpro L49 L101 passwords go to no outside party",
     req("callmatikpro", ["user.authorization.password"], "essential.service.authentication", "third_party"),
     False, "callmatikpro.sale.never", None),
]


@pytest.mark.parametrize(("document", "allow", "clause", "obligation"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_seed_decision(client: httpx.Client, document, allow, clause, obligation) -> None:
    check_seed_decision(client, document, allow, clause, obligation)
