"""Hypothesis strategies for decision inputs, from the decision contract and the policy set.

Valid inputs draw on the real vocabulary: the companies present, recipient kinds, fideslang
keys (mostly the keys the company packages and their facts use, the whole taxonomy at a
lower weight), consents (often to the requested use or a broader one), opt-outs, legal
requests, ages (thresholds from the facts, unknown ages), subject countries (EEA, US with
US-CA), recipient countries, identifiability, contracts and names (names from the facts).

Invalid inputs take a valid one and break one thing: a wrong type, an unknown value, a
missing required field, odd unicode, a huge list; or they are not an object at all. Each
comes with the fields an ``invalid_input`` reason may name for it.

Everything is plain composition of hypothesis strategies (no randomness of our own), so a
failure shrinks to a minimal input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Sequence

from hypothesis import HealthCheck, example, settings
from hypothesis import strategies as st

from privacy_pdp.assurance import invariants as inv
from privacy_pdp.core.engine import canonical_numbers
from privacy_pdp.core.policyset import load_directory

POLICIES = Path(__file__).resolve().parent.parent / "policies"
MODEL = inv.Model.from_policy_set(load_directory(POLICIES))

# Profiles: "privacy-ci" (default) is derandomized, so every run tries the same inputs;
# "privacy-dev" explores (PRIVACY_HYPOTHESIS_PROFILE=privacy-dev), with the example database.
settings.register_profile(
    "privacy-ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile(
    "privacy-dev",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROFILE = settings.get_profile(os.environ.get("PRIVACY_HYPOTHESIS_PROFILE", "privacy-ci"))


def examples(n: int) -> settings:
    """Settings for one property: n examples on top of the chosen profile."""
    scale = float(os.environ.get("PRIVACY_HYPOTHESIS_SCALE", "1"))
    return settings(PROFILE, max_examples=max(1, int(n * scale)))


ABSENT: Any = object()


def weighted(primary: Sequence[str], secondary: Sequence[str], weight: int = 3) -> st.SearchStrategy[str]:
    """primary keys `weight` times as likely as each secondary one (and shrinking toward them)."""
    primary = list(dict.fromkeys(primary))
    pool = primary * weight + [k for k in secondary if k not in primary]
    return st.sampled_from(pool or list(secondary))


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Absent, null (which the contract reads as absent) or a value."""
    return st.one_of(st.just(ABSENT), st.none(), strategy)


def _put(doc: dict[str, Any], key: str, value: Any) -> None:
    if value is not ABSENT:
        doc[key] = value


def ancestors(key: str, vocabulary: Iterable[str]) -> list[str]:
    """key and the keys above it that are in the vocabulary, broadest first."""
    parts = key.split(".")
    known = set(vocabulary)
    return [p for p in (".".join(parts[: i + 1]) for i in range(len(parts))) if p in known]


def overlapping(keys: Iterable[str], roots: Iterable[str]) -> list[str]:
    roots = list(roots)
    return [k for k in keys if any(inv.overlaps(k, r) for r in roots)]


# --- pieces ------------------------------------------------------------------------------


def names(model: inv.Model = MODEL) -> st.SearchStrategy[str]:
    known = list(model.names()) or ["AdCo Ltd"]
    base = st.sampled_from(known)
    return st.one_of(
        base,
        base.map(str.upper),
        base.map(lambda s: f"  {s.lower()} "),
        st.sampled_from(["AdCo Ltd", "Mailer Ltd", "Google", "Police", "Acme Corp", ""]),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    )


def countries(model: inv.Model = MODEL) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(["US", "DE", "RU", "GB"]), st.sampled_from(model.countries()))


def ages(model: inv.Model = MODEL, company: str | None = None) -> st.SearchStrategy[Any]:
    thresholds = model.age_thresholds(company)
    near = sorted({a + d for a in thresholds for d in (-1, 0, 1) if 0 <= a + d <= 150})
    return st.one_of(
        st.sampled_from(near),
        st.sampled_from([0, 30, 150]),
        st.integers(0, 150),
        st.floats(0, 150, allow_nan=False, allow_infinity=False),
    )


def subjects(model: inv.Model = MODEL, company: str | None = None) -> st.SearchStrategy[Any]:
    location = st.one_of(
        st.just(("US", "US-CA")),
        st.sampled_from(model.eea or ("DE",)).map(lambda c: (c, ABSENT)),
        st.tuples(optional(countries(model)), optional(st.sampled_from(model.subdivisions()))),
    )

    def build(age: Any, where: tuple[Any, Any]) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        _put(doc, "age", age)
        _put(doc, "country", where[0])
        _put(doc, "subdivision", where[1])
        return doc

    return optional(st.builds(build, optional(ages(model, company)), location))


def recipients(model: inv.Model = MODEL, kinds: Sequence[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"kind": st.sampled_from(list(kinds or model.kinds))},
        optional={
            "name": st.one_of(st.none(), names(model)),
            "country": st.one_of(st.none(), countries(model)),
            "under_contract": st.one_of(st.none(), st.booleans()),
        },
    )


def legal_requests(model: inv.Model = MODEL, company: str | None = None) -> st.SearchStrategy[Any]:
    mentioned = model.company[company].legal_matters if company in model.company else ()
    return st.fixed_dictionaries(
        {"verified": st.booleans(), "matter": weighted(mentioned, model.legal_matters)}
    )


# --- valid inputs --------------------------------------------------------------------------

_CACHE: dict[tuple[Any, ...], Any] = {}


def _cached(key: tuple[Any, ...], make: Any) -> Any:
    """Strategies built once per model and company: building them on every draw is slow."""
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def _company_pieces(model: inv.Model, company: str) -> dict[str, Any]:
    return _cached(
        ("pieces", id(model), company),
        lambda: {
            "category": weighted(model.policy_categories(company), model.categories),
            "use": weighted(model.policy_uses(company), model.uses),
            "subject": subjects(model, company),
            "opt_out": weighted(model.company[company].opt_outs, model.opt_outs),
            "legal": legal_requests(model, company),
            "recipient": recipients(model),
        },
    )


@st.composite
def valid_requests(
    draw: st.DrawFn,
    model: inv.Model = MODEL,
    companies: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    uses: Sequence[str] | None = None,
    include_one_of: Sequence[str] | None = None,
    actions: Sequence[str] | None = None,
    identifiability: Sequence[str] | None = None,
    legal: st.SearchStrategy[Any] | None = None,
    max_categories: int = 4,
) -> dict[str, Any]:
    """A valid decision input. The keyword arguments narrow a dimension to make a property's
    premise likely: `include_one_of` puts one of those categories among the drawn ones."""
    company = draw(st.sampled_from(list(companies or model.companies)))
    pieces = _company_pieces(model, company)
    category = pieces["category"]
    categories = draw(st.lists(category, min_size=0 if include_one_of else 1, max_size=max_categories))
    if include_one_of:
        forced = draw(st.sampled_from(list(include_one_of)))
        categories.insert(draw(st.integers(0, len(categories))), forced)
    use = draw(st.sampled_from(list(uses)) if uses else pieces["use"])
    doc: dict[str, Any] = {
        "company": company,
        "data_categories": categories,
        "data_use": use,
        "recipient": draw(recipients(model, kinds) if kinds else pieces["recipient"]),
    }
    action_values = list(actions) if actions else ["disclose", "sell"]
    action = draw(st.sampled_from(action_values) if actions else optional(st.sampled_from(action_values)))
    _put(doc, "action", action)
    _put(doc, "subject", draw(pieces["subject"]))
    # Consents: often the requested use or a broader key, else any use.
    consent = st.one_of(
        st.sampled_from(ancestors(use, model.uses) or [use]),
        pieces["use"],
    )
    _put(doc, "consents", draw(optional(st.lists(consent, max_size=3))))
    _put(doc, "opt_outs", draw(optional(st.lists(pieces["opt_out"], max_size=3))))
    _put(doc, "legal_request", draw(optional(legal if legal is not None else pieces["legal"])))
    levels = list(identifiability) if identifiability else ["identifiable", "pseudonymous", "aggregated"]
    _put(
        doc,
        "identifiability",
        draw(st.sampled_from(levels) if identifiability else optional(st.sampled_from(levels))),
    )
    return doc


def huge_valid_requests(model: inv.Model = MODEL) -> st.SearchStrategy[dict[str, Any]]:
    """Valid inputs with long lists (repeated keys)."""

    def grow(doc: dict[str, Any], n: int) -> dict[str, Any]:
        out = {**doc, "data_categories": doc["data_categories"] * n}
        if isinstance(doc.get("consents"), list) and doc["consents"]:
            out["consents"] = doc["consents"] * n
        return out

    return st.builds(grow, valid_requests(model), st.integers(50, 800))


# --- invalid inputs -------------------------------------------------------------------------

CONTRACT_FIELDS = {
    "": {"company", "action", "data_categories", "data_use", "recipient", "subject", "consents", "opt_outs",
         "legal_request", "identifiability"},
    "recipient": {"kind", "name", "country", "under_contract"},
    "subject": {"age", "country", "subdivision"},
    "legal_request": {"verified", "matter"},
}

odd_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False), odd_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(odd_text, children, max_size=3),
    max_leaves=6,
)


def _homoglyph(s: str) -> str:
    return s.replace("a", "\u0430").replace("e", "\u0435").replace("o", "\u043e")


def unknown_variants(known: Sequence[str]) -> st.SearchStrategy[str]:
    """Strings near a known value that are not themselves known: case, blanks, separators,
    zero-width and look-alike characters, a child that does not exist, plus odd text."""
    known_set = set(known)
    tweaks = [
        str.upper,
        str.title,
        lambda s: s + " ",
        lambda s: " " + s,
        lambda s: s + "\n",
        lambda s: s + ".",
        lambda s: "." + s,
        lambda s: s.replace(".", ".."),
        lambda s: s.replace(".", "/"),
        lambda s: s.replace("_", "-"),
        lambda s: s + ".x_unknown",
        lambda s: s + "\u200b",
        lambda s: "\u202e" + s,
        lambda s: s + "\u0301",
        _homoglyph,
        lambda s: s.encode("utf-8").decode("latin-1"),
        lambda s: s.replace("u", "\uff55"),  # fullwidth
    ]
    near = st.builds(lambda s, f: f(s), st.sampled_from(list(known)), st.sampled_from(tweaks))
    return st.one_of(near, odd_text, st.just(""), st.just("*")).filter(lambda s: s not in known_set)


def not_strings() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.booleans(),
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(json_scalars, max_size=3),
        st.dictionaries(odd_text, json_scalars, max_size=2),
    )


def not_objects() -> st.SearchStrategy[Any]:
    """Non-null values that are not JSON objects."""
    return st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), odd_text,
                     st.lists(json_scalars, max_size=3))


def not_arrays() -> st.SearchStrategy[Any]:
    return st.one_of(st.booleans(), st.integers(), odd_text, st.dictionaries(odd_text, json_scalars, max_size=2))


def bad_countries() -> st.SearchStrategy[Any]:
    import re

    fixed = st.sampled_from(["de", "De", "DEU", "D", "", "DE\n", " DE", "DE ", "12", "\u00c4\u00d6", "U5", "EU-"])
    return st.one_of(fixed, odd_text.filter(lambda s: not re.fullmatch(r"[A-Z]{2}", s)), not_strings())


def bad_subdivisions() -> st.SearchStrategy[Any]:
    import re

    fixed = st.sampled_from(["CA", "us-ca", "US_CA", "US-", "USA-CA", "US-CALI", "US-CA\n", "US-ca", ""])
    return st.one_of(fixed, odd_text.filter(lambda s: not re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", s)), not_strings())


def bad_ages() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from([-1, 151, 1000, 10**20, -0.5, 150.0001, 1.7976931348623157e308, -1.7976931348623157e308,
                         "30", "", True, False, [30], {"years": 30}]),
        st.integers(max_value=-1),
        st.integers(min_value=151),
        # Both engines read a float to 15 significant digits (core.engine.canonical_numbers):
        # 150.00000000000003 is 150, and -1e-320 is 0, so neither is out of range.
        st.floats(min_value=150, exclude_min=True, allow_infinity=False).filter(lambda x: canonical_numbers(x) > 150),
        st.floats(max_value=0, exclude_max=True, allow_infinity=False).filter(lambda x: canonical_numbers(x) < 0),
        odd_text,
    )


def _at(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of doc with path set to value (ABSENT deletes)."""
    out = dict(doc)
    if len(path) == 1:
        if value is ABSENT:
            out.pop(path[0], None)
        else:
            out[path[0]] = value
        return out
    inner = out.get(path[0])
    out[path[0]] = _at(inner if isinstance(inner, dict) else {}, path[1:], value)
    return out


@st.composite
def invalid_requests(draw: st.DrawFn, model: inv.Model = MODEL) -> tuple[Any, frozenset[str]]:
    """An input that breaks the contract, and the fields an invalid_input reason may name."""
    kind = draw(
        st.sampled_from(
            [
                "company", "missing", "data_categories", "data_category_item", "data_use", "recipient", "kind",
                "name", "recipient_country", "under_contract", "subject", "age", "subject_country", "subdivision",
                "consents", "consent_item", "opt_outs", "opt_out_item", "legal_request", "verified", "matter",
                "identifiability", "action", "huge", "not_object",
            ]
        )
    )
    if kind == "not_object":
        value = draw(st.one_of(st.none(), not_objects(), st.lists(valid_requests(model), min_size=1, max_size=2)))
        return value, frozenset({"input"})
    doc = draw(valid_requests(model))
    one = lambda path, bad, field: (_at(doc, path, draw(bad)), frozenset({field}))  # noqa: E731
    if kind == "company":
        return one(("company",), st.one_of(unknown_variants(model.companies), not_strings()), "company")
    if kind == "missing":
        path = draw(st.sampled_from([("company",), ("data_categories",), ("data_use",), ("recipient",), ("recipient", "kind")]))
        value = draw(st.sampled_from([ABSENT, None]))
        return _at(doc, path, value), frozenset({".".join(path)})
    if kind == "data_categories":
        bad = st.one_of(st.just([]), st.sampled_from(model.categories), not_arrays())
        return one(("data_categories",), bad, "data_categories")
    if kind in ("data_category_item", "consent_item", "opt_out_item"):
        key, known = {
            "data_category_item": ("data_categories", model.categories),
            "consent_item": ("consents", model.uses),
            "opt_out_item": ("opt_outs", model.opt_outs),
        }[kind]
        items = list(doc.get(key) or [])
        bad = draw(st.one_of(unknown_variants(known), not_strings(), st.none()))
        index = draw(st.integers(0, len(items)))
        items.insert(index, bad)
        return {**doc, key: items}, frozenset({f"{key}[{index}]"})
    if kind == "data_use":
        return one(("data_use",), st.one_of(unknown_variants(model.uses), not_strings(), st.sampled_from(model.categories)), "data_use")
    if kind == "recipient":
        return one(("recipient",), not_objects(), "recipient")
    if kind == "kind":
        return one(("recipient", "kind"), st.one_of(unknown_variants(model.kinds), not_strings()), "recipient.kind")
    if kind == "name":
        return one(("recipient", "name"), not_strings(), "recipient.name")
    if kind == "recipient_country":
        return one(("recipient", "country"), bad_countries(), "recipient.country")
    if kind == "under_contract":
        bad = st.one_of(st.sampled_from(["true", "false", 1, 0, "yes", [], {}]), odd_text, st.integers())
        return one(("recipient", "under_contract"), bad, "recipient.under_contract")
    if kind == "subject":
        return one(("subject",), not_objects(), "subject")
    if kind == "age":
        return one(("subject", "age"), bad_ages(), "subject.age")
    if kind == "subject_country":
        return one(("subject", "country"), bad_countries(), "subject.country")
    if kind == "subdivision":
        return one(("subject", "subdivision"), bad_subdivisions(), "subject.subdivision")
    if kind in ("consents", "opt_outs"):
        bad = st.one_of(st.sampled_from(model.uses if kind == "consents" else model.opt_outs), not_arrays())
        return one((kind,), bad.filter(lambda v: not isinstance(v, list)), kind)
    if kind == "legal_request":
        return one(("legal_request",), not_objects(), "legal_request")
    if kind == "verified":
        base = draw(legal_requests(model, doc["company"]))
        value = draw(st.one_of(st.just(ABSENT), st.none(), st.sampled_from(["true", 1, 0, "yes"]), odd_text))
        return {**doc, "legal_request": _at(base, ("verified",), value)}, frozenset({"legal_request.verified"})
    if kind == "matter":
        base = draw(legal_requests(model, doc["company"]))
        value = draw(st.one_of(st.just(ABSENT), st.none(), unknown_variants(model.legal_matters), not_strings()))
        return {**doc, "legal_request": _at(base, ("matter",), value)}, frozenset({"legal_request.matter"})
    if kind == "identifiability":
        known = ["identifiable", "pseudonymous", "aggregated"]
        return one(("identifiability",), st.one_of(unknown_variants(known + ["anonymous"]), not_strings()), "identifiability")
    if kind == "action":
        return one(("action",), st.one_of(unknown_variants(["disclose", "sell", "rent", "share"]), not_strings()), "action")
    # huge: a long list of valid keys with one bad entry somewhere
    key, known = draw(st.sampled_from([("data_categories", model.categories), ("consents", model.uses), ("opt_outs", model.opt_outs)]))
    n = draw(st.integers(200, 2500))
    items = [known[i % len(known)] for i in range(n)]
    index = draw(st.integers(0, n))
    items.insert(index, draw(unknown_variants(known)))
    return {**doc, key: items}, frozenset({f"{key}[{index}]"})


# --- noise that must not matter (invariant 9) ------------------------------------------------


def _extra_fields(known: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(odd_text.filter(lambda k: k not in known), json_values, max_size=3)


@st.composite
def noisy(draw: st.DrawFn, doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """doc with its lists permuted and some entries repeated, and unknown fields added."""
    out = dict(doc)
    changes = []
    for key in ("data_categories", "consents", "opt_outs"):
        value = doc.get(key)
        if isinstance(value, list) and value:
            items = draw(st.permutations(value))
            repeats = draw(st.lists(st.sampled_from(value), max_size=3))
            for r in repeats:
                items.insert(draw(st.integers(0, len(items))), r)
            out[key] = items
            changes.append(key)
    top = draw(_extra_fields(CONTRACT_FIELDS[""]))
    out.update(top)
    for key in ("recipient", "subject", "legal_request"):
        inner = doc.get(key)
        if isinstance(inner, dict) or (key == "subject" and inner is None):
            extra = draw(_extra_fields(CONTRACT_FIELDS[key]))
            if extra:
                out[key] = {**(inner or {}), **extra}
                changes.append(f"{key}+extra")
    if top:
        changes.append("top+extra")
    return out, "reordered/duplicated/extra: " + ", ".join(changes)


# --- counterexamples found so far ----------------------------------------------------------


def example_each(name: str, values: list[Any]) -> Any:
    """hypothesis @example for each value (explicit cases run before the generated ones)."""

    def decorate(test: Any) -> Any:
        for value in reversed(values):
            test = example(**{name: value})(test)
        return test

    return decorate


_BASE = {"company": "kallu", "data_categories": ["user"], "data_use": "analytics", "recipient": {"kind": "first_party"}}
# Counterexamples found so far, kept as regression examples.
FOUND_INVALID = [
    ({**_BASE, "company": "kallu\n"}, frozenset({"company"})),  # control characters broke regopy's output
    ({**_BASE, "company": "\x1f"}, frozenset({"company"})),
    ({**_BASE, "legal_request": {"verified": False}}, frozenset({"legal_request.matter"})),
    ({**_BASE, "legal_request": {"matter": "court_order"}}, frozenset({"legal_request.verified"})),
    ({**_BASE, "data_categories": [-(10**20)]}, frozenset({"data_categories[0]"})),  # wrapped to int64 in regopy
    ({**_BASE, "subject": {"age": 1.7976931348623157e308}}, frozenset({"subject.age"})),  # regopy: stod fails
    ({**_BASE, "subject": {"age": -1.7976931348623157e308}}, frozenset({"subject.age"})),
    (None, frozenset({"input"})),
]
