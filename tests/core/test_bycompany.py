"""The decision from a set per company (core.bycompany) is the whole set's decision, and the
split is refused wherever that would not hold."""

from __future__ import annotations

import pytest
from hypothesis import given

from privacy_pdp.assurance.bench.corpus import corpus
from privacy_pdp.core import dispatch
from privacy_pdp.core.bycompany import ByCompanyEngine, company_sets
from privacy_pdp.core.engine import UNDEFINED, RegoEngine, engine_for
from privacy_pdp.core.policyset import PolicySet

from strategies import examples, invalid_requests, valid_requests

EDGE_INPUTS = [
    {"company": "acme", "data_categories": ["user.name"], "data_use": "essential", "recipient": {"kind": "processor"}},
    {"company": 5, "data_categories": ["user.name"]},
    {"company": "Kallu"},
    {"company": "kallu"},
    {},
    [],
    "kallu",
    None,
]


@pytest.fixture(scope="module")
def whole(policies: PolicySet) -> RegoEngine:
    return RegoEngine(policies)


@pytest.fixture(scope="module")
def split(policies: PolicySet) -> ByCompanyEngine:
    engine = engine_for("regopy", policies)
    assert isinstance(engine, ByCompanyEngine)
    return engine


def test_each_set_holds_its_own_company_and_shared_modules_only(policies: PolicySet) -> None:
    sets = company_sets(policies)
    assert sets is not None and sorted(sets) == sorted(policies.companies)
    for company, part in sets.items():
        others = [c for c in policies.companies if c != company]
        assert PolicySet.company_module(company) in part.modules
        assert not any(PolicySet.company_module(c) in part.modules for c in others)
        assert part.modules[dispatch.DISPATCH_MODULE] == dispatch.render([company])
        assert sorted(part.data["privacy"]["companies"]) == [company]
        shared = {p for p in policies.modules if "/companies/" not in p and p != dispatch.DISPATCH_MODULE}
        assert shared <= set(part.modules)


def test_corpus_and_edge_inputs_decide_as_the_whole_set(policies: PolicySet, whole, split) -> None:
    inputs = corpus(policies, 400) + EDGE_INPUTS
    for doc in inputs:
        assert split.evaluate("privacy/decision", doc) == whole.evaluate("privacy/decision", doc), doc
    assert split.evaluate("privacy/decision") == whole.evaluate("privacy/decision")


@examples(300)
@given(doc=valid_requests())
def test_valid_inputs_decide_as_the_whole_set(whole, split, doc) -> None:
    assert split.evaluate("privacy/decision", doc) == whole.evaluate("privacy/decision", doc)


@examples(200)
@given(case=invalid_requests())
def test_invalid_inputs_decide_as_the_whole_set(whole, split, case) -> None:
    doc, _ = case
    assert split.evaluate("privacy/decision", doc) == whole.evaluate("privacy/decision", doc)


def test_other_paths_are_answered_by_the_whole_set(whole, split) -> None:
    assert split.engine_for_input("privacy/clauses", {"company": "kallu"}) is split.whole
    assert split.evaluate("privacy/clauses", UNDEFINED) == whole.evaluate("privacy/clauses")
    assert split.engine_for_input("privacy/decision", {"company": "kallu"}) is split.by_company["kallu"]


def _with(policies: PolicySet, path: str, source: str) -> PolicySet:
    return PolicySet({**policies.modules, path: source}, policies.data, policies.revision)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        # a shared module that reads a company package directly
        ("privacy/extra.rego", "package privacy.extra\n\nx := data.privacy.companies.kallu.forbids\n"),
        # a shared module that reads every company by a computed key
        ("privacy/extra.rego", "package privacy.extra\n\nx := object.keys(data.privacy.companies)\n"),
        ("privacy/extra.rego", "package privacy.extra\n\nx := data.privacy[\"companies\"]\n"),
        # one company package reading another's
        ("privacy/companies/kallu/more.rego", "package privacy.companies.kallu\n\nx := data.privacy.companies.callsapp.permits\n"),
        # a dispatch that is not the generated one
        (dispatch.DISPATCH_MODULE, dispatch.render(["kallu", "callsapp"])),
    ],
)
def test_the_split_is_refused_when_unsound(policies: PolicySet, path: str, source: str) -> None:
    changed = _with(policies, path, source)
    assert company_sets(changed) is None
    assert isinstance(engine_for("regopy", changed, ("privacy/decision",)), RegoEngine)


def test_a_company_reading_its_own_data_still_splits(policies: PolicySet) -> None:
    changed = _with(policies, "privacy/companies/kallu/more.rego",
                    "package privacy.companies.kallu\n\nx := data.privacy.companies.kallu.facts\n")
    assert company_sets(changed) is not None
