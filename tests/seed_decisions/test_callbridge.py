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
]


@pytest.mark.parametrize(("document", "allow", "clause", "obligation"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_seed_decision(client: httpx.Client, document, allow, clause, obligation) -> None:
    check_seed_decision(client, document, allow, clause, obligation)
