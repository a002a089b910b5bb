"""The benchmark's inputs: a fixed, seeded corpus of distinct valid decision inputs.

Drawn from what the policy set says about itself (``assurance.model.Model``): the four
companies in turn, categories and uses the company's rules and facts mention (now and then
any key of the taxonomy), recipients with and without names, countries and contracts,
subjects, consents (often to the requested use or above it), opt-outs, legal requests for
authorities. The same seed gives the same corpus on any machine; duplicates are skipped,
so every input is distinct.
"""

from __future__ import annotations

import json
import random
from typing import Any

from privacy_pdp.assurance.model import Model
from privacy_pdp.core.policyset import PolicySet

DEFAULT_SEED = 20261211
DEFAULT_SIZE = 1200


def corpus(policy_set: PolicySet, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """``size`` distinct valid inputs, companies in turn (round-robin), in a seeded order."""
    model = Model.from_policy_set(policy_set)
    if not model.companies:
        raise ValueError("the policy set has no company to decide for")
    rng = random.Random(seed)
    seen: set[str] = set()
    found: list[dict[str, Any]] = []
    attempts = 0
    while len(found) < size:
        attempts += 1
        if attempts > size * 50:
            raise ValueError(f"could not draw {size} distinct inputs (got {len(found)})")
        doc = draw(model, model.companies[len(found) % len(model.companies)], rng)
        key = json.dumps(doc, sort_keys=True)
        if key not in seen:
            seen.add(key)
            found.append(doc)
    return found


def _pick(rng: random.Random, primary: tuple[str, ...], secondary: tuple[str, ...], weight: float = 0.85) -> str:
    pool = primary if primary and rng.random() < weight else secondary
    return rng.choice(pool)


def _ancestors(key: str, vocabulary: tuple[str, ...]) -> list[str]:
    parts = key.split(".")
    known = set(vocabulary)
    return [p for p in (".".join(parts[: i + 1]) for i in range(len(parts))) if p in known]


def draw(model: Model, company: str, rng: random.Random) -> dict[str, Any]:
    """One valid input for ``company``."""
    categories_known = model.policy_categories(company)
    uses_known = model.policy_uses(company)
    categories = list(dict.fromkeys(
        _pick(rng, categories_known, model.categories) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))
    ))
    use = _pick(rng, uses_known, model.uses)
    kind = rng.choice(model.kinds)
    recipient: dict[str, Any] = {"kind": kind}
    if rng.random() < 0.4 and model.names():
        recipient["name"] = rng.choice(model.names())
    if rng.random() < 0.4:
        recipient["country"] = rng.choice(model.countries())
    if rng.random() < 0.3:
        recipient["under_contract"] = rng.random() < 0.7
    doc: dict[str, Any] = {"company": company, "data_categories": categories, "data_use": use, "recipient": recipient}
    if rng.random() < 0.2:
        doc["action"] = rng.choice(("disclose", "disclose", "sell"))
    if rng.random() < 0.6:
        subject: dict[str, Any] = {}
        bands = model.age_bands(company)
        age = bands[rng.choice(tuple(bands))]
        if age is not None:
            subject["age"] = age
        if rng.random() < 0.7:
            subject["country"] = rng.choice(model.countries())
            if subject["country"] == "US" and rng.random() < 0.5:
                subject["subdivision"] = "US-CA"
        doc["subject"] = subject
    if rng.random() < 0.5:
        doc["consents"] = [
            rng.choice(_ancestors(use, model.uses) or [use]) if rng.random() < 0.6 else _pick(rng, uses_known, model.uses)
            for _ in range(rng.choice((1, 1, 2, 3)))
        ]
    if rng.random() < 0.25:
        doc["opt_outs"] = [_pick(rng, model.company[company].opt_outs, model.opt_outs) for _ in range(rng.choice((1, 2)))]
    if kind == "law_enforcement" and rng.random() < 0.8:
        matters = model.company[company].legal_matters
        doc["legal_request"] = {"verified": rng.random() < 0.7, "matter": _pick(rng, matters, model.legal_matters)}
    if rng.random() < 0.3:
        doc["identifiability"] = rng.choice(("identifiable", "pseudonymous", "aggregated"))
    if rng.random() < 0.1:
        doc["requested_by_subject"] = rng.random() < 0.5
    return doc
