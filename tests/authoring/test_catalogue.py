"""The clause catalogue: complete, consistent with the rules and tests, and checked for real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from privacy_pdp.authoring import catalogue
from privacy_pdp.core.policyset import PolicySet

from conftest import ROOT

SHARED_CLAUSES = ROOT.parent / "shared" / "reference" / "clauses.md"


def test_project_catalogue_passes_the_check(policies) -> None:
    report = catalogue.check(policies)
    assert report.problems == []
    assert set(report.counts) >= {"kallu", "callsapp", "callbridge", "callmatikpro"}


@pytest.mark.skipif(not SHARED_CLAUSES.exists(), reason="the shared clause list is not beside the project")
def test_every_clause_of_the_reference_list_is_catalogued(policies) -> None:
    ids = set(re.findall(r"^\| ((?:kallu|callsapp|callbridge|callmatikpro)\.[a-z0-9_.]+) \|", SHARED_CLAUSES.read_text(), re.M))
    assert len(ids) == 106
    assert ids <= set(catalogue.catalogue_of(policies))


def test_every_entry_is_complete(policies) -> None:
    for clause_id, entry in catalogue.catalogue_of(policies).items():
        assert entry["status"] in {"encoded", "not_decidable"}, clause_id
        if entry["company"] == "all":
            continue
        assert entry["language"] in {"en", "ru", "sq"}, clause_id
        if entry["source"]["lines"] is None:  # a topic the policy never addresses
            assert entry["status"] == "not_decidable" and entry["why"], clause_id
        else:
            assert entry["quote"] and len(entry["quote"]) <= 200, clause_id


def _with_rule(policies: PolicySet, rule: str, catalogue_patch: dict | None = None) -> PolicySet:
    modules = dict(policies.modules)
    modules["privacy/companies/kallu/kallu.rego"] += "\n" + rule
    data = policies.data
    if catalogue_patch:
        import copy

        data = copy.deepcopy(data)
        data["privacy"]["catalogue"]["kallu"].update(catalogue_patch)
    return PolicySet(modules, data, test_modules=policies.test_modules)


def test_unknown_clause_is_reported(policies) -> None:
    rule = (
        "# METADATA\n# title: t\n# description: d\n# custom:\n#   clause: kallu.nowhere\n"
        'forbids contains {"code": "x", "clause": "kallu.nowhere", "message": "m"} if false\n'
    )
    problems = catalogue.check(_with_rule(policies, rule)).problems
    assert any("unknown clause kallu.nowhere" in p for p in problems)


def test_metadata_and_reason_must_cite_the_same_clause(policies) -> None:
    rule = (
        "# METADATA\n# title: t\n# description: d\n# custom:\n#   clause: kallu.sale.never\n"
        'forbids contains {"code": "x", "clause": "kallu.transfer.countries", "message": "m"} if false\n'
    )
    problems = catalogue.check(_with_rule(policies, rule)).problems
    assert any("in METADATA but kallu.transfer.countries in its reason" in p for p in problems)


def test_deciding_rule_without_metadata_is_reported(policies) -> None:
    rule = 'permits contains {"code": "x", "clause": "kallu.sale.never", "message": "m"} if false\n'
    problems = catalogue.check(_with_rule(policies, rule)).problems
    assert any("decides but has no METADATA" in p for p in problems)


def test_encoded_clause_without_rule_or_test_and_not_decidable_without_why(policies) -> None:
    patch = {
        "kallu.extra": {
            "company": "kallu", "title": "t", "summary": "s", "source": {"document": "d", "lines": [1, 1]},
            "language": "en", "quote": "q", "status": "encoded",
        },
        "kallu.silent": {
            "company": "kallu", "title": "t", "summary": "s", "source": {"document": "d", "lines": [1, 1]},
            "language": "en", "quote": "q", "status": "not_decidable",
        },
    }
    problems = catalogue.check(_with_rule(policies, "", patch)).problems
    assert "catalogue kallu.extra: encoded, but no rule's METADATA cites it" in problems
    assert "catalogue kallu.extra: encoded, but no test names it" in problems
    assert "catalogue kallu.silent: not_decidable without why" in problems
