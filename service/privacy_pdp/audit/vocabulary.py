"""What the audit tools read from a policy set's data: the contract's vocabulary, the
companies and their promises (the catalogue is explain.catalogue_of). Everything comes from the set itself, so a new company
or a new opt-out needs no Python change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from privacy_pdp.core.policyset import PolicySet

# The contract's levels, least identifying last; used when the data has no list of its own.
IDENTIFIABILITY = ("identifiable", "pseudonymous", "aggregated")
ACTIONS = ("disclose", "sell")


@dataclass(frozen=True)
class Vocabulary:
    companies: tuple[str, ...]
    recipient_kinds: tuple[str, ...]
    opt_outs: tuple[str, ...]
    legal_matters: tuple[str, ...]
    identifiability: tuple[str, ...]
    data_uses: frozenset[str]
    data_categories: frozenset[str]

    @classmethod
    def of(cls, policy_set: PolicySet) -> Vocabulary:
        privacy = _dict(policy_set.data.get("privacy"))
        reference = _dict(privacy.get("reference"))
        taxonomy = _dict(privacy.get("taxonomy"))
        return cls(
            companies=policy_set.companies,
            recipient_kinds=tuple(reference.get("recipient_kinds") or ()),
            opt_outs=tuple(reference.get("opt_outs") or ()),
            legal_matters=tuple(reference.get("legal_matters") or ()),
            identifiability=tuple(reference.get("identifiability") or IDENTIFIABILITY),
            data_uses=frozenset(taxonomy.get("data_uses") or ()),
            data_categories=frozenset(taxonomy.get("data_categories") or ()),
        )

    def use_and_parents(self, use: str) -> list[str]:
        """The use and each broader key of it in the vocabulary, narrowest first."""
        parts = use.split(".")
        keys = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
        return [k for k in keys if k in self.data_uses or k == use]


def promises_of(policy_set: PolicySet, company: str) -> dict[str, Any]:
    """The company's readings the invariants hold it to (privacy/companies/<c>/promises)."""
    companies = _dict(_dict(policy_set.data.get("privacy")).get("companies"))
    return dict(_dict(_dict(companies.get(company)).get("promises")))


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}
