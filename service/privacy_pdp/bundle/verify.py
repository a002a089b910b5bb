"""Verify a bundle's ``.signatures.json`` against its files, as OPA does.

Follows OPA ``v1/bundle/verify.go`` (``VerifyBundleSignature``, ``verifyJWTSignature``,
``VerifyBundleFile``) and ``bundle.go`` (``checkSignaturesAndDescriptors``, the
"specified in bundle signatures but not found" check): exactly one JWT; the key id is the
configured one, else the header's ``kid``, else the payload's deprecated ``keyid``; the
JWS must verify with that key under the configured algorithm; the payload's ``scope`` must
equal the configured scope; every file but ``.signatures.json`` must be listed with a
matching digest, and every listed file must be present. One difference, on purpose: a
configured key makes a signature mandatory (OPA requires one only when a key id is
configured). Every file problem is reported, each naming its file, not just the first.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError

from privacy_pdp.bundle import BundleError, BundleVerificationError
from privacy_pdp.bundle.archive import normalize_name
from privacy_pdp.bundle.hashing import file_digest
from privacy_pdp.bundle.keys import KeyRing
from privacy_pdp.bundle.sign import SIGNATURES


class FileInfo(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: StrictStr
    hash: StrictStr
    algorithm: StrictStr = ""


class DecodedSignature(BaseModel):
    model_config = ConfigDict(extra="ignore")
    files: list[FileInfo]
    keyid: StrictStr = ""
    scope: StrictStr = ""
    iat: StrictInt | None = None
    iss: StrictStr = ""


@dataclass(frozen=True)
class VerifiedSignature:
    keyid: str
    scope: str
    files: tuple[str, ...]


def verify_files(files: Mapping[str, bytes], keys: KeyRing | None, scope: str | None = None) -> VerifiedSignature | None:
    """Check files (a bundle's, by name) against their signature; None when unsigned and no
    key is configured. Raises BundleVerificationError naming what is wrong."""
    signatures = files.get(SIGNATURES)
    if keys is None:
        if signatures is not None:
            raise BundleVerificationError("bundle is signed but no verification key is configured (verification key not provided)")
        return None
    if signatures is None:
        raise BundleVerificationError(f"bundle missing {SIGNATURES} file (a verification key is configured, so bundles must be signed)")
    token = _one_token(signatures)
    keyid = _key_id(token, keys)
    key = keys.get(keyid)
    payload = _verified_payload(token, key.material, key.algorithm, keyid)
    expected_scope = key.scope if scope is None else scope
    if payload.scope != expected_scope:
        raise BundleVerificationError(f"scope mismatch: the signature says {payload.scope!r}, {expected_scope!r} is required")
    _check_files(files, payload)
    return VerifiedSignature(keyid, payload.scope, tuple(sorted(n for n in files if n != SIGNATURES)))


def _one_token(content: bytes) -> str:
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleVerificationError(f"{SIGNATURES}: not JSON ({exc})") from None
    tokens = document.get("signatures") if isinstance(document, dict) else None
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise BundleVerificationError(f'{SIGNATURES}: expected {{"signatures": ["<JWT>"]}}')
    if document.get("plugin"):
        raise BundleVerificationError(f"{SIGNATURES}: signing plugin {document['plugin']!r} is not supported")
    if not tokens:
        raise BundleVerificationError(f"{SIGNATURES}: missing JWT (expected exactly one)")
    if len(tokens) > 1:
        raise BundleVerificationError(f"{SIGNATURES}: multiple JWTs not supported (expected exactly one)")
    return tokens[0]


def _segment(token: str, index: int) -> Any:
    parts = token.split(".")
    if len(parts) != 3:
        raise BundleVerificationError(f"{SIGNATURES}: the JWT does not have three segments")
    try:
        raw = base64.urlsafe_b64decode(parts[index] + "=" * (-len(parts[index]) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        what = "headers" if index == 0 else "payload"
        raise BundleVerificationError(f"{SIGNATURES}: failed to decode JWT {what} ({exc})") from None


def _key_id(token: str, keys: KeyRing) -> str:
    header = _segment(token, 0)
    payload = _segment(token, 1)
    kid = header.get("kid") if isinstance(header, dict) else None
    claimed = payload.get("keyid") if isinstance(payload, dict) else None
    keyid = (
        keys.configured_keyid
        or (kid if isinstance(kid, str) else "")
        or (claimed if isinstance(claimed, str) else "")
        or keys.fallback_keyid
    )
    if not keyid:
        raise BundleVerificationError("verification key ID is empty")
    return keyid


def _verified_payload(token: str, key: Any, algorithm: str, keyid: str) -> DecodedSignature:
    import jwt
    from jwt.api_jws import PyJWS

    try:
        decoded = PyJWS().decode_complete(token, key, algorithms=[algorithm])
    except jwt.InvalidAlgorithmError:
        raise BundleVerificationError(f"bundle signature is not {algorithm}, the algorithm configured for key {keyid}") from None
    except jwt.InvalidSignatureError:
        raise BundleVerificationError(f"bundle signature does not verify with key {keyid} (wrong key, or the signature was altered)") from None
    except jwt.PyJWTError as exc:
        raise BundleVerificationError(f"bundle signature cannot be checked with key {keyid}: {exc}") from None
    try:
        return DecodedSignature.model_validate_json(decoded["payload"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BundleVerificationError(f"{SIGNATURES}: bad JWT payload at {where}: {first['msg']}") from None


def _check_files(files: Mapping[str, bytes], payload: DecodedSignature) -> None:
    listed = {normalize_name(f.name): f for f in payload.files}
    problems: list[str] = []
    for name in sorted(files):
        if name == SIGNATURES:
            continue
        info = listed.pop(name, None)
        if info is None:
            problems.append(f"file {name} not included in bundle signature (added after signing?)")
            continue
        try:
            actual = file_digest(name, files[name], info.algorithm)
        except BundleError as exc:
            problems.append(exc.message)
            continue
        if actual != info.hash.lower():
            problems.append(f"{name}: digest mismatch (want: {info.hash}, got: {actual})")
    if listed:
        problems.append(f"file(s) {sorted(listed)} specified in bundle signatures but not found in the target bundle")
    if problems:
        raise BundleVerificationError("bundle files do not match their signature", problems)
