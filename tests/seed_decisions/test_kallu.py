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
]


@pytest.mark.parametrize(("document", "allow", "clause", "obligation"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_seed_decision(client: httpx.Client, document, allow, clause, obligation) -> None:
    check_seed_decision(client, document, allow, clause, obligation)
