"""Built bundles for the audit tests: the audit tools read a .tar.gz (verified with a key)
as they read a policy directory."""

from __future__ import annotations

from pathlib import Path


def write_key_pair(directory: Path, stem: str) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private, public = directory / f"{stem}.key", directory / f"{stem}.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def build(policies: Path, target: Path, signing_key: Path | None = None, key_id: str = "audit") -> Path:
    from privacy_pdp.bundle.build import build_bundle
    from privacy_pdp.bundle.keys import load_signing_key

    key = load_signing_key(signing_key, "RS256", key_id) if signing_key else None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_bundle(policies, signing_key=key).archive)
    return target
