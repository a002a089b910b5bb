"""The policies API's outline of a module agrees with OPA's parser: package path and the
rule names, each once, in order of appearance."""

from __future__ import annotations

import pytest

from privacy_pdp.core.outline import module_ast, package_of

import opa_reference
from conftest import POLICIES

FILES = sorted(p.relative_to(POLICIES).as_posix() for p in POLICIES.rglob("*.rego"))


@pytest.fixture(scope="module")
def opa():
    return opa_reference.engine()


@pytest.mark.parametrize("file", FILES)
def test_outline_matches_opas_ast(opa, file: str) -> None:
    source = (POLICIES / file).read_text(encoding="utf-8")
    ast = opa_reference.parse(opa, source)
    outline = module_ast(source)
    assert outline["package"]["path"] == ast["package"]["path"]
    names = list(dict.fromkeys(opa_reference.rule_name(r) for r in ast["rules"]))
    assert [r["head"]["name"] for r in outline["rules"]] == names


def test_package_of_a_module_without_package_is_none() -> None:
    assert package_of("# just a comment\n") is None
    assert package_of("package a.b\n") == "a.b"
