"""Policy sources: a directory, or a bundle file verified with a key."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from privacy_pdp.audit.source import SourceError, VerificationKey, load_source

from .bundles import build, write_key_pair

ROOT = Path(__file__).resolve().parents[2]


def test_directory_source(tmp_path: Path) -> None:
    source = load_source(ROOT / "policies")
    assert source.kind == "directory" and source.sha256 is None and source.revision == source.policy_set.revision
    with pytest.raises(SourceError, match="no such"):
        load_source(tmp_path / "absent.tar.gz")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(SourceError, match="not a policy directory or a .tar.gz bundle"):
        load_source(tmp_path / "notes.txt")


def test_bundle_sources_report_digest_and_signature(tmp_path: Path) -> None:
    private, public = write_key_pair(tmp_path, "signer")
    _, wrong = write_key_pair(tmp_path, "intruder")
    signed = build(ROOT / "policies", tmp_path / "signed.tar.gz", private)
    plain = build(ROOT / "policies", tmp_path / "plain.tar.gz")
    verified = load_source(signed, VerificationKey(public))
    assert verified.kind == "bundle" and verified.signature_ok is True and "verified" in verified.signature
    assert verified.sha256 == hashlib.sha256(signed.read_bytes()).hexdigest()
    unchecked = load_source(signed)
    assert unchecked.signature_ok is False and "not verified" in unchecked.signature
    assert load_source(plain).signature == "unsigned"
    with pytest.raises(SourceError, match="signature"):
        load_source(signed, VerificationKey(wrong))
    assert set(verified.policy_set.modules) == set(load_source(ROOT / "policies").policy_set.modules)
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a gzip file")
    with pytest.raises(SourceError):
        load_source(broken)
