"""Signed bundles: `bundle verify` and the loader accept the genuine one and refuse any
tampering, naming the file; keys are found by key id and re-read when their files change."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from privacy_pdp.bundle import BundleVerificationError
from privacy_pdp.bundle.archive import write_archive
from privacy_pdp.bundle.build import build_bundle
from privacy_pdp.bundle.keys import KeyFileError, KeyRing, load_signing_key
from privacy_pdp.bundle.load import load_bundle
from privacy_pdp.cli import app

from bundle.conftest import POLICIES, write_pem_pair, write_rsa_pair

REGO = "privacy/companies/kallu/kallu.rego"
DATA = "privacy/companies/kallu/facts/data.json"


def cli_verify(path: Path, key: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["bundle", "verify", str(path), "--verification-key", str(key), *extra])
    return result.exit_code, result.output


def repack(files: dict[str, bytes], tmp_path: Path, name: str = "tampered.tar.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(write_archive(files))
    return path


def test_the_genuine_bundle_verifies(signed, keydir: Path, tmp_path: Path) -> None:
    path = repack(signed.files, tmp_path, "genuine.tar.gz")
    code, output = cli_verify(path, keydir / "signer.pem")
    assert code == 0, output
    assert "verified" in output and "signed by key signer" in output and signed.manifest.revision in output


def test_one_byte_changed_in_a_rego_file_is_refused_naming_it(signed, keydir: Path, tmp_path: Path) -> None:
    files = dict(signed.files)
    content = bytearray(files[REGO])
    content[content.index(b'"sell"') + 1] ^= 0x20  # "sell" -> "Sell"
    files[REGO] = bytes(content)
    code, output = cli_verify(repack(files, tmp_path), keydir / "signer.pem")
    assert code == 1
    assert f"{REGO}: digest mismatch" in output


def test_a_changed_data_value_is_refused_but_reformatting_is_not(signed, keydir: Path, tmp_path: Path) -> None:
    facts = json.loads(signed.files[DATA])
    reformatted = dict(signed.files, **{DATA: json.dumps(facts, indent=7).encode()})
    assert cli_verify(repack(reformatted, tmp_path, "reformatted.tar.gz"), keydir / "signer.pem")[0] == 0
    facts["tampered"] = True
    changed = dict(signed.files, **{DATA: json.dumps(facts).encode()})
    code, output = cli_verify(repack(changed, tmp_path), keydir / "signer.pem")
    assert code == 1 and f"{DATA}: digest mismatch" in output


def test_an_added_file_is_refused_naming_it(signed, keydir: Path, tmp_path: Path) -> None:
    files = dict(signed.files, **{"privacy/backdoor.rego": b"package privacy.backdoor\n\nallow := true\n"})
    code, output = cli_verify(repack(files, tmp_path), keydir / "signer.pem")
    assert code == 1 and "file privacy/backdoor.rego not included in bundle signature" in output


def test_a_removed_file_is_refused_naming_it(signed, keydir: Path, tmp_path: Path) -> None:
    files = {n: c for n, c in signed.files.items() if n != REGO}
    code, output = cli_verify(repack(files, tmp_path), keydir / "signer.pem")
    assert code == 1 and f"['{REGO}'] specified in bundle signatures but not found" in output


def test_a_wrong_key_is_refused(signed, keydir: Path, tmp_path: Path) -> None:
    code, output = cli_verify(repack(signed.files, tmp_path), keydir / "intruder.pem")
    assert code == 1 and "does not verify with key" in output


def test_a_bundle_signed_with_another_key_is_refused(keydir: Path, tmp_path: Path) -> None:
    forged = build_bundle(POLICIES, signing_key=load_signing_key(keydir / "intruder.key", "RS256", "signer"))
    code, output = cli_verify(repack(forged.files, tmp_path), keydir / "signer.pem")
    assert code == 1 and "does not verify with key signer" in output


def test_a_missing_or_empty_signature_is_refused(signed, keydir: Path, tmp_path: Path) -> None:
    unsigned = {n: c for n, c in signed.files.items() if n != ".signatures.json"}
    code, output = cli_verify(repack(unsigned, tmp_path), keydir / "signer.pem")
    assert code == 1 and "bundle missing .signatures.json" in output
    empty = dict(signed.files, **{".signatures.json": b'{"signatures": []}'})
    code, output = cli_verify(repack(empty, tmp_path), keydir / "signer.pem")
    assert code == 1 and "missing JWT (expected exactly one)" in output


def test_a_signed_bundle_without_a_key_is_refused_by_the_loader(signed) -> None:
    with pytest.raises(BundleVerificationError, match="no verification key"):
        load_bundle(signed.archive)
    assert load_bundle(signed.archive, skip_verify=True).revision == signed.manifest.revision


def test_every_problem_is_listed(signed, keydir: Path) -> None:
    files = dict(signed.files, **{REGO: b"package privacy.companies.kallu\n", "extra.txt": b"x"})
    del files[DATA]
    with pytest.raises(BundleVerificationError) as caught:
        load_bundle(write_archive(files), KeyRing(keydir / "signer.pem"))
    text = str(caught.value)
    assert REGO in text and "extra.txt" in text and DATA in text


def test_hs256_signing_and_verification(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(os.urandom(32))
    built = build_bundle(POLICIES, signing_key=load_signing_key(secret, "HS256", "shared"))
    assert load_bundle(built.archive, KeyRing(secret, "HS256")).signature.keyid == "shared"
    other = tmp_path / "other"
    other.write_bytes(os.urandom(32))
    with pytest.raises(BundleVerificationError, match="does not verify"):
        load_bundle(built.archive, KeyRing(other, "HS256"))
    code, output = cli_verify(repack(built.files, tmp_path), secret, "--signing-alg", "HS256")
    assert code == 0, output


def _ec_pair(directory: Path, curve: Any) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives.asymmetric import ec

    return write_pem_pair(directory, f"ec-{curve.name}", ec.generate_private_key(curve))


def test_es256_signing_and_verification(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    private, public = _ec_pair(tmp_path, ec.SECP256R1())
    built = build_bundle(POLICIES, signing_key=load_signing_key(private, "ES256", "ec"))
    assert load_bundle(built.archive, KeyRing(public, "ES256")).signature.keyid == "ec"


def test_a_key_of_the_wrong_kind_for_the_algorithm_is_named_when_read(signed, keydir: Path, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    private, public = _ec_pair(tmp_path, ec.SECP256R1())
    with pytest.raises(KeyFileError, match="RS256 needs an RSA key, and this is an EC key on secp256r1"):
        load_signing_key(private, "RS256")
    with pytest.raises(KeyFileError, match="ES384 needs an EC key on secp384r1, and this one is on secp256r1"):
        load_signing_key(private, "ES384")
    with pytest.raises(KeyFileError, match="ES256 needs an EC key on secp256r1, and this is an RSA key"):
        load_signing_key(keydir / "signer.key", "ES256")
    with pytest.raises(KeyFileError, match="RS256 needs an RSA key"):
        load_bundle(signed.archive, KeyRing(public, "RS256"))
    code, output = cli_verify(repack(signed.files, tmp_path), public)
    assert code != 0 and "RS256 needs an RSA key, and this is an EC key on secp256r1" in output
    assert "Traceback" not in output
    built = CliRunner().invoke(app, ["bundle", "build", str(POLICIES), "-o", str(tmp_path / "b.tar.gz"),
                                     "--signing-key", str(private)])
    assert built.exit_code == 2 and "RS256 needs an RSA key" in built.output


def test_the_algorithm_is_the_configured_one_not_the_tokens(signed, keydir: Path) -> None:
    # An attacker who knows the public key signs with HS256 using it as the secret.
    from jwt.api_jws import PyJWS

    token = PyJWS().encode(b'{"files":[]}', b"not-the-key" * 4, algorithm="HS256", headers={"kid": "signer"})
    files = dict(signed.files, **{".signatures.json": json.dumps({"signatures": [token]}).encode()})
    with pytest.raises(BundleVerificationError, match="not RS256"):
        load_bundle(write_archive(files), KeyRing(keydir / "signer.pem"))


def test_keys_are_looked_up_by_key_id_in_a_key_directory(signed, keydir: Path, tmp_path: Path) -> None:
    ring_dir = tmp_path / "keys"
    ring_dir.mkdir()
    (ring_dir / "signer.pem").write_bytes((keydir / "signer.pem").read_bytes())
    (ring_dir / "intruder.pem").write_bytes((keydir / "intruder.pem").read_bytes())
    assert load_bundle(signed.archive, KeyRing(ring_dir)).signature.keyid == "signer"
    (ring_dir / "signer.pem").unlink()
    with pytest.raises(BundleVerificationError, match="ID signer not found"):
        load_bundle(signed.archive, KeyRing(ring_dir))
    # a configured key id wins over the token's kid (OPA's order)
    with pytest.raises(BundleVerificationError, match="does not verify with key intruder"):
        load_bundle(signed.archive, KeyRing(ring_dir, configured_keyid="intruder"))


def test_a_rotated_key_file_is_reread_without_a_restart(tmp_path: Path) -> None:
    old_private, old_public = write_rsa_pair(tmp_path, "old")
    new_private, new_public = write_rsa_pair(tmp_path, "new")
    key_file = tmp_path / "verification.pem"
    key_file.write_bytes(old_public.read_bytes())
    ring = KeyRing(key_file)
    old_bundle = build_bundle(POLICIES, revision="r1", signing_key=load_signing_key(old_private, "RS256"))
    new_bundle = build_bundle(POLICIES, revision="r2", signing_key=load_signing_key(new_private, "RS256"))
    assert load_bundle(old_bundle.archive, ring).revision == "r1"
    with pytest.raises(BundleVerificationError):
        load_bundle(new_bundle.archive, ring)
    # rotate: replace the file (new inode, as a config-management tool does), same ring object
    staged = tmp_path / "verification.pem.new"
    staged.write_bytes(new_public.read_bytes())
    os.replace(staged, key_file)
    assert load_bundle(new_bundle.archive, ring).revision == "r2"
    with pytest.raises(BundleVerificationError):
        load_bundle(old_bundle.archive, ring)


def test_scope_must_match(keydir: Path) -> None:
    built = build_bundle(POLICIES, signing_key=load_signing_key(keydir / "signer.key", "RS256", "signer"), scope="prod")
    assert load_bundle(built.archive, KeyRing(keydir / "signer.pem", scope="prod")).signature.scope == "prod"
    with pytest.raises(BundleVerificationError, match="scope mismatch"):
        load_bundle(built.archive, KeyRing(keydir / "signer.pem"))
