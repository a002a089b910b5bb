"""`privacy-pdp new-company`: a fifth company, scaffolded in a copy of policies/, passes
what `make test` checks (Rego tests under both engines, the catalogue check, the generated
schema and dispatch) and gets decisions, all without a line of Python changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from privacy_pdp.assurance import invariants as inv
from privacy_pdp.assurance import verify
from privacy_pdp.authoring import catalogue, dispatch, regotest, scaffold, schema
from privacy_pdp.cli import app
from privacy_pdp.core.engine import OpaGoEngine, RegoEngine
from privacy_pdp.core.policyset import PolicySet, load_directory
from privacy_pdp.core.regosource import parse_module

from conftest import POLICIES

NAME = "acme"


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PolicySet]:
    root = tmp_path_factory.mktemp("policies")
    shutil.copytree(POLICIES, root, dirs_exist_ok=True)
    result = CliRunner().invoke(app, ["new-company", NAME, "--policies", str(root)])
    assert result.exit_code == 0, result.output
    return root, load_directory(root)


def test_the_company_is_part_of_the_policy_set(scaffolded) -> None:
    root, policies = scaffolded
    assert NAME in policies.companies
    assert policies.company_module(NAME) in policies.modules
    assert f"privacy/companies/{NAME}/{NAME}_test.rego" in policies.test_modules


def test_the_package_has_the_fixed_section_order(scaffolded) -> None:
    _, policies = scaffolded
    source = policies.modules[policies.company_module(NAME)]
    lines = source.splitlines()
    markers = [f"# --- {s}" for s in scaffold.SECTIONS]
    positions = [lines.index(m) for m in markers]
    assert positions == sorted(positions)
    module = parse_module(source)
    assert module.package == f"privacy.companies.{NAME}" and module.metadata is not None
    assert lines.index(markers[0]) > max(i.span.end_line for i in module.imports)
    [catch_all] = module.named("catch_all")
    assert catch_all.clause == f"{NAME}.disclosure.default_deny"


def test_the_rego_tests_pass_under_both_engines(scaffolded) -> None:
    _, policies = scaffolded
    results = regotest.run(policies)
    failed = [regotest.format_result(r) for r in results if not r.passed]
    assert failed == []
    assert any(r.test.package == f"privacy.companies.{NAME}_test" for r in results)


def test_the_catalogue_check_passes(scaffolded) -> None:
    _, policies = scaffolded
    report = catalogue.check(policies)
    assert report.problems == []
    assert report.counts[NAME]["encoded"] == 1


def test_the_generated_files_name_the_company(scaffolded) -> None:
    root, policies = scaffolded
    assert (root / schema.SCHEMA_PATH).read_text(encoding="utf-8") == schema.render(policies)
    assert NAME in schema.decision_input_schema(policies)["properties"]["company"]["enum"]
    assert (root / dispatch.DISPATCH_PATH).read_text(encoding="utf-8") == dispatch.render(policies)


def test_a_decision_for_the_company_answers_the_catch_all_deny(scaffolded) -> None:
    _, policies = scaffolded
    doc = {"company": NAME, "data_categories": ["user.name"], "data_use": "essential.service",
           "recipient": {"kind": "service_provider"}}
    expected = {"allow": False, "obligations": [], "reasons": [{
        "code": "no_permitting_clause", "clause": f"{NAME}.disclosure.default_deny",
        "message": f"{NAME}'s policy permits no such flow", "effect": "deny"}]}
    assert RegoEngine(policies).evaluate("privacy/decision", doc).value == expected
    assert OpaGoEngine(policies).evaluate("privacy/decision", doc).value == expected


def test_the_invariants_hold_for_the_company(scaffolded) -> None:
    _, policies = scaffolded
    assert inv.Model.from_policy_set(policies).promises.of(NAME) == inv.CompanyPromises()  # it makes none yet
    report = verify.run(policies, workers=1, sample=60, seed=3, companies=[NAME])
    assert report.points >= 60 and report.ok, report.counterexamples[:2]


@pytest.mark.parametrize("bad", ["Acme", "my-co", "if", "1co", ""])
def test_a_name_that_is_no_rego_identifier_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(scaffold.ScaffoldError):
        scaffold.new_company(tmp_path, bad)
    assert not any(tmp_path.iterdir())


def test_an_existing_company_is_not_overwritten(scaffolded) -> None:
    root, _ = scaffolded
    result = CliRunner().invoke(app, ["new-company", NAME, "--policies", str(root)])
    assert result.exit_code == 2 and "already exists" in result.output
