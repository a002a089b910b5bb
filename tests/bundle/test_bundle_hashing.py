"""OPA's file digests: this module against OPA's own test vectors and OPA's Go code.

Vectors are copied from open-policy-agent/opa (v1): ``TestVerifyBundleFileHash`` in
``v1/bundle/bundle_test.go``, ``TestVerifyBundleFile`` and ``TestVerifyJWTSignature`` in
``v1/bundle/verify_test.go``, ``TestReadWithSignatures`` and
``TestReadWithSignaturesWithBaseDir`` in ``v1/bundle/bundle_test.go``. The tokens there were
signed by OPA's Go signer; accepting them (and rejecting the tampered ones with OPA's own
messages) shows our verifier reads OPA's format, and hashing their files to the digests OPA
put in them shows our digests are OPA's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privacy_pdp.bundle import BundleVerificationError
from privacy_pdp.bundle.archive import read_archive
from privacy_pdp.bundle.hashing import canonical, file_digest, parse_json
from privacy_pdp.bundle.keys import KeyRing, parse_verification_key
from privacy_pdp.bundle.verify import _verified_payload, verify_files

# OPA's test keys are short (a 6-byte HMAC secret, a 1024-bit RSA key); PyJWT warns, rightly.
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")

# TestVerifyBundleFileHash: (name, content, algorithm, OPA's digest). data.yaml is left out:
# this service refuses YAML data files rather than hash YAML the way sigs.k8s.io/yaml does.
OPA_FILE_VECTORS = [
    ("/.manifest", '{"revision": "quickbrownfaux"}', "MD5", "a005c38a509dc2d5a7407b9494efb2ad"),
    ("/a/b/c/data.json", "[1,2,3]", "SHA-512",
     "60f7b5dc86ded48785436192a08dbfd04894d7f1b417c4f8d3714679a7f78cb3c833f16a8559a1cf1f32968747dc1d95ef34826263dacf125ded8f5c374be4c0"),
    ("/a/b/d/data.json", "true", "MD5", "b326b5062b2f0e69046810717534cb09"),
    ("/example/example.rego", "package example", "MD5", "ceecc199d432a4eeae305914ea4816cb"),
    ("/policy.wasm", "modules-compiled-as-wasm-binary", "SHA-512",
     "4f73765168fd8b5c294b739436da312cc5e979faf09f67bf576d36ea79a4f79c70cbb3c33d06ff65f531a9f42abd0a8f4daacc554cb521837e876dc28f56ce89"),
    ("/data.json", '{"x": {"y": true}, "a": {"b": {"z": true}}}', "MD5", "36669864a622563256817033b1fc53db"),
]

# TestReadWithSignaturesWithBaseDir: HS256, secret "secret", kid "foo", scope "write"; the
# files sit under the base directory foo/bar, and the token lists them with their SHA-256.
OPA_SIGNED_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9.eyJmaWxlcyI6W3sibmFtZSI6ImZvby9iYXIvLm1hbmlmZXN0IiwiaGFzaCI6IjUwN2EyYzM4"
    "YTE0NDFkYjU4ZDJjYjg3OTgyYzQyYWE5MWE0MzQyZWY0MjJhNmI1NDJlZGRlYmVlZjZmMDQxMmYiLCJhbGdvcml0aG0iOiJTSEEtMjU2In0seyJuYW1lIjoiZm9v"
    "L2Jhci9hL2IvYy9kYXRhLmpzb24iLCJoYXNoIjoiYTYxNWVlYWVlMjFkZTUxNzlkZTA4MGRlOGMzMDUyYzhkYTkwMTEzODQwNmJhNzFjMzhjMDMyODQ1ZjdkNTRm"
    "NCIsImFsZ29yaXRobSI6IlNIQS0yNTYifSx7Im5hbWUiOiJmb28vYmFyL2h0dHAvcG9saWN5L3BvbGljeS5yZWdvIiwiaGFzaCI6ImY2NjQ0NjFlMzAzYjM3YzIw"
    "YzVlMGJlMjkwMDg4MTY3OGNkZjhlODYwYWE0MzNhNWExNGQ0OTRiYTNjNjY2NDkiLCJhbGdvcml0aG0iOiJTSEEtMjU2In1dLCJpYXQiOjE1OTIyNDgwMjcsImlz"
    "cyI6IkpXVFNlcnZpY2UiLCJzY29wZSI6IndyaXRlIn0.qTHkuBDVuT-Zl5pbJdZ6LoJ9eooFOhhpRdCheauDrlA"
)
OPA_SIGNED_FILES = {
    "foo/bar/.manifest": b'{"revision": "quickbrownfaux"}',
    "foo/bar/a/b/c/data.json": b"[1,2,3]",
    "foo/bar/http/policy/policy.rego": b"package example",
}
# TestReadWithSignatures "digest_mismatch": the token gives data.json the .rego's digest.
OPA_MISMATCH_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9.eyJmaWxlcyI6W3sibmFtZSI6Ii5tYW5pZmVzdCIsImhhc2giOiI1MDdhMmMzOGExNDQxZGI1"
    "OGQyY2I4Nzk4MmM0MmFhOTFhNDM0MmVmNDIyYTZiNTQyZWRkZWJlZWY2ZjA0MTJmIiwiYWxnb3JpdGhtIjoiU0hBLTI1NiJ9LHsibmFtZSI6ImEvYi9jL2RhdGEu"
    "anNvbiIsImhhc2giOiI0MmNmZTY3NjhiNTdiYjVmNzUwM2MxNjVjMjhkZDA3YWM1YjgxMzU1NGViYzg1MGYyY2MzNTg0M2U3MTM3YjFkIiwiYWxnb3JpdGhtIjoi"
    "U0hBLTI1NiJ9LHsibmFtZSI6Imh0dHAvcG9saWN5L3BvbGljeS5yZWdvIiwiaGFzaCI6ImE2MTVlZWFlZTIxZGU1MTc5ZGUwODBkZThjMzA1MmM4ZGE5MDExMzg0"
    "MDZiYTcxYzM4YzAzMjg0NWY3ZDU0ZjQiLCJhbGdvcml0aG0iOiJTSEEtMjU2In1dLCJpYXQiOjE1OTIyNDgwMjcsImlzcyI6IkpXVFNlcnZpY2UiLCJrZXlpZCI6"
    "ImZvbyIsInNjb3BlIjoid3JpdGUifQ.grzWHYvyVS6LfWy0oiFTEJThKooOAwic8sexYaflzOM"
)

# TestVerifyJWTSignature: an RS256 token (kid "foo", scope "write") and the keys it uses.
OPA_RS256_TOKEN = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9.eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhh"
    "c2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0s"
    "eyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJj"
    "ODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI1MTQwNiwiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.UZcX_Qj29o213nwZ5mysiyN"
    "cgAp1AOqCkDLkj1KGZ7Cw3l17TbkF8t3FJd654sf762NGcABA0WQ2zxq-labXl_d5TKQmq23lurO3qLHI1cKQPyoxPbddGo78sJpMwWsiMyEYcyyKC9FpNUpa8cT8"
    "1GPo4q9Zui8TAD0wtHh2YxBL7E8QYLJxcLMJTJxVBgrQGLXFT7vYRc6hJz9Vu-i0SWuLBGxOCmYoHr4DWFfy0IhAbhiUFyLRpukfBPjCJNYY5LgaZdN6LaYivtIEU"
    "ms5jUuXubBimLJm7KOT5-bgJMXTcUsbrbl2Ma7PwG5IOKjjgyEvH8KVfGFZSzNrpuxKmA"
)
OPA_RS256_PUBLIC = b"""-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA9KaakMv1XKKDaSch3PFR
3a27oaHp1GNTTNqvb1ZaHZXp+wuhYDwc/MTE67x9GCifvQBWzEGorgTq7aisiOyl
vKifwz6/wQ+62WHKG/sqKn2Xikp3P63aBIPlZcHbkyyRmL62yeyuzYoGvLEYel+m
z5SiKGBwviSY0Th2L4e5sGJuk2HOut6emxDi+E2Fuuj5zokFJvIT6Urlq8f3h6+l
GeR6HUOXqoYVf7ff126GP7dticTVBgibxkkuJFmpvQSW6xmxruT4k6iwjzbZHY7P
ypZ/TdlnuGC1cOpAVyU7k32IJ9CRbt3nwEf5U54LRXLLQjFixWZHwKdDiMTF4ws0
+wIDAQAB
-----END PUBLIC KEY-----"""
OPA_RS256_OTHER_PUBLIC = b"""-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDMYfnvWtC8Id5bPKae5yXSxQTt
+Zpul6AnnZWfI2TtIarvjHBFUtXRo96y7hoL4VWOPKGCsRqMFDkrbeUjRrx8iL91
4/srnyf6sh9c8Zk04xEOpK1ypvBz+Ks4uZObtjnnitf0NBGdjMKxveTq+VE7BWUI
yQjtQ8mbDOsiLLvh7wIDAQAB
-----END PUBLIC KEY-----"""


def signatures(token: str) -> bytes:
    return json.dumps({"signatures": [token]}).encode()


def secret_ring(tmp_path: Path, scope: str = "write") -> KeyRing:
    (tmp_path / "secret").write_bytes(b"secret")
    return KeyRing(tmp_path / "secret", "HS256", scope=scope)


@pytest.mark.parametrize(("name", "content", "algorithm", "digest"), OPA_FILE_VECTORS, ids=[v[0] for v in OPA_FILE_VECTORS])
def test_file_digests_match_opas_test_vectors(name, content, algorithm, digest) -> None:
    assert file_digest(name, content.encode(), algorithm) == digest


def test_a_reformatted_data_file_keeps_its_digest_and_a_changed_one_does_not() -> None:
    compact = file_digest("x/data.json", b'{"a":{"b":{"z":true}},"x":{"y":true}}')
    assert file_digest("x/data.json", b'{\n  "x": {"y": true},\n  "a": {"b": {"z": true}}\n}\n') == compact
    assert file_digest("x/data.json", b'{"a":{"b":{"z":false}},"x":{"y":true}}') != compact
    # not a structured name: the raw bytes count
    assert file_digest("x/other.json", b'{"a": 1}') != file_digest("x/other.json", b'{"a":1}')


def test_we_accept_a_bundle_signed_by_opa(tmp_path: Path) -> None:
    files = {**OPA_SIGNED_FILES, ".signatures.json": signatures(OPA_SIGNED_TOKEN)}
    verified = verify_files(files, secret_ring(tmp_path))
    assert verified is not None and verified.keyid == "foo" and verified.scope == "write"


def test_we_refuse_what_opa_refuses(tmp_path: Path) -> None:
    ring = secret_ring(tmp_path)
    tampered = {**OPA_SIGNED_FILES, "foo/bar/http/policy/policy.rego": b"package exampl3",
                ".signatures.json": signatures(OPA_SIGNED_TOKEN)}
    with pytest.raises(BundleVerificationError) as caught:
        verify_files(tampered, ring)
    assert any(p.startswith("foo/bar/http/policy/policy.rego: digest mismatch") for p in caught.value.problems)
    with pytest.raises(BundleVerificationError, match="scope mismatch"):
        verify_files({**OPA_SIGNED_FILES, ".signatures.json": signatures(OPA_SIGNED_TOKEN)}, secret_ring(tmp_path, "read"))
    mismatch = {"a/b/c/data.json": b"[1,2,3]", ".manifest": b'{"revision": "quickbrownfaux"}',
                ".signatures.json": signatures(OPA_MISMATCH_TOKEN)}
    with pytest.raises(BundleVerificationError) as caught:
        verify_files(mismatch, ring)
    # OPA's own message for this case, word for word
    assert ("a/b/c/data.json: digest mismatch (want: 42cfe6768b57bb5f7503c165c28dd07ac5b813554ebc850f2cc35843e7137b1d, "
            "got: a615eeaee21de5179de080de8c3052c8da901138406ba71c38c032845f7d54f4)") in caught.value.problems


def test_opas_rs256_token_verifies_with_its_key_and_not_another() -> None:
    good = parse_verification_key(OPA_RS256_PUBLIC, "RS256", "foo", "opa test key")
    payload = _verified_payload(OPA_RS256_TOKEN, good.material, "RS256", "foo")
    assert payload.scope == "write" and [f.name for f in payload.files] == [
        "db/uam2/entitlements/data.json", "db/uam2/policy/opa-policy.rego"]
    other = parse_verification_key(OPA_RS256_OTHER_PUBLIC, "RS256", "foo", "another key")
    with pytest.raises(BundleVerificationError, match="does not verify"):
        _verified_payload(OPA_RS256_TOKEN, other.material, "RS256", "foo")
    with pytest.raises(BundleVerificationError, match="not HS256"):
        _verified_payload(OPA_RS256_TOKEN, b"secret", "HS256", "foo")


# Canonical strings per Go's encoding/json (HTML escaping off): numbers keep their text,
# keys sort by UTF-8 bytes, U+2028/U+2029 and control characters are escaped, <>& are not.
CANONICAL_CASES = [
    ('{"b": 1.0, "a": [1e5, -0, 0.10, 12345678901234567890123]}', '{"a":[1e5,-0,0.10,12345678901234567890123],"b":1.0}'),
    ('{"é": 1, "z": 2, "Z": 3, "ä": 4}', '{"Z":3,"z":2,"ä":4,"é":1}'),
    ('["<a href=\\"x\\">&amp;</a>"]', '["<a href=\\"x\\">&amp;</a>"]'),
    ('["line\\u2028sep\\u2029", "tab\\tnl\\ncr\\rbs\\bff\\f", "\\u0001\\u001f\\u007f"]',
     '["line\\u2028sep\\u2029","tab\\tnl\\ncr\\rbs\\bff\\f","\\u0001\\u001f\x7f"]'),
    ('{"a": 1, "a": 2}', '{"a":2}'),
    ('["\\ud800 lone", "\\ud83d\\ude00"]', '["\ufffd lone","\U0001F600"]'),
    ("null", "null"),
]


@pytest.mark.parametrize(("source", "expected"), CANONICAL_CASES)
def test_canonical_form_follows_gos_encoder(source: str, expected: str) -> None:
    assert canonical(parse_json(source.encode(), "data.json")) == expected.encode()


def _opa_marshal(opa_engine, text: str) -> str:
    """OPA's own JSON writer on OPA's own parse of text (numbers kept, keys sorted); it
    escapes <, > and & for HTML, which the bundle hasher does not, so those are undone."""
    rows = opa_engine.eval_query("x := json.marshal(json.unmarshal(input.t))", {"t": text})
    return rows[0]["x"].replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")


def test_opas_go_code_writes_our_bundles_json_files_as_we_hash_them(signed) -> None:
    """Every structured file of a real bundle, and the tricky cases above: OPA's Go JSON
    code produces byte for byte the canonical form our digests are taken over."""
    from opa_bindings import OpaEngine

    engine = OpaEngine()
    files = read_archive(signed.archive)
    texts = [c.decode() for n, c in sorted(files.items()) if n.endswith("data.json") or n == ".manifest"]
    texts += [source for source, _ in CANONICAL_CASES if "\\ud800" not in source and '"a": 1, "a"' not in source]
    assert len(texts) > 20
    for text in texts:
        assert "\\u003c" not in text and "\\u0026" not in text and "\\u003e" not in text  # the undo above is exact
        assert _opa_marshal(engine, text).encode() == canonical(parse_json(text.encode(), "data.json")), text[:200]
