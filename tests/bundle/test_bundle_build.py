"""Building bundles: OPA's layout, a manifest, and byte-identical output for the same sources."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from privacy_pdp.bundle import BundleFormatError
from privacy_pdp.bundle.archive import read_archive
from privacy_pdp.bundle.build import build_bundle, catalogue_digest, describe
from privacy_pdp.bundle.keys import load_signing_key
from privacy_pdp.bundle.load import load_bundle
from privacy_pdp.bundle.manifest import parse_manifest
from privacy_pdp.core.policyset import load_directory

from bundle.conftest import POLICIES, ROOT


def test_two_builds_of_the_same_tree_are_byte_identical() -> None:
    assert build_bundle(POLICIES).archive == build_bundle(POLICIES).archive


def test_a_copy_with_other_times_and_modes_builds_the_same_bytes(policy_copy: Path) -> None:
    for path in policy_copy.rglob("*"):
        if path.is_file():
            os.utime(path, (1_000_000_000, 1_000_000_000))
            path.chmod(0o600)
    assert build_bundle(policy_copy).sha256 == build_bundle(POLICIES).sha256


def test_a_signed_build_is_reproducible_too(keydir: Path, signed) -> None:
    again = build_bundle(POLICIES, signing_key=load_signing_key(keydir / "signer.key", "RS256", "signer"))
    assert again.archive == signed.archive and again.signed


def test_a_changed_rule_changes_the_digest_and_the_revision(policy_copy: Path) -> None:
    before = build_bundle(policy_copy)
    rego = policy_copy / "privacy/companies/kallu/kallu.rego"
    text = rego.read_text()
    assert 'request.action == "sell"' in text
    rego.write_text(text.replace('request.action == "sell"', 'request.action == "sale"', 1))
    after = build_bundle(policy_copy)
    assert after.sha256 != before.sha256
    assert after.manifest.revision != before.manifest.revision


def test_a_given_revision_is_used_and_changes_only_the_manifest() -> None:
    built = build_bundle(POLICIES, revision="2026-11-29.1")
    assert built.manifest.revision == "2026-11-29.1"
    default = build_bundle(POLICIES)
    assert {n for n in built.files if built.files[n] != default.files[n]} == {".manifest"}


def test_the_layout_is_opas_modules_and_data_files_at_their_paths_without_tests() -> None:
    files = read_archive(build_bundle(POLICIES).archive)
    names = set(files)
    assert ".manifest" in names and ".signatures.json" not in names
    assert "privacy/decision.rego" in names and "privacy/catalogue/kallu/data.json" in names
    assert not [n for n in names if n.endswith("_test.rego")]
    assert {n for n in names if not n.startswith(".")} <= {
        p.relative_to(POLICIES).as_posix() for p in POLICIES.rglob("*") if p.name == "data.json" or p.suffix == ".rego"}
    for name, content in files.items():
        if not name.startswith("."):
            assert content == (POLICIES / name).read_bytes(), name  # files go in as they are


def test_the_bundle_loads_back_as_the_directory_without_its_tests() -> None:
    loaded = load_bundle(build_bundle(POLICIES).archive)
    directory = load_directory(POLICIES)
    assert loaded.policy_set.modules == directory.modules
    assert loaded.policy_set.data == directory.data
    assert loaded.policy_set.test_modules == {}
    assert loaded.revision == loaded.manifest.revision


def test_the_manifest_has_revision_roots_rego_version_and_metadata() -> None:
    built = build_bundle(POLICIES)
    manifest = parse_manifest(read_archive(built.archive)[".manifest"])
    assert manifest.roots == expected_roots(POLICIES) and manifest.rego_version == 1
    assert len(manifest.revision) == 16
    _, data = describe({n: c for n, c in built.files.items() if n.endswith("data.json")})
    assert manifest.metadata["catalogue_sha256"] == catalogue_digest(data)
    assert manifest.metadata["tool"] == "privacy-pdp" and manifest.metadata["tool_version"]


def expected_roots(policies: Path) -> list[str]:
    return ["privacy", "system"] if (policies / "system").is_dir() else ["privacy"]


def test_roots_are_the_namespaces_present(policy_copy: Path) -> None:
    shutil.rmtree(policy_copy / "system", ignore_errors=True)
    assert build_bundle(policy_copy).manifest.roots == ["privacy"]
    (policy_copy / "system/log").mkdir(parents=True)
    (policy_copy / "system/log/mask.rego").write_text('package system.log\n\nmask contains "/input/subject"\n')
    assert build_bundle(policy_copy).manifest.roots == ["privacy", "system"]


def test_a_catalogue_edit_changes_the_catalogue_digest(policy_copy: Path) -> None:
    before = build_bundle(policy_copy).manifest.metadata["catalogue_sha256"]
    catalogue = policy_copy / "privacy/catalogue/kallu/data.json"
    text = catalogue.read_text()
    assert '"encoded"' in text
    catalogue.write_text(text.replace('"encoded"', '"not_decidable"', 1))
    assert build_bundle(policy_copy).manifest.metadata["catalogue_sha256"] != before


def test_container_headers_are_fixed() -> None:
    archive = build_bundle(POLICIES).archive
    assert archive[:4] == b"\x1f\x8b\x08\x00"  # gzip, deflate, no FNAME/FCOMMENT/FEXTRA
    assert archive[4:8] == b"\x00\x00\x00\x00"  # mtime 0
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive))) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == sorted(m.name for m in members)
    assert {(m.mode, m.mtime, m.uid, m.gid, m.uname, m.gname, m.type) for m in members} == {
        (0o644, 0, 0, 0, "", "", tarfile.REGTYPE)}


def test_bad_sources_are_refused_with_the_file_named(policy_copy: Path) -> None:
    (policy_copy / "privacy/reference/data.json").write_text('{"a": ')
    with pytest.raises(BundleFormatError, match=r"privacy/reference/data.json:1:7"):
        build_bundle(policy_copy)


def test_make_bundle_writes_bundles_dist(tmp_path: Path) -> None:
    out = tmp_path / "privacy.tar.gz"
    result = subprocess.run(["make", "-s", "bundle", f"BUNDLE={out}", f"PY={sys.executable}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == build_bundle(POLICIES).archive
    assert f"sha256 {build_bundle(POLICIES).sha256}" in result.stdout
    assert shutil.which("make")


def test_the_cli_refuses_to_build_a_bundle_that_does_not_compile(policy_copy: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from privacy_pdp.cli import app

    (policy_copy / "privacy/broken.rego").write_text("package privacy.broken\n\nx := {\n")
    out = tmp_path / "b.tar.gz"
    result = CliRunner().invoke(app, ["bundle", "build", str(policy_copy), "-o", str(out)])
    assert result.exit_code == 2 and "does not compile" in result.output and "broken.rego" in result.output
    assert not out.exists()


def test_a_bundle_whose_rego_is_not_utf8_is_refused_with_the_place(tmp_path: Path) -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, content in {"p/latin1.rego": b'package p\n\nx := "caf\xe9"\n',
                              "p/data.json": b'{"ok": true}'}.items():
            member = tarfile.TarInfo(name)
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))
    with pytest.raises(BundleFormatError, match=r"p/latin1.rego:3:10: not UTF-8 text \(byte 0xe9\)"):
        load_bundle(gzip.compress(raw.getvalue()), skip_verify=True)
