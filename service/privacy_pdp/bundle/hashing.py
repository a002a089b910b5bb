"""File digests exactly as OPA computes them for bundle signatures.

OPA (open-policy-agent/opa ``v1/bundle/verify.go`` ``VerifyBundleFile`` and
``v1/bundle/hash.go`` ``walk``/``encodePrimitive``) hashes an unstructured file (``.rego``,
anything else) as its raw bytes, but a *structured* one (base name ``data.json``,
``data.yaml``, ``.manifest``; ``IsStructuredDoc`` in ``v1/bundle/bundle.go``) as a JSON
value: parsed with ``util.Unmarshal`` (``json.Decoder.UseNumber``, so a number keeps its
source text), then written canonically: objects as ``{`` + ``"key":value`` pairs sorted by
key, comma-joined, + ``}``; arrays as ``[`` + comma-joined values + ``]``; strings, numbers,
booleans and null through Go's ``json.Encoder`` with HTML escaping off; no whitespace. So
``{"x": {"y": true}, "a": {"b": {"z": true}}}`` hashes as ``{"a":{"b":{"z":true}},"x":{"y":true}}``
and reformatting a data file does not change its digest. ``tests/bundle`` checks this module
against the digests in OPA's own tests (``TestVerifyBundleFileHash`` in
``v1/bundle/bundle_test.go``, ``TestVerifyBundleFile`` in ``v1/bundle/verify_test.go``).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from typing import Any

from privacy_pdp.bundle import BundleFormatError

# OPA's HashingAlgorithm names (hash.go) and hashlib's.
ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-224": "sha224",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
    "SHA-512-224": "sha512_224",
    "SHA-512-256": "sha512_256",
}
DEFAULT_ALGORITHM = "SHA-256"
STRUCTURED_NAMES = frozenset({"data.json", "data.yaml", ".manifest"})


class Number(str):
    """A JSON number kept as its source text, as Go's json.Number is."""


def is_structured(name: str) -> bool:
    return posixpath.basename(name) in STRUCTURED_NAMES


def parse_json(content: bytes, name: str) -> Any:
    """Parse a structured file as OPA does (numbers kept as text); errors name the file."""
    if content.startswith(b"\xef\xbb\xbf"):  # util.Unmarshal strips a UTF-8 BOM
        content = content[3:]
    try:
        text = content.decode("utf-8")
        return json.loads(
            text,
            parse_int=Number,
            parse_float=Number,
            parse_constant=_reject_constant,
            object_pairs_hook=_object,
        )
    except UnicodeDecodeError as exc:
        raise BundleFormatError(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BundleFormatError(f"{name}:{exc.lineno}:{exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise BundleFormatError(f"{name}: {exc}") from None


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Go's decoder turns lone surrogates into U+FFFD before the key reaches the map, and a
    # repeated key keeps its last value; do the same so keys sort and collide as in OPA.
    result: dict[str, Any] = {}
    for key, value in pairs:
        result[_go_string(key)] = value
    return result


def _go_string(text: str) -> str:
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def canonical(value: Any) -> bytes:
    """OPA's canonical encoding of a parsed JSON value (hash.go ``walk``)."""
    parts: list[str] = []
    _walk(value, parts)
    return "".join(parts).encode("utf-8")


def _walk(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        items = sorted(((_go_string(k), v) for k, v in value.items()), key=lambda kv: kv[0])
        for index, (key, item) in enumerate(items):
            if index:
                out.append(",")
            out.append(_encode_string(key))
            out.append(":")
            _walk(item, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _walk(item, out)
        out.append("]")
    elif isinstance(value, Number):
        out.append(str.__str__(value))
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif value is None:
        out.append("null")
    elif isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, (int, float)):  # values built in Python rather than parsed
        out.append(json.dumps(value))
    else:
        raise TypeError(f"not a JSON value: {type(value).__name__}")


def _encode_string(text: str) -> str:
    # Go's encoder (HTML escaping off) escapes '"', '\\', \b \f \n \r \t by name (Go >= 1.22),
    # other control characters as \u00xx, and U+2028/U+2029; everything else is written as
    # UTF-8. Python's ensure_ascii=False does the same except for U+2028/U+2029.
    encoded = json.dumps(_go_string(text), ensure_ascii=False)
    return encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def file_digest(name: str, content: bytes, algorithm: str = DEFAULT_ALGORITHM) -> str:
    """The lowercase hex digest OPA expects for a bundle file named name."""
    hasher = _hasher(algorithm, name)
    if is_structured(name):
        if posixpath.basename(name) == "data.yaml":
            raise BundleFormatError(f"{name}: YAML data files are not supported; use data.json")
        hasher.update(canonical(parse_json(content, name)))
    else:
        hasher.update(content)
    return hasher.hexdigest()


def value_digest(value: Any, algorithm: str = DEFAULT_ALGORITHM) -> str:
    """The digest of an already parsed JSON value (e.g. a merged document)."""
    hasher = _hasher(algorithm, "<value>")
    hasher.update(canonical(value))
    return hasher.hexdigest()


def _hasher(algorithm: str, name: str) -> Any:
    if not algorithm:
        raise BundleFormatError(f"no hashing algorithm provided for file {name}")
    try:
        return hashlib.new(ALGORITHMS[algorithm])
    except KeyError:
        raise BundleFormatError(f"{name}: unsupported hashing algorithm: {algorithm}") from None
