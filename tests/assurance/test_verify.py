"""The bounded check (privacy-pdp verify): a seeded sample of its domain, and its parts."""

from __future__ import annotations

import json

import pytest

from privacy_pdp.assurance import invariants as inv
from privacy_pdp.assurance import mutation
from privacy_pdp.assurance import verify

from strategies import MODEL

SAMPLE = 2000


@pytest.fixture(scope="module")
def observer(policies) -> inv.Observer:
    return inv.Observer.regopy(policies)


def test_a_seeded_sample_of_the_bounded_domain_keeps_every_invariant(policies, observer) -> None:
    report = verify.run(policies, workers=2, sample=SAMPLE, seed=20261123, keep=2, observer=observer)
    assert report.points >= SAMPLE
    lines = [
        f"[{c.invariant}] {c.problem}\n  input: {json.dumps(c.input, sort_keys=True)}"
        + (f"\n  compared with: {json.dumps(c.related_input, sort_keys=True)}" if c.related_input else "")
        for c in report.counterexamples
    ]
    assert report.ok, f"{report.violations_by_invariant}\n" + "\n".join(lines)


def test_the_domain_covers_every_company_kind_and_the_keys_the_invariants_name() -> None:
    domain = verify.build_domain(MODEL)
    assert set(domain.companies) == set(MODEL.companies)
    assert domain.kinds == list(MODEL.kinds)
    for company in domain.companies.values():
        assert {"user.financial.credit_card", "user.content.private"} <= set(company.categories)
        assert {"marketing.communications", "essential.service.payment_processing"} <= set(company.uses)
        assert company.cells[0].name == "base"
    assert domain.size == sum(domain.points(f) for f in domain.flows())


def test_domain_points_are_valid_inputs(policies) -> None:
    import jsonschema

    from privacy_pdp.authoring import schema

    validator = jsonschema.Draft202012Validator(schema.decision_input_schema(policies))
    domain = verify.build_domain(MODEL)
    for flow in verify.sample_flows(domain, 300, seed=1):
        for cell in domain.companies[flow.company].cells_for(flow.category):
            for opt_out in (None, *cell.opt_outs):
                doc = verify.point(flow, cell, True, opt_out)
                assert validator.is_valid(doc), doc


def test_key_classes_keep_one_key_per_way_of_relating_to_the_basis() -> None:
    keys = ["user", "user.contact", "user.contact.email", "user.contact.phone_number", "user.name", "user.name.first"]
    assert verify.key_classes(keys, ["user.contact"]) == ["user", "user.contact", "user.contact.email", "user.name"]


def test_the_mutation_check_finds_rule_bodies_and_makes_mutants() -> None:
    source = (
        "package p\n\n# METADATA\n# custom:\n#   clause: x.y\nforbids contains {\n\t\"code\": \"c\",\n} if {\n"
        "\trequest.a == 1\n\tnot request.b\n\tx := 2\n\tsome y in request.z\n}\n"
    )
    [rule] = mutation.rules(source)
    lines = source.split("\n")
    assert [lines[k].strip() for k in rule.body] == ["request.a == 1", "not request.b"]
    mutants = list(mutation.mutants_of("p.rego", source))
    assert [m.kind for m in mutants] == ["negate", "negate", "drop"]
    assert "\tnot request.a == 1\n" in mutants[0].source and "\trequest.b\n" in mutants[1].source
    assert "forbids" not in mutants[2].source and mutants[2].source.count("\n") == source.count("\n")
    assert mutants[2].description == "drop the forbids rule citing x.y"


def test_the_mutation_check_mutates_obligations_and_leaves_helpers_alone() -> None:
    source = (
        "package p\n\n# METADATA\n# custom:\n#   clause: x.y\nobligations contains o if {\n\trequest.a == 1\n"
        "\to := {\"code\": \"c\"}\n}\n\n_helper if {\n\trequest.b == 2\n}\n"
    )
    [rule] = mutation.rules(source)
    assert rule.name == "obligations" and rule.clause == "x.y"
    mutants = list(mutation.mutants_of("p.rego", source))
    assert [m.kind for m in mutants] == ["negate", "drop"]
    assert "\tnot request.a == 1\n" in mutants[0].source
    assert mutants[1].description == "drop the obligations rule citing x.y"
