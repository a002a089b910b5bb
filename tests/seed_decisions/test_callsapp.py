"""Decisions seed 002 (CallsApp) settles, asked of the running service over HTTP.

Each case names the seed lines that settle it. The expected answer comes from the policy
text, not from the Rego: a reviewer reading the seed beside the case should agree.
"""

from __future__ import annotations

import httpx
import pytest

from seed_decisions.common import ADS, ADULT_DE, ADULT_US, EMAIL_MKT, LEGAL, check_seed_decision, req  # noqa: F401

# (id, input, allow, a clause that must be among the reasons, an obligation code or None)
CASES = [
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
]


@pytest.mark.parametrize(("document", "allow", "clause", "obligation"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_seed_decision(client: httpx.Client, document, allow, clause, obligation) -> None:
    check_seed_decision(client, document, allow, clause, obligation)
