"""What the policy set says about itself, for the machinery that generates requests.

Everything here is read from the policy set (``Model.from_policy_set``): the companies
(``PolicySet.companies``), the vocabulary, the reference lists, the promises
(``assurance.promises``), and the keys, names, countries and ages each company's package
and facts mention (its string literals, read by ``core.regosource``). The property tests,
the bounded check and the mutation check draw their inputs from it, so they follow
whatever policies are present.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from privacy_pdp.assurance import promises as promise_data
from privacy_pdp.assurance.promises import Promises
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regosource import parse_module

_EXTRA_COUNTRIES = ("US", "GB", "CH", "RU", "CN", "IN", "BR", "AU", "CA", "JP", "SG", "PK", "IE", "DE", "FR")


def json_leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from json_leaves(v, path + (str(k),))
    elif isinstance(value, list):
        for v in value:
            yield from json_leaves(v, path)
    else:
        yield path, value


# --- what a string in the facts looks like ---------------------------------------------------


def is_country(s: str) -> bool:
    """An ISO 3166-1 alpha-2 shape: two ASCII capitals."""
    return len(s) == 2 and s.isascii() and s.isalpha() and s.isupper()


def is_subdivision(s: str) -> bool:
    """An ISO 3166-2 shape: a country, a dash, one to three capitals or digits."""
    country, dash, rest = s.partition("-")
    return bool(dash) and is_country(country) and 1 <= len(rest) <= 3 and rest.isascii() and all(
        c.isdigit() or c.isupper() for c in rest
    )


def _is_identifier_text(s: str) -> bool:
    """Lower-case letters, digits, `_` and `.` only: a key or code, not a name."""
    return bool(s) and all(c.isascii() and (c.islower() or c.isdigit() or c in "_.") for c in s)


def looks_like_key(s: str, roots: set[str]) -> bool:
    """A dotted key under one of the taxonomy's roots (user..., marketing...)."""
    parts = s.split(".")
    return len(parts) > 1 and parts[0] in roots and all(p and _is_identifier_text(p) and "." not in p for p in parts)


def _words(text: str) -> list[str]:
    return "".join("_" if c in "-_" or c.isspace() else c for c in text.lower()).split("_")


@dataclass(frozen=True)
class CompanyFacts:
    name: str
    categories: tuple[str, ...]  # taxonomy category keys the package or its facts mention
    uses: tuple[str, ...]  # taxonomy use keys the package or its facts mention
    opt_outs: tuple[str, ...]  # reference opt-outs the package or its facts mention
    legal_matters: tuple[str, ...]
    names: tuple[str, ...]  # free-text names in the facts (group companies, vendors)
    countries: tuple[str, ...]
    subdivisions: tuple[str, ...]
    ages: tuple[int, ...]  # age thresholds in the facts (numbers under a key naming an age)
    unknown_keys: tuple[str, ...]  # dotted literals that look like taxonomy keys but are not in it


@dataclass(frozen=True)
class Model:
    """The vocabulary and lists the machinery generates from, read from a policy set."""

    companies: tuple[str, ...]
    categories: tuple[str, ...]
    uses: tuple[str, ...]
    kinds: tuple[str, ...]
    opt_outs: tuple[str, ...]
    legal_matters: tuple[str, ...]
    eea: tuple[str, ...]
    adequacy: tuple[str, ...]
    direct_identifiers: tuple[str, ...]
    reference: dict[str, Any]
    company: dict[str, CompanyFacts]
    global_categories: tuple[str, ...]  # reference and promise keys
    global_uses: tuple[str, ...]
    promises: Promises

    @classmethod
    def from_policy_set(cls, policy_set: PolicySet) -> Model:
        privacy = policy_set.data.get("privacy", {})
        taxonomy = privacy.get("taxonomy", {})
        reference = privacy.get("reference", {})
        categories = tuple(taxonomy.get("data_categories", ()))
        uses = tuple(taxonomy.get("data_uses", ()))
        cat_set, use_set = set(categories), set(uses)
        companies = policy_set.companies
        promises = promise_data.read(policy_set.data, companies)
        opt_outs = tuple(reference.get("opt_outs", ()))
        matters = tuple(reference.get("legal_matters", ()))
        ref_strings = [v for _, v in json_leaves(reference) if isinstance(v, str)]
        global_categories = tuple(sorted({s for s in ref_strings if s in cat_set} | promises.category_keys() & cat_set))
        global_uses = tuple(sorted({s for s in ref_strings if s in use_set} | promises.use_keys() & use_set))
        known_words = set(reference.get("recipient_kinds", ())) | set(opt_outs) | set(matters) | cat_set | use_set
        roots = {k.split(".")[0] for k in categories + uses}
        per_company = {
            company: _company_facts(policy_set, company, cat_set, use_set, opt_outs, matters, known_words, roots)
            for company in companies
        }
        return cls(
            companies=companies,
            categories=categories,
            uses=uses,
            kinds=tuple(reference.get("recipient_kinds", ())),
            opt_outs=opt_outs,
            legal_matters=matters,
            eea=tuple(reference.get("eea", ())),
            adequacy=tuple(reference.get("eu_adequacy", ())),
            direct_identifiers=tuple(reference.get("direct_identifiers", ())),
            reference=reference,
            company=per_company,
            global_categories=global_categories,
            global_uses=global_uses,
            promises=promises,
        )

    # convenience views
    def policy_categories(self, company: str | None = None) -> tuple[str, ...]:
        keys = set(self.global_categories)
        for c in [company] if company else self.companies:
            keys |= set(self.company[c].categories)
        return tuple(k for k in self.categories if k in keys)

    def policy_uses(self, company: str | None = None) -> tuple[str, ...]:
        keys = set(self.global_uses)
        for c in [company] if company else self.companies:
            keys |= set(self.company[c].uses)
        return tuple(k for k in self.uses if k in keys)

    def names(self) -> tuple[str, ...]:
        return tuple(sorted({n for c in self.companies for n in self.company[c].names}))

    def countries(self) -> tuple[str, ...]:
        found = set(self.eea) | set(self.adequacy) | set(_EXTRA_COUNTRIES)
        for c in self.companies:
            found |= set(self.company[c].countries)
        return tuple(sorted(found))

    def subdivisions(self) -> tuple[str, ...]:
        found = {"US-CA", "US-NY", "US-TX", "CA-QC", "DE-BY"}
        for c in self.companies:
            found |= set(self.company[c].subdivisions)
        return tuple(sorted(found))

    def age_thresholds(self, company: str | None = None) -> tuple[int, ...]:
        found = {13, 16, 18}
        for c in [company] if company else self.companies:
            found |= set(self.company[c].ages)
        return tuple(sorted(found))

    def age_bands(self, company: str) -> dict[str, int | None]:
        """unknown, child, teen, adult for this company: below its lowest age threshold,
        below its highest one, and well above it (defaults 13 and 18 when the facts name none)."""
        ages = sorted(self.company[company].ages) if company in self.company else []
        low, high = (ages[0], ages[-1]) if ages else (13, 18)
        if high == low:  # one threshold: a child well below it, a teen just below 18 (or it)
            low, high = min(low, 13), max(high, 18)
        return {"unknown": None, "child": max(low - 1, 0), "teen": high - 1, "adult": max(high + 12, 30)}


def company_strings(policy_set: PolicySet, company: str) -> list[str]:
    """The string literals of the company's modules (its folder, or a file named for it)."""
    strings: list[str] = []
    for path, source in sorted(policy_set.modules.items()):
        if path.startswith(f"privacy/companies/{company}/") or f"/{company}/" in path or path.endswith(f"/{company}.rego"):
            strings += parse_module(source, path).strings
    return strings


def _company_facts(policy_set: PolicySet, company: str, cat_set: set[str], use_set: set[str], opt_outs: tuple[str, ...],
                   matters: tuple[str, ...], known_words: set[str], roots: set[str]) -> CompanyFacts:
    strings = company_strings(policy_set, company)
    facts = policy_set.data["privacy"]["companies"][company]["facts"]
    leaves = list(json_leaves(facts))
    fact_strings = [v for _, v in leaves if isinstance(v, str)]
    strings += fact_strings
    ages = sorted(
        {
            int(v)
            for p, v in leaves
            if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 120
            and any(t in ("age", "ages") for part in p for t in _words(part))
        }
    )
    names = sorted(
        {
            s
            for s in fact_strings
            if s not in known_words and any(c.isascii() and c.isalpha() for c in s) and not is_country(s)
            and not is_subdivision(s) and not _is_identifier_text(s) and len(s) < 80
        }
    )
    found = set(strings)
    return CompanyFacts(
        name=company,
        categories=tuple(sorted(found & cat_set)),
        uses=tuple(sorted(found & use_set)),
        opt_outs=tuple(o for o in opt_outs if o in found),
        legal_matters=tuple(m for m in matters if m in found),
        names=tuple(names),
        countries=tuple(sorted(s for s in found if is_country(s))),
        subdivisions=tuple(sorted(s for s in found if is_subdivision(s))),
        ages=tuple(ages),
        unknown_keys=tuple(sorted({s for s in found if looks_like_key(s, roots)} - cat_set - use_set)),
    )
