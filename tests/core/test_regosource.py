"""The one reader of Rego source, held to OPA's own parser (tests/core/opa_reference.py).

Every policy file of the project, and a fixture of tricky formatting, must read the same
as OPA reads it: package, imports, rule names, kinds and `else` chains, `with` targets,
string literals, and spans (each rule's span parses alone to the rule OPA finds there).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from privacy_pdp.core import regosource
from privacy_pdp.core.regosource import COMPLETE, DEFAULT, FUNCTION, PARTIAL_OBJECT, PARTIAL_SET, parse_module

import opa_reference
from conftest import POLICIES

POLICY_FILES = sorted(p.relative_to(POLICIES).as_posix() for p in POLICIES.rglob("*.rego"))

TRICKY = '''# METADATA
# title: Tricky
# description: formatting the reader must survive
package tricky.fixture

import data.privacy.request as req
import future.keywords.in
import rego.v1

# METADATA
# title: A rule whose head runs over lines
# custom:
#   clause: tricky.heads

# An ordinary comment between the METADATA block and its rule.
forbids contains {
	"code": "x # not a comment",
	"clause": "tricky.heads",
	"message": "braces } { in a string",
} if {
	input.a == "#"
	x := `raw # { string`
	not input.b
}

forbids contains {"code": "y", "clause": "tricky.second", "message": "m"} if input.c == "}"

default answer := "none"

answer := "low" if {
	input.n < 10
} else := "mid" if {
	input.n < 100
}

else := "high"

multi(
	a,
	b,
) := concat("-", [a, b])

obj[k] := v if {
	some k, v in {"p": 1, "q": 2}
}

keys[k] if some k in ["a", "b"]

long_value := 1
	+ 2

tpl := $"n = {input.n} and {concat(",", ["}", "{"])}"

test_uses_with if {
	answer == "low" with input as {
		"n": 1,
		"s": "with input as } here",
	} with data.extra as {"k": "v"}; true
	count([x | some x in [1]; x == 1 with input as 2]) == 1
}

test_uses_with if {
	true
}
'''


@pytest.fixture(scope="module")
def opa():
    return opa_reference.engine()


@pytest.mark.parametrize("file", POLICY_FILES)
def test_every_policy_file_reads_as_opa_parses_it(opa, file: str) -> None:
    source = (POLICIES / file).read_text(encoding="utf-8")
    assert opa_reference.disagreements(opa, source, file) == []
    module = parse_module(source, file)
    assert module.rules, f"{file}: no rule found"


def test_the_tricky_fixture_reads_as_opa_parses_it(opa) -> None:
    assert opa_reference.disagreements(opa, TRICKY) == []


@pytest.mark.parametrize("source", [
    TRICKY,
    *((POLICIES / file).read_text(encoding="utf-8") for file in POLICY_FILES),
    '# package not.this\npackage a["b-c"].d # package e\n\nx := 1\n',
    "package\n\ta.\n\tb\n",
    "package a\n\npackage b\n",
    "x := 1\n",
    "",
])
def test_the_package_alone_is_read_as_the_whole_module_reads_it(source: str) -> None:
    assert regosource.package_name(source) == parse_module(source).package


def test_rule_names_kinds_and_else_chains() -> None:
    module = parse_module(TRICKY, "tricky.rego")
    assert module.package == "tricky.fixture"
    assert [(i.path, i.alias) for i in module.imports] == [
        ("data.privacy.request", "req"), ("future.keywords.in", None), ("rego.v1", None)]
    assert [(r.name, r.kind, r.else_count) for r in module.rules] == [
        ("forbids", PARTIAL_SET, 0),
        ("forbids", PARTIAL_SET, 0),
        ("answer", DEFAULT, 0),
        ("answer", COMPLETE, 2),
        ("multi", FUNCTION, 0),
        ("obj", PARTIAL_OBJECT, 0),
        ("keys", PARTIAL_OBJECT, 0),
        ("long_value", COMPLETE, 0),
        ("tpl", COMPLETE, 0),
        ("test_uses_with", COMPLETE, 0),
        ("test_uses_with", COMPLETE, 0),
    ]
    assert module.rule_names()[:3] == ["forbids", "answer", "multi"]
    assert [r.name for r in module.tests()] == ["test_uses_with", "test_uses_with"]


def test_spans_lines_and_offsets() -> None:
    module = parse_module(TRICKY)
    first, second, _, answer, multi = module.rules[:5]
    lines = TRICKY.split("\n")
    assert lines[first.span.start_line - 1].startswith("forbids contains {")
    assert first.span.text(TRICKY).endswith("\tnot input.b\n}")
    assert second.span.start_line == second.span.end_line
    assert answer.span.text(TRICKY).endswith('else := "high"')
    assert multi.span.end_line - multi.span.start_line == 3
    assert TRICKY[first.span.start : first.span.start + 7] == "forbids"


def test_metadata_blocks_are_parsed_and_belong_to_the_next_statement() -> None:
    module = parse_module(TRICKY)
    assert module.metadata is not None and module.metadata.data["title"] == "Tricky"
    first = module.rules[0]
    assert first.metadata is not None
    assert first.metadata.data == {"title": "A rule whose head runs over lines", "custom": {"clause": "tricky.heads"}}
    assert first.clause == "tricky.heads"
    assert (first.metadata.span.start_line, first.metadata.span.end_line) == (10, 13)
    assert first.comments_start is not None and first.comments_start.start_line == 15
    assert all(r.metadata is None for r in module.rules[1:])


def test_bad_metadata_yaml_is_reported_not_raised() -> None:
    module = parse_module("package p\n\n# METADATA\n# title: [unclosed\nx := 1\n")
    assert module.rules[0].metadata is not None and "not valid YAML" in (module.rules[0].metadata.error or "")


def test_strings_and_clause_pairs() -> None:
    module = parse_module(TRICKY)
    first = module.rules[0]
    assert first.strings == ("code", "x # not a comment", "clause", "tricky.heads", "message", "braces } { in a string",
                             "#", "raw # { string")
    assert ("clause", "tricky.heads") in first.string_pairs
    tpl = module.named("tpl")[0]
    assert tpl.strings == ()  # a template string, and the strings inside it, are not literals
    assert "with input as } here" in module.strings


def test_with_targets_and_value_spans() -> None:
    module = parse_module(TRICKY)
    test = module.rules[-2]
    assert [w.target for w in test.withs] == ["input", "data.extra", "input"]
    first, second, third = test.withs
    assert first.value.startswith("{\n") and first.value.endswith("}") and '"with input as } here"' in first.value
    assert second.value == '{"k": "v"}'
    assert third.value == "2"
    assert TRICKY[first.value_span.start : first.value_span.end] == first.value


def test_braced_bodies_split_into_expressions() -> None:
    module = parse_module(TRICKY)
    [body] = module.rules[0].bodies
    assert [(e.text, e.keyword, e.binds) for e in body.exprs] == [
        ('input.a == "#"', "", False),
        ("x := `raw # { string`", "", True),
        ("not input.b", "not", False),
    ]
    [body] = module.rules[-2].bodies
    assert len(body.exprs) == 3 and body.exprs[0].has_with and body.exprs[1].text == "true"


def test_malformed_source_is_read_without_raising() -> None:
    module = parse_module('package p\n\nx := "unterminated\ny := {1, 2\n')
    assert module.package == "p"
    assert [r.name for r in module.rules] == ["x", "y"]


def test_the_reference_notices_a_wrong_span(opa) -> None:
    module = parse_module(TRICKY)
    rule = module.rules[3]
    shorter = dataclasses.replace(rule, span=dataclasses.replace(rule.span, end=rule.span.end - len('else := "high"') - 2))
    broken = dataclasses.replace(module, rules=module.rules[:3] + (shorter,) + module.rules[4:])
    ast = opa_reference.parse(opa, TRICKY)
    assert opa_reference.spans_agree(opa, TRICKY, broken, ast["rules"])


def test_no_regular_expression_reads_rego_outside_the_reader() -> None:
    """The tools that read Rego (core, authoring, assurance) read it here. A regular
    expression elsewhere in them may match identifiers, paths, names or error messages, and
    says so on its line with `# not Rego: <what it matches>`."""
    package = Path(regosource.__file__).resolve().parent.parent
    unmarked = []
    for folder in ("core", "authoring", "assurance"):
        for path in sorted((package / folder).glob("*.py")):
            if path.name == "regosource.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if REGEX_CALL.search(line) and "# not Rego:" not in line:
                    unmarked.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    assert unmarked == []


REGEX_CALL = re.compile(r"\bre\.(compile|search|match|fullmatch|finditer|findall|sub|subn|split)\(")
