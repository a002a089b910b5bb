"""Fixtures for the bundle tests: keys, a scratch copy of the policies, built bundles."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from privacy_pdp.bundle.build import BuiltBundle, build_bundle
from privacy_pdp.bundle.keys import KeyRing, load_signing_key

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"


def write_rsa_pair(directory: Path, stem: str) -> tuple[Path, Path]:
    return write_pem_pair(directory, stem, rsa.generate_private_key(public_exponent=65537, key_size=2048))


def write_pem_pair(directory: Path, stem: str, key: Any) -> tuple[Path, Path]:
    """``<stem>.key`` (the private key, PKCS8) and ``<stem>.pem`` (its public key)."""
    private = directory / f"{stem}.key"
    public = directory / f"{stem}.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


@pytest.fixture(scope="session")
def keydir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two RSA key pairs: 'signer' (the real one) and 'intruder' (a wrong one)."""
    directory = tmp_path_factory.mktemp("keys")
    write_rsa_pair(directory, "signer")
    write_rsa_pair(directory, "intruder")
    return directory


@pytest.fixture(scope="session")
def signed(keydir: Path) -> BuiltBundle:
    return build_bundle(POLICIES, signing_key=load_signing_key(keydir / "signer.key", "RS256", "signer"))


@pytest.fixture()
def public_key(keydir: Path) -> KeyRing:
    return KeyRing(keydir / "signer.pem", "RS256")


@pytest.fixture()
def policy_copy(tmp_path: Path) -> Path:
    """A private copy of policies/ to edit."""
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target)
    return target


@pytest.fixture(scope="session")
def revisions(keydir: Path) -> dict[str, bytes]:
    """Signed bundles r1, r2, r3, and r3 with one module changed after signing."""
    from privacy_pdp.bundle.archive import write_archive

    key = load_signing_key(keydir / "signer.key", "RS256", "signer")
    out = {r: build_bundle(POLICIES, revision=r, signing_key=key) for r in ("r1", "r2", "r3")}
    tampered = dict(out["r3"].files)
    tampered["privacy/decision.rego"] += b"\n# tampered\n"
    return {**{r: b.archive for r, b in out.items()}, "tampered": write_archive(tampered)}
