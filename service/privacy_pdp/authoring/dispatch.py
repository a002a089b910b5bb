"""The dispatch module, written for the company folders of a policy set (its text: core.dispatch)."""

from __future__ import annotations

from pathlib import Path

from privacy_pdp.core import dispatch
from privacy_pdp.core.policyset import PolicySet

DISPATCH_PATH = Path(dispatch.DISPATCH_MODULE)
RULES = dispatch.RULES


def render(policy_set: PolicySet) -> str:
    for company in policy_set.companies:
        if not company.isidentifier() or not company.isascii():
            raise ValueError(f"company folder {company!r}: the name must be a Rego identifier (letters, digits, _)")
    return dispatch.render(policy_set.companies)


def write(policy_root: Path, policy_set: PolicySet) -> Path:
    target = policy_root / DISPATCH_PATH
    target.write_text(render(policy_set), encoding="utf-8")
    return target
