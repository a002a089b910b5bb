"""The vocabulary file is generated from fideslang, not edited by hand."""

from __future__ import annotations

from privacy_pdp.authoring import taxonomy

from conftest import POLICIES


def test_committed_taxonomy_matches_the_installed_fideslang() -> None:
    committed = (POLICIES / taxonomy.TAXONOMY_PATH).read_text(encoding="utf-8")
    assert committed == taxonomy.render(), "run `privacy-pdp generate` to regenerate"


def test_extensions_hang_under_fideslang_parents() -> None:
    generated = taxonomy.generate()
    for key in taxonomy.EXTENSION_CATEGORIES:
        assert key in generated["data_categories"]
        assert key.rsplit(".", 1)[0] in generated["data_categories"]
    assert "marketing.communications.email" in generated["data_uses"]


def test_committed_dispatch_names_every_company(policies) -> None:
    from privacy_pdp.authoring import dispatch

    committed = (POLICIES / dispatch.DISPATCH_PATH).read_text(encoding="utf-8")
    assert committed == dispatch.render(policies), "run `privacy-pdp generate` to regenerate"
    assert policies.companies, "no company package found"
    for company in policies.companies:
        assert f'request.company == "{company}"' in committed


def test_the_regenerate_command_named_above_exists() -> None:
    import typer

    from privacy_pdp.cli import app

    assert "generate" in typer.main.get_command(app).commands
