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
    check_seed_decision(client, document, allow, clause, obligation)
