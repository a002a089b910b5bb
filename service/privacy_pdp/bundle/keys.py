"""Signing and verification keys, looked up by key id and re-read when their files change.

OPA reads verification keys from its configuration once; rotating one means a restart
(open-policy-agent/opa#8308 asks for key files re-read on reload). Here a key is a file:
each lookup checks the file's size, mtime and inode and reloads it when any changed, so an
operator rotates a key by replacing the file (or, with a key directory, by adding
``<new-kid>.pem`` and signing with the new key id) without restarting anything.

Algorithms are always the configured ones, never the token's ``alg`` header, so a public
RSA key can never be used as an HMAC secret.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from privacy_pdp.bundle import BundleError, BundleVerificationError

ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
SYMMETRIC = ("HS256", "HS384", "HS512")
ALGORITHMS = ASYMMETRIC + SYMMETRIC
DEFAULT_ALGORITHM = "RS256"
DEFAULT_KEY_ID = "default"  # OPA's --verification-key-id default
_KEY_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_KEY_SUFFIXES = ("", ".pem", ".key", ".pub", ".crt")


class KeyFileError(BundleError):
    """A key file that is missing or not a key of the expected kind."""

    stage = "verify"


def check_algorithm(algorithm: str) -> str:
    if algorithm not in ALGORITHMS:
        raise KeyFileError(f"unsupported signing algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    return algorithm


@dataclass(frozen=True)
class Key:
    keyid: str
    algorithm: str
    material: Any  # bytes for HMAC, a cryptography key object otherwise
    scope: str = ""


def load_signing_key(path: Path | str, algorithm: str, keyid: str = DEFAULT_KEY_ID) -> Key:
    """A private key (PEM) or, for HS*, a secret file, for signing."""
    check_algorithm(algorithm)
    raw = _read(Path(path))
    if algorithm in SYMMETRIC:
        return Key(keyid, algorithm, _secret(raw, path))
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        private = load_pem_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not an unencrypted PEM private key ({exc})") from None
    return Key(keyid, algorithm, _fitting(private, algorithm, path))


def parse_verification_key(raw: bytes, algorithm: str, keyid: str, origin: str, scope: str = "") -> Key:
    """A public key, certificate or private key (its public half) in PEM, or an HMAC secret."""
    check_algorithm(algorithm)
    if algorithm in SYMMETRIC:
        return Key(keyid, algorithm, _secret(raw, origin), scope)
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

    try:
        if b"-----BEGIN CERTIFICATE-----" in raw:
            public = x509.load_pem_x509_certificate(raw).public_key()
        elif b"PRIVATE KEY-----" in raw:
            public = load_pem_private_key(raw, password=None).public_key()
        else:
            public = load_pem_public_key(raw)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{origin}: not a PEM public key, certificate or private key ({exc})") from None
    return Key(keyid, algorithm, _fitting(public, algorithm, origin), scope)


# The key each family of algorithms signs with, and the curve of each ECDSA one.
_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}


def _fitting(key: Any, algorithm: str, origin: Any) -> Any:
    """key, if it is of the kind ``algorithm`` signs with; else a KeyFileError saying so
    (found when the key is read, not as an error deep in the signature library)."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if algorithm.startswith(("RS", "PS")):
        if not isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
            raise KeyFileError(f"{origin}: {algorithm} needs an RSA key, and this is {_kind(key)}")
    elif algorithm in _CURVES:
        if not isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
            raise KeyFileError(f"{origin}: {algorithm} needs an EC key on {_CURVES[algorithm]}, and this is {_kind(key)}")
        if key.curve.name != _CURVES[algorithm]:
            raise KeyFileError(f"{origin}: {algorithm} needs an EC key on {_CURVES[algorithm]}, and this one is on "
                               f"{key.curve.name}")
    return key


def _kind(key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return "an RSA key"
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return f"an EC key on {key.curve.name}"
    return f"a {type(key).__name__.lstrip('_')}"


def _secret(raw: bytes, origin: Any) -> bytes:
    if raw.lstrip().startswith(b"-----BEGIN"):
        raise KeyFileError(f"{origin}: a PEM key is not an HMAC secret")
    if not raw:
        raise KeyFileError(f"{origin}: empty HMAC secret")
    return raw  # as OPA: the file's bytes, exactly


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read key file ({exc.strerror or exc})") from None


@dataclass
class _Cached:
    stamp: tuple[int, int, int]
    key: Key


@dataclass
class KeyRing:
    """Verification keys by key id, from one file or a directory of ``<kid>.pem`` files.

    ``configured_keyid`` is OPA's ``bundles[_].signing.keyid``: when set it wins over the
    token's ``kid`` header and the payload's deprecated ``keyid`` claim. A single key file
    checks every token, whatever key id it names; a directory holds one file per key id.
    """

    path: Path
    algorithm: str = DEFAULT_ALGORITHM
    configured_keyid: str | None = None
    scope: str = ""
    _cache: dict[Path, _Cached] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        check_algorithm(self.algorithm)
        if not self.path.exists():
            raise KeyFileError(f"{self.path}: no such key file or directory")

    @property
    def is_directory(self) -> bool:
        return self.path.is_dir()

    @property
    def fallback_keyid(self) -> str | None:
        """The key id when neither configuration nor token names one: a single key file
        answers to OPA's default id; a directory has no default."""
        return None if self.is_directory else DEFAULT_KEY_ID

    def get(self, keyid: str) -> Key:
        """The current key for keyid, re-read if its file changed since the last lookup."""
        file = self._file_for(keyid)
        try:
            st = file.stat()
        except OSError:
            raise BundleVerificationError(f"verification key corresponding to ID {keyid} not found") from None
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        with self._lock:
            cached = self._cache.get(file)
        if cached is None or cached.stamp != stamp:
            cached = _Cached(stamp, parse_verification_key(_read(file), self.algorithm, keyid, str(file), self.scope))
            with self._lock:
                self._cache[file] = cached
        return replace(cached.key, keyid=keyid)

    def _file_for(self, keyid: str) -> Path:
        if not self.is_directory:
            return self.path
        if not _KEY_ID.fullmatch(keyid):
            raise BundleVerificationError(f"verification key ID {keyid!r} is not a usable key file name")
        for suffix in _KEY_SUFFIXES:
            candidate = self.path / f"{keyid}{suffix}"
            if candidate.is_file():
                return candidate
        raise BundleVerificationError(f"verification key corresponding to ID {keyid} not found in {self.path}")

