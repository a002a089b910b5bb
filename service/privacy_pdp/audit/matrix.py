"""The decision matrix: company x recipient kind x data use x representative category x
context, each cell answered by evaluating the policy set itself.

The report draws it; ``diff`` compares two policy sets over it. The axes come from the set's
own vocabulary (recipient kinds, companies) and a short list of representative uses and
categories, each kept only if the set's taxonomy knows it.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from privacy_pdp.audit.vocabulary import Vocabulary
from privacy_pdp.core.engine import RegoEngine
from privacy_pdp.core.policyset import PolicySet

DECISION = "privacy/decision"

REPRESENTATIVE_USES = (
    "essential.service",
    "essential.service.payment_processing",
    "essential.fraud_detection",
    "essential.legal_obligation",
    "analytics.reporting",
    "personalize",
    "marketing.advertising.third_party.targeted",
    "marketing.communications.email",
)

# Each with a one-letter mark for the report's cells.
REPRESENTATIVE_CATEGORIES = {
    "user.contact.email": "E",
    "user.device.advertising_id": "A",
    "user.behavior.call_detail_records": "C",
    "user.location.precise": "L",
    "user.financial.credit_card": "$",
    "user.content.private": "P",
}

ADULT = {"age": 30}


@dataclass(frozen=True)
class Context:
    """What a cell assumes beyond its axes."""

    name: str
    label: str
    build: Callable[[str], dict[str, Any]]  # data use -> extra input fields


def _plain(use: str) -> dict[str, Any]:
    return {"subject": dict(ADULT), "identifiability": "identifiable"}


def _enabled(use: str) -> dict[str, Any]:
    # Everything a subject or the company could bring: consent to the use, a contract,
    # a verified court order. What stays denied here is denied whatever they do.
    return {"subject": dict(ADULT), "identifiability": "identifiable", "consents": [use],
            "recipient": {"under_contract": True}, "legal_request": {"verified": True, "matter": "court_order"}}


def _more(**extra: Any) -> Callable[[str], dict[str, Any]]:
    return lambda use: {"subject": dict(ADULT), "identifiability": "identifiable", **extra}


REPORT_CONTEXTS = (
    Context("plain", "as asked: adult, identifiable, no consent, no contract", _plain),
    Context("enabled", "with consent to the use, a contract and a verified court order", _enabled),
)

WIDE_CONTEXTS = REPORT_CONTEXTS + (
    Context("pseudonymous", "pseudonymous data", _more(identifiability="pseudonymous")),
    Context("aggregated", "aggregated data", _more(identifiability="aggregated")),
    Context("opted_out", "the subject opted out of everything", lambda use: {"subject": dict(ADULT), "opt_outs": "*"}),
    Context("sale", "a sale, not a disclosure", _more(action="sell")),
    Context("asked", "requested by the subject", _more(requested_by_subject=True)),
    Context("unknown_age", "age unknown", lambda use: {"identifiability": "identifiable"}),
    Context("child", "a 12-year-old in the EEA", lambda use: {"subject": {"age": 12, "country": "DE"}}),
)


@dataclass(frozen=True)
class Axes:
    companies: tuple[str, ...]
    recipient_kinds: tuple[str, ...]
    uses: tuple[str, ...]
    categories: tuple[str, ...]
    contexts: tuple[Context, ...]

    @classmethod
    def of(cls, vocabulary: Vocabulary, contexts: Sequence[Context] = REPORT_CONTEXTS,
           companies: Iterable[str] | None = None, kinds: Iterable[str] | None = None) -> Axes:
        wanted_companies = None if companies is None else set(companies)
        wanted_kinds = None if kinds is None else set(kinds)
        return cls(
            companies=tuple(c for c in vocabulary.companies if wanted_companies is None or c in wanted_companies),
            recipient_kinds=tuple(k for k in vocabulary.recipient_kinds if wanted_kinds is None or k in wanted_kinds),
            uses=tuple(u for u in REPRESENTATIVE_USES if u in vocabulary.data_uses),
            categories=tuple(c for c in REPRESENTATIVE_CATEGORIES if c in vocabulary.data_categories),
            contexts=tuple(contexts),
        )

    @property
    def size(self) -> int:
        return len(self.companies) * len(self.recipient_kinds) * len(self.uses) * len(self.categories) * len(self.contexts)


@dataclass(frozen=True)
class Cell:
    company: str
    recipient_kind: str
    data_use: str
    category: str
    context: str
    input: dict[str, Any]
    result: Any = None  # the decision document (None: undefined)

    @property
    def key(self) -> str:
        return "/".join((self.company, self.recipient_kind, self.data_use, self.category, self.context))

    @property
    def allow(self) -> bool:
        return isinstance(self.result, Mapping) and self.result.get("allow") is True

    def clauses(self, effect: str | None = None) -> list[str]:
        reasons = self.result.get("reasons", []) if isinstance(self.result, Mapping) else []
        return sorted({r.get("clause") for r in reasons if isinstance(r, Mapping) and (effect is None or r.get("effect") == effect)})

    def obligations(self) -> list[dict[str, Any]]:
        found = self.result.get("obligations", []) if isinstance(self.result, Mapping) else []
        return [o for o in found if isinstance(o, Mapping)]

    @property
    def verdict(self) -> str:
        """allow | allow_obliged | forbidden | not_permitted | invalid | undefined"""
        if not isinstance(self.result, Mapping):
            return "undefined"
        codes = {r.get("code") for r in self.result.get("reasons", []) if isinstance(r, Mapping)}
        if self.allow:
            return "allow_obliged" if self.obligations() else "allow"
        if "invalid_input" in codes:
            return "invalid"
        return "not_permitted" if codes <= {"no_permitting_clause"} else "forbidden"


def cell_input(company: str, kind: str, use: str, category: str, context: Context, vocabulary: Vocabulary) -> dict[str, Any]:
    extra = context.build(use)
    recipient = {"kind": kind, **extra.pop("recipient", {})}
    if extra.get("opt_outs") == "*":
        extra["opt_outs"] = list(vocabulary.opt_outs)
    return {"company": company, "data_categories": [category], "data_use": use, "recipient": recipient, **extra}


def cells(axes: Axes, vocabulary: Vocabulary) -> list[Cell]:
    return [
        Cell(company, kind, use, category, context.name, cell_input(company, kind, use, category, context, vocabulary))
        for company in axes.companies
        for use in axes.uses
        for kind in axes.recipient_kinds
        for category in axes.categories
        for context in axes.contexts
    ]


def evaluate_all(policy_set: PolicySet, inputs: Sequence[Mapping[str, Any]], path: str = DECISION, workers: int = 2,
                 progress: Callable[[int, int], None] | None = None, engine: RegoEngine | None = None) -> list[Any]:
    """Evaluate each input at path, in order; threads each get their own interpreter (a
    compile each, so a short run stays on one thread)."""
    engine = engine or RegoEngine(policy_set, entrypoints=[path])
    workers = max(1, min(workers, len(inputs) // 400))
    results: list[Any] = [None] * len(inputs)
    chunk = 64

    def run(start: int) -> int:
        for i in range(start, min(start + chunk, len(inputs))):
            evaluation = engine.evaluate(path, inputs[i])
            results[i] = evaluation.value if evaluation.defined else None
        return min(start + chunk, len(inputs)) - start

    done = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for n in pool.map(run, range(0, len(inputs), chunk)):
            done += n
            if progress:
                progress(done, len(inputs))
    return results


def compute(policy_set: PolicySet, axes: Axes, workers: int = 2,
            progress: Callable[[int, int], None] | None = None) -> list[Cell]:
    vocabulary = Vocabulary.of(policy_set)
    pending = cells(axes, vocabulary)
    results = evaluate_all(policy_set, [c.input for c in pending], workers=workers, progress=progress)
    return [Cell(c.company, c.recipient_kind, c.data_use, c.category, c.context, c.input, r) for c, r in zip(pending, results)]


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
