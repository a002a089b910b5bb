"""A new company: its folder, package, tests, facts and catalogue (``privacy-pdp new-company``).

The package follows the fixed section order every company package uses (after the
METADATA header, the package line and the imports), each section opened by its marker
line; until the author adds a clause, the catch-all denies every flow, citing the one
clause the new catalogue holds. The caller then regenerates the dispatch and the input
schema (``privacy-pdp generate``) so that the decision knows the company.
"""

from __future__ import annotations

import json
from pathlib import Path

from privacy_pdp.core.regosource import is_identifier

SECTIONS = ("facts", "catch-all", "forbids", "permits", "obligations", "helpers")
"""The sections of a company package, in order; each opens with `# --- <section>`."""

PACKAGE = """\
# METADATA
# title: {name}
# description: >-
#   Disclosure rules of {name}'s privacy policy. Each rule cites the clause it
#   implements (privacy/catalogue/{name}/data.json); facts live in facts/data.json.
#   Until a clause permits a flow, the catch-all denies it.
package privacy.companies.{name}

import data.privacy.request

# --- facts

# Aliases of the company's data, once a rule reads it (an unused one fails the lint):
# _facts := data.privacy.companies.{name}.facts

# --- catch-all

# METADATA
# title: Nothing else is disclosed
# description: A flow that no clause of the policy permits is denied.
# custom:
#   clause: {name}.disclosure.default_deny
catch_all := {{
	"code": "no_permitting_clause",
	"clause": "{name}.disclosure.default_deny",
	"message": "{name}'s policy permits no such flow",
}}

# --- forbids

# One rule per forbidding clause, each with METADATA (title, description,
# custom.clause), the reason built last:
# forbids contains reason if {{ <conditions>; reason := {{"code": ..., "clause": "{name}....", "message": ...}} }}
# Match broadly: request.any_category_overlaps(roots), request.use_overlaps(roots).

# --- permits

# One rule per permitting clause, matching narrowly: request.all_categories_under(roots),
# request.use_under(roots).

# --- obligations

# What an allowed flow must also do:
# obligations contains obligation if {{ <conditions>; obligation := {{"code": ..., "clause": ..., "message": ...}} }}

# --- helpers
"""

TESTS = """\
# METADATA
# title: {name} tests
# description: One test per behaviour, each naming the clause it checks.
package privacy.companies.{name}_test

import data.privacy
import data.privacy.testing

# Tests replace the request document with inputs built by a function (see privacy.request).
_req(extra) := object.union({{
	"company": "{name}",
	"data_categories": ["user.contact.email"],
	"data_use": "marketing.communications.email",
	"recipient": {{"kind": "third_party"}},
}}, extra)

# --- catch-all

# clause: {name}.disclosure.default_deny
test_a_flow_no_clause_permits_is_denied_by_the_catch_all if {{
	d := privacy.decision with data.privacy.request.document as _req({{}})
	testing.catch_all_only(d, "{name}.disclosure.default_deny")
}}
"""


class ScaffoldError(ValueError):
    """A company name that cannot be used, or a company that exists already."""


def check_name(name: str) -> None:
    if not (is_identifier(name) and name[:1].isalpha() and name == name.lower()):
        raise ScaffoldError(f"company name {name!r}: use lower-case letters, digits and _, starting with a letter")


def catalogue_entry(name: str) -> dict[str, object]:
    return {
        "company": name,
        "title": "Nothing else is disclosed",
        "summary": "A flow that no clause of the policy permits is denied (scaffolded: replace with the policy's own words).",
        "source": {"document": "TODO: the policy text's file", "lines": [1, 1]},
        "language": "en",
        "quote": "TODO: the clause as the policy words it (at most 200 characters)",
        "status": "encoded",
    }


def files(name: str) -> dict[Path, str]:
    """The files of a new company, relative to the policy root."""
    company = Path("privacy") / "companies" / name
    return {
        company / f"{name}.rego": PACKAGE.format(name=name),
        company / f"{name}_test.rego": TESTS.format(name=name),
        company / "facts" / "data.json": json.dumps({"company_name": name}, indent=1) + "\n",
        Path("privacy") / "catalogue" / name / "data.json":
            json.dumps({f"{name}.disclosure.default_deny": catalogue_entry(name)}, indent=1) + "\n",
    }


def new_company(policy_root: Path, name: str) -> list[Path]:
    """Write a new company's files under policy_root; nothing is written if any exists."""
    check_name(name)
    planned = {policy_root / rel: text for rel, text in files(name).items()}
    for folder in (policy_root / "privacy" / "companies" / name, policy_root / "privacy" / "catalogue" / name):
        if folder.exists():
            raise ScaffoldError(f"{folder}: already exists")
    for path, text in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(planned)
