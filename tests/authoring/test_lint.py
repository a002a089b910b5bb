"""The policy linter: each check on a fixture that breaks it and on the clean one, the
real policies clean, and the command's output and exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from privacy_pdp.authoring import lint
from privacy_pdp.core.policyset import PolicySet

COMPANY = """# METADATA
# title: Acme
# description: Acme's disclosure rules.
package privacy.companies.acme

import data.privacy.request

# --- facts

_facts := data.privacy.companies.acme.facts

# --- catch-all

# METADATA
# title: Nothing else goes out
# description: Acme discloses nothing it does not list.
# custom:
#   clause: acme.disclosure.default_deny
catch_all := {
\t"code": "no_permitting_clause",
\t"clause": "acme.disclosure.default_deny",
\t"message": "no clause permits this",
}

# --- forbids

# METADATA
# title: No sale
# description: Acme sells nothing.
# custom:
#   clause: acme.sale.never
forbids contains {
\t"code": "sale",
\t"clause": "acme.sale.never",
\t"message": "no sale",
} if request.action == "sell"

# --- permits

# METADATA
# title: Partners
# description: Partners get what they need.
# custom:
#   clause: acme.share.partner
permits contains {
\t"code": "partner",
\t"clause": "acme.share.partner",
\t"message": "a partner",
} if _partner(request.recipient_kind)

# METADATA
# title: Service providers
# description: Service providers get what the service needs.
# custom:
#   clause: acme.share.service
permits contains {
\t"code": "service",
\t"clause": "acme.share.service",
\t"message": "a service provider",
} if {
\tsome kind in _facts.kinds
\tkind == request.recipient_kind
}

# --- obligations

# --- helpers

_partner(kind) if kind == "advertising_partner"
"""

TESTS = """package privacy.companies.acme_test

import data.privacy

# clause: acme.sale.never
test_sale_is_denied if {
\td := privacy.decision with data.privacy.request.document as {"action": "sell"}
\td.allow == false
}
"""

FRAMEWORK = """package privacy

# METADATA
# title: Decision
# description: The decision.
# custom:
#   clause: privacy.fail_closed
decision := {"allow": false}
"""

CLAUSES = ["acme.disclosure.default_deny", "acme.sale.never", "acme.share.partner", "acme.share.service",
           "privacy.fail_closed"]
COMPANY_FILE = "privacy/companies/acme/acme.rego"
TEST_FILE = "privacy/companies/acme/acme_test.rego"


def policy_set(company: str = COMPANY, tests: str = TESTS, framework: str = FRAMEWORK) -> PolicySet:
    catalogue = {"acme": {c: {"company": "acme"} for c in CLAUSES}}
    return PolicySet({COMPANY_FILE: company, "privacy/decision.rego": framework}, {"privacy": {"catalogue": catalogue}},
                     test_modules={TEST_FILE: tests})


def found(**changes: str) -> set[tuple[str, int, str]]:
    """(file, line, check) of each finding."""
    return {(f.file, f.line, f.check) for f in lint.lint(policy_set(**changes))}


def line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = [k for k, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[nth - 1]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_fixture_is_clean() -> None:
    assert lint.lint(policy_set()) == []


def test_the_real_policies_are_clean(policies: PolicySet) -> None:
    assert [str(f) for f in lint.lint(policies)] == []


# --- metadata ----------------------------------------------------------------------------------


def test_a_deciding_rule_without_its_clause() -> None:
    company = edit(COMPANY, "# custom:\n#   clause: acme.sale.never\n", "")
    [finding] = lint.lint(policy_set(company=company))
    assert (finding.line, finding.check) == (line_of(company, "forbids contains"), "metadata")
    assert finding.message == "rule forbids has no METADATA custom.clause"


def test_a_deciding_rule_without_metadata() -> None:
    company = edit(COMPANY, "# METADATA\n# title: No sale\n# description: Acme sells nothing.\n", "")
    company = edit(company, "# custom:\n#   clause: acme.sale.never\n", "")
    assert {(f.line, f.check, f.message) for f in lint.lint(policy_set(company=company))} == {
        (line_of(company, "forbids contains"), "metadata", "rule forbids decides but has no METADATA block")}


def test_the_decision_rule_needs_a_title_and_description() -> None:
    framework = edit(FRAMEWORK, "# title: Decision\n# description: The decision.\n", "")
    [finding] = lint.lint(policy_set(framework=framework))
    assert (finding.file, finding.check, finding.message) == (
        "privacy/decision.rego", "metadata", "rule decision has no METADATA title, description")


def test_metadata_that_is_not_yaml() -> None:
    company = edit(COMPANY, "# title: No sale\n", "# title: [No sale\n")
    assert found(company=company) == {(COMPANY_FILE, line_of(company, "forbids contains"), "metadata")}


# --- clauses -----------------------------------------------------------------------------------


def test_a_clause_the_catalogue_lacks() -> None:
    company = COMPANY.replace("acme.sale.never", "acme.sale.nowhere")
    findings = lint.lint(policy_set(company=company))
    assert {(f.check, f.message) for f in findings} == {
        ("unknown-clause", "rule forbids cites acme.sale.nowhere, which the catalogue lacks"),
        ("unknown-clause", "rule forbids gives clause acme.sale.nowhere, which the catalogue lacks"),
    }


def test_a_reason_citing_another_clause_than_its_metadata() -> None:
    company = edit(COMPANY, '\t"clause": "acme.sale.never",', '\t"clause": "acme.share.service",')
    assert found(company=company) == {(COMPANY_FILE, line_of(company, "forbids contains"), "clause-mismatch")}


def test_a_test_without_a_clause_comment_and_one_naming_an_unknown_clause() -> None:
    assert found(tests=edit(TESTS, "# clause: acme.sale.never\n", "")) == {(TEST_FILE, 5, "test-clause")}
    assert found(tests=edit(TESTS, "acme.sale.never\n", "acme.sale.never, acme.gone\n")) == {(TEST_FILE, 6, "unknown-clause")}


def test_a_framework_test_needs_no_clause_comment() -> None:
    tests = edit(TESTS, "package privacy.companies.acme_test", "package privacy.decision_test")
    assert found(tests=edit(tests, "# clause: acme.sale.never\n", "")) == set()


# --- helpers, syntax, names ----------------------------------------------------------------------


def test_an_unused_private_helper() -> None:
    company = COMPANY + "\n_spare(kind) if kind == \"acquirer\"\n"
    assert found(company=company) == {(COMPANY_FILE, line_of(company, "_spare"), "unused-helper")}


def test_a_helper_used_only_by_another_package_is_unused() -> None:
    company = edit(COMPANY, "} if _partner(request.recipient_kind)", '} if request.recipient_kind == "advertising_partner"')
    tests = TESTS + "\ntest_partner if {\n\tdata.privacy.companies.acme._partner(\"x\")\n}\n"
    assert (COMPANY_FILE, line_of(company, "_partner(kind)"), "unused-helper") in found(company=company, tests=tests)


def test_future_keywords_and_v0_bodies() -> None:
    company = edit(COMPANY, "import data.privacy.request\n", "import data.privacy.request\nimport future.keywords.in\n")
    assert found(company=company) == {(COMPANY_FILE, line_of(company, "future.keywords"), "v1-syntax")}
    company = edit(COMPANY, '_partner(kind) if kind == "advertising_partner"', '_partner(kind) {\n\tkind == "advertising_partner"\n}')
    assert found(company=company) == {(COMPANY_FILE, line_of(company, "_partner(kind)"), "v1-syntax")}
    company = COMPANY + "\n_kinds[k] if {\n\tsome k in _facts.kinds\n}\n\n_x := _kinds\n"
    assert (COMPANY_FILE, line_of(company, "_kinds[k]"), "v1-syntax") in found(company=company)


def test_names_that_are_not_snake_case() -> None:
    company = COMPANY.replace("_partner", "_partnerKind")
    assert found(company=company) == {(COMPANY_FILE, line_of(company, "_partnerKind(kind) if"), "snake-case")}
    company = edit(COMPANY, "\tsome kind in _facts.kinds\n\tkind ==", "\tsome Kind in _facts.kinds\n\tKind ==")
    assert found(company=company) == {(COMPANY_FILE, line_of(company, "some Kind"), "snake-case")}
    tests = edit(TESTS, "\td := privacy", "\tdecisionDoc := privacy").replace("d.allow", "decisionDoc.allow")
    assert found(tests=tests) == {(TEST_FILE, 7, "snake-case")}


# --- sections ----------------------------------------------------------------------------------


def test_a_missing_or_inexact_marker() -> None:
    company = edit(COMPANY, "# --- obligations\n", "")
    assert found(company=company) == {(COMPANY_FILE, 4, "section-order")}
    company = edit(COMPANY, "# --- obligations\n", "# --- obligations ---\n")
    assert found(company=company) == {(COMPANY_FILE, 4, "section-order"),
                                      (COMPANY_FILE, line_of(company, "# --- obligations ---"), "section-order")}


def test_sections_out_of_order() -> None:
    company = edit(COMPANY, "# --- obligations\n\n# --- helpers\n", "# --- helpers\n\n# --- obligations\n")
    findings = lint.lint(policy_set(company=company))
    assert [(f.check, f.line) for f in findings if "order" in f.message] == [
        ("section-order", line_of(company, "# --- helpers"))]


def test_a_rule_in_the_wrong_section() -> None:
    permits = COMPANY.index("# --- permits")
    block_start = COMPANY.index("# METADATA\n# title: No sale")
    block_end = COMPANY.index("# --- permits")
    forbid = COMPANY[block_start:block_end]
    company = COMPANY[:block_start] + COMPANY[block_end:permits + len("# --- permits\n\n")] + forbid + COMPANY[permits + len("# --- permits\n\n"):]
    assert found(company=company) == {(COMPANY_FILE, line_of(company, "forbids contains"), "section-order")}
    company = edit(COMPANY, "# --- permits\n", "# --- permits\n\n_helper_here := 1\n\n_x := _helper_here\n")
    assert (COMPANY_FILE, line_of(company, "_helper_here := 1"), "section-order") in found(company=company)


def test_deciding_rules_out_of_clause_order() -> None:
    start = COMPANY.index("# METADATA\n# title: Partners")
    middle = COMPANY.index("# METADATA\n# title: Service providers")
    end = COMPANY.index("# --- obligations")
    company = COMPANY[:start] + COMPANY[middle:end] + COMPANY[start:middle] + COMPANY[end:]
    [finding] = lint.lint(policy_set(company=company))
    assert (finding.check, finding.line) == ("clause-order", line_of(company, "permits contains", 2))
    assert "acme.share.partner" in finding.message and "acme.share.service" in finding.message


# --- the command -------------------------------------------------------------------------------


def write(root: Path, company: str) -> Path:
    for file, text in ((COMPANY_FILE, company), (TEST_FILE, TESTS), ("privacy/decision.rego", FRAMEWORK)):
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_text(text)
    (root / "privacy/catalogue/acme").mkdir(parents=True)
    (root / "privacy/catalogue/acme/data.json").write_text(json.dumps({c: {"company": "acme"} for c in CLAUSES}))
    return root


@pytest.mark.parametrize(("company", "status"), [(COMPANY, 0), (COMPANY + "\n_spare := 1\n", 1)])
def test_the_command_prints_file_line_check_message(tmp_path: Path, company: str, status: int) -> None:
    root = write(tmp_path / "p", company)
    result = subprocess.run([sys.executable, "-m", "privacy_pdp", "lint", str(root)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == status, result.stdout + result.stderr
    if status:
        line = line_of(company, "_spare")
        assert result.stdout.splitlines()[0] == (
            f"{root}/{COMPANY_FILE}:{line}: unused-helper: rule _spare is never referenced in package privacy.companies.acme")
        assert result.stdout.splitlines()[-1] == "1 lint finding"
    else:
        assert result.stdout.strip() == "lint ok"


def test_a_scaffolded_company_is_clean(tmp_path: Path) -> None:
    import shutil

    from conftest import POLICIES
    from privacy_pdp.authoring import scaffold
    from privacy_pdp.core.policyset import load_directory

    shutil.copytree(POLICIES, tmp_path, dirs_exist_ok=True)
    scaffold.new_company(tmp_path, "acme")
    assert [str(f) for f in lint.lint(load_directory(tmp_path))] == []


def test_a_clause_comment_may_note_the_seed_lines_in_parentheses() -> None:
    from privacy_pdp.authoring.testclauses import _ids

    assert _ids(" kallu.cookies (004 L91, L93), kallu.sale.never") == ["kallu.cookies", "kallu.sale.never"]
    assert _ids(" (only a note)") == []
