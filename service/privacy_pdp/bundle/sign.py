"""Sign a bundle as ``opa build --signing-key`` does: a ``.signatures.json`` with one JWS.

The JWS payload (OPA ``v1/bundle/sign.go`` ``generatePayload``, ``bundle.go``
``DecodedSignature``) lists every file of the bundle but ``.signatures.json`` itself as
``{"name", "hash", "algorithm": "SHA-256"}`` (digests as in ``hashing.py``), plus the
deprecated ``keyid`` claim OPA still writes and the ``scope`` a verifier may require. The
protected header carries ``kid`` and ``alg``. No ``iat``: with RS256 or HS256 the same
files and key give the same bytes, so a signed build is reproducible too (ES*/PS*
signatures are randomized by design).
"""

from __future__ import annotations

import json
from typing import Mapping

from privacy_pdp.bundle.hashing import DEFAULT_ALGORITHM, file_digest
from privacy_pdp.bundle.keys import Key

SIGNATURES = ".signatures.json"


def signed_files(files: Mapping[str, bytes]) -> list[dict[str, str]]:
    return [
        {"name": name, "hash": file_digest(name, content), "algorithm": DEFAULT_ALGORITHM}
        for name, content in sorted(files.items())
        if name != SIGNATURES
    ]


def payload_bytes(files: Mapping[str, bytes], keyid: str, scope: str = "") -> bytes:
    payload = {"files": signed_files(files), "keyid": keyid, "scope": scope}
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign_token(files: Mapping[str, bytes], key: Key, scope: str = "") -> str:
    from jwt.api_jws import PyJWS

    return PyJWS().encode(payload_bytes(files, key.keyid, scope), key.material, algorithm=key.algorithm,
                          headers={"kid": key.keyid})


def signatures_file(files: Mapping[str, bytes], key: Key, scope: str = "") -> bytes:
    """The ``.signatures.json`` content for files (which must not include it)."""
    document = {"signatures": [sign_token(files, key, scope)]}
    return (json.dumps(document, indent=1) + "\n").encode("utf-8")
