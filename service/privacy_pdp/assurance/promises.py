"""The promises the invariants hold the companies to, read from the policy set's data.

Two files, both plain data beside the policies, so a fifth company needs no Python:

- ``privacy/promises/data.json`` (``data.privacy.promises``): the keys every invariant is
  stated in (the direct-marketing use, the recipients that are no third party, the card
  number category and the one use it may go to, ...), the same for every company;
- ``privacy/companies/<c>/promises/data.json`` (``data.privacy.companies.<c>.promises``):
  that company's readings of its own policy, each citing the catalogue clause it rests on:

  ``third_party_direct_marketing.reading``  ``never`` | ``consent``
  ``law_enforcement.reading``               ``never`` | ``any_request`` | ``verified_request``
  ``advertising_partner_identifiers.except`` direct-identifier keys an ad partner may get
  ``never_disclosed``                        ``[{categories, clause, except_when?}]``

  A missing file, or a missing entry, means the company makes no such promise and the
  invariant is not applied to it. ``except_when`` (an object, or a list of objects of which
  any may match) names the flows a never-disclosed promise does not cover; every condition
  of one object must hold: ``recipient_kinds``, ``data_uses`` (the use is one of them or
  below one), ``actions``, ``identifiability`` (lists), ``requested_by_subject``,
  ``consented`` (booleans); ``clause`` names the catalogue clause that opens the exception.

A value of the wrong shape is an error naming the file and the entry, never a promise
silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

GLOBAL_FILE = "privacy/promises/data.json"
MARKETING_READINGS = ("never", "consent")
LAW_ENFORCEMENT_READINGS = ("never", "any_request", "verified_request")
EXCEPT_WHEN_KEYS = ("recipient_kinds", "data_uses", "actions", "identifiability", "requested_by_subject", "consented")
EXCEPT_WHEN_NOTES = ("clause",)  # said for the reader, not a condition


class PromiseError(ValueError):
    """A promises file that does not say what the invariants can read."""


def covers(parent: str, key: str) -> bool:
    """key is parent or one of its descendants (privacy.vocabulary.covers)."""
    return key == parent or key.startswith(parent + ".")


def overlaps(a: str, b: str) -> bool:
    return covers(a, b) or covers(b, a)


@dataclass(frozen=True)
class Exemption:
    """One ``except_when`` object: the flows it matches are outside the promise."""

    recipient_kinds: tuple[str, ...] | None = None
    data_uses: tuple[str, ...] | None = None
    actions: tuple[str, ...] | None = None
    identifiability: tuple[str, ...] | None = None
    requested_by_subject: bool | None = None
    consented: bool | None = None
    clause: str | None = None

    def matches(self, flow: Any) -> bool:
        """flow: an invariants.Flow (kind, use, action, identifiability, consents, requested_by_subject)."""
        if self.recipient_kinds is not None and flow.kind not in self.recipient_kinds:
            return False
        if self.data_uses is not None and not any(covers(u, flow.use) for u in self.data_uses):
            return False
        if self.actions is not None and flow.action not in self.actions:
            return False
        if self.identifiability is not None and flow.identifiability not in self.identifiability:
            return False
        if self.requested_by_subject is not None and flow.requested_by_subject is not self.requested_by_subject:
            return False
        if self.consented is not None and any(covers(c, flow.use) for c in flow.consents) is not self.consented:
            return False
        return True


@dataclass(frozen=True)
class NeverDisclosed:
    categories: tuple[str, ...]
    clause: str
    exceptions: tuple[Exemption, ...] = ()

    def excepts(self, flow: Any) -> bool:
        return any(e.matches(flow) for e in self.exceptions)


@dataclass(frozen=True)
class CompanyPromises:
    """One company's readings; None (or empty) where it makes no such promise."""

    third_party_direct_marketing: str | None = None  # never | consent
    law_enforcement: str | None = None  # never | any_request | verified_request
    advertising_partner_identifiers_except: frozenset[str] | None = None
    never_disclosed: tuple[NeverDisclosed, ...] = ()
    clauses: tuple[str, ...] = ()  # every clause the readings cite


@dataclass(frozen=True)
class Promises:
    direct_marketing_use: str
    first_party_kinds: frozenset[str]
    law_enforcement_kind: str
    advertising_partner_kind: str
    card_numbers_category: str
    card_numbers_use: str
    sale_action: str
    sale_identifiability: str
    direct_identifiers: tuple[str, ...]
    companies: Mapping[str, CompanyPromises] = field(default_factory=dict)

    def of(self, company: str) -> CompanyPromises:
        return self.companies.get(company, CompanyPromises())

    def category_keys(self) -> set[str]:
        """The category keys the promises name (the bounded check covers them)."""
        keys = {self.card_numbers_category}
        for p in self.companies.values():
            keys |= set(p.advertising_partner_identifiers_except or ())
            for n in p.never_disclosed:
                keys |= set(n.categories)
        return keys

    def use_keys(self) -> set[str]:
        keys = {self.direct_marketing_use, self.card_numbers_use}
        for p in self.companies.values():
            for n in p.never_disclosed:
                for e in n.exceptions:
                    keys |= set(e.data_uses or ())
        return keys


def read(data: Mapping[str, Any], companies: tuple[str, ...]) -> Promises:
    """The promises in a policy set's data document (``PolicySet.data``)."""
    privacy = data.get("privacy", {}) if isinstance(data, Mapping) else {}
    shared = privacy.get("promises")
    if not isinstance(shared, Mapping):
        raise PromiseError(f"{GLOBAL_FILE}: missing (the invariants read their keys from it)")
    g = _Reader(GLOBAL_FILE, shared)
    per_company = {}
    for company in companies:
        found = privacy["companies"][company].get("promises")
        if found is not None:
            per_company[company] = _company(f"privacy/companies/{company}/promises/data.json", found)
    return Promises(
        direct_marketing_use=g.string("third_party_direct_marketing", "use"),
        first_party_kinds=frozenset(g.strings("third_party_direct_marketing", "first_party_kinds")),
        law_enforcement_kind=g.string("law_enforcement", "recipient_kind"),
        advertising_partner_kind=g.string("advertising_partner_identifiers", "recipient_kind"),
        card_numbers_category=g.string("card_numbers", "category"),
        card_numbers_use=g.string("card_numbers", "only_for_use"),
        sale_action=g.string("no_sale", "action"),
        sale_identifiability=g.string("no_sale", "identifiability"),
        direct_identifiers=tuple(privacy.get("reference", {}).get("direct_identifiers", ())),
        companies=per_company,
    )


def _company(file: str, value: Any) -> CompanyPromises:
    r = _Reader(file, value)
    clauses: list[str] = []
    marketing = r.reading("third_party_direct_marketing", MARKETING_READINGS, clauses)
    law = r.reading("law_enforcement", LAW_ENFORCEMENT_READINGS, clauses)
    ad = None
    if r.has("advertising_partner_identifiers"):
        ad = frozenset(r.strings("advertising_partner_identifiers", "except"))
        clauses.append(r.string("advertising_partner_identifiers", "clause"))
    never = []
    entries = value.get("never_disclosed", [])
    if not isinstance(entries, list):
        raise PromiseError(f"{file}: never_disclosed must be a list")
    for index, entry in enumerate(entries):
        e = _Reader(f"{file}: never_disclosed[{index}]", entry)
        never.append(NeverDisclosed(tuple(e.strings("categories")), e.string("clause"), _exceptions(e.where, entry.get("except_when"))))
        clauses.append(never[-1].clause)
    return CompanyPromises(marketing, law, ad, tuple(never), tuple(clauses))


def _exceptions(where: str, value: Any) -> tuple[Exemption, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if not isinstance(item, Mapping):
            raise PromiseError(f"{where}: except_when must be an object or a list of objects")
        unknown = sorted(set(item) - set(EXCEPT_WHEN_KEYS) - set(EXCEPT_WHEN_NOTES))
        if unknown:
            raise PromiseError(f"{where}: except_when: unknown condition(s) {unknown} (known: {', '.join(EXCEPT_WHEN_KEYS)})")
        conditions: dict[str, Any] = {}
        for key, v in item.items():
            if key == "clause":
                if not isinstance(v, str):
                    raise PromiseError(f"{where}: except_when.clause must be a clause id")
                conditions[key] = v
            elif key in ("requested_by_subject", "consented"):
                if not isinstance(v, bool):
                    raise PromiseError(f"{where}: except_when.{key} must be true or false")
                conditions[key] = v
            else:
                if not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                    raise PromiseError(f"{where}: except_when.{key} must be a list of strings")
                conditions[key] = tuple(v)
        found.append(Exemption(**conditions))
    return tuple(found)


class _Reader:
    """Typed access to one JSON object, errors naming the file and the entry."""

    def __init__(self, where: str, value: Any):
        if not isinstance(value, Mapping):
            raise PromiseError(f"{where}: must be an object")
        self.where = where
        self.value = value

    def has(self, key: str) -> bool:
        return self.value.get(key) is not None

    def _get(self, *path: str) -> Any:
        node: Any = self.value
        for part in path:
            if not isinstance(node, Mapping) or part not in node:
                raise PromiseError(f"{self.where}: {'.'.join(path)} is missing")
            node = node[part]
        return node

    def string(self, *path: str) -> str:
        value = self._get(*path)
        if not isinstance(value, str) or not value:
            raise PromiseError(f"{self.where}: {'.'.join(path)} must be a non-empty string")
        return value

    def strings(self, *path: str) -> list[str]:
        value = self._get(*path)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PromiseError(f"{self.where}: {'.'.join(path)} must be a list of strings")
        return value

    def reading(self, key: str, allowed: tuple[str, ...], clauses: list[str]) -> str | None:
        if not self.has(key):
            return None
        value = self.string(key, "reading")
        if value not in allowed:
            raise PromiseError(f"{self.where}: {key}.reading must be one of {', '.join(allowed)}, not {value!r}")
        clauses.append(self.string(key, "clause"))
        return value
