"""Request bodies: read once, bounded, gzip-aware, parsed into plain JSON values.

Every way a body can be wrong ends in ``BadRequest`` (400 ``invalid_parameter``), never in
an exception the server did not expect: too large (before or after gzip), bad gzip, invalid
UTF-8, malformed JSON or YAML, NaN/Infinity, numbers beyond a double's range (1e400),
duplicate keys (in JSON and YAML), nesting deeper than allowed (``[`` x 100,000 included), YAML anchors and
non-JSON YAML values.

JSON is parsed by orjson when it can say the document is plain (see ``_fast_json``) and by
the standard parser otherwise, which finds every problem above and names it.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import zlib
from typing import Any

import orjson
import yaml
from starlette.requests import Request

from privacy_pdp.core import jsontext
from privacy_pdp.core.engine import UNDEFINED
from privacy_pdp.server.errors import BadRequest

TOO_LARGE = "request body too large"
GZIP_TOO_LARGE = "compressed request body too large"


async def read_bytes(request: Request, max_bytes: int) -> bytes:
    """The body, decompressed if sent with ``Content-Encoding: gzip``; at most max_bytes."""
    check_length(request.headers.get("content-length", ""), max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # stop reading as soon as the limit is passed
        size += len(chunk)
        if size > max_bytes:
            raise BadRequest(TOO_LARGE)
        chunks.append(chunk)
    return decoded(b"".join(chunks), request.headers.get("content-encoding", ""), max_bytes)


def check_length(content_length: str, max_bytes: int) -> None:
    """Refuse a body whose announced length is over the limit before reading any of it."""
    if content_length.isdigit() and int(content_length) > max_bytes:
        raise BadRequest(TOO_LARGE)


def decoded(raw: bytes, content_encoding: str, max_bytes: int) -> bytes:
    """The body as sent, or gunzipped if its encoding says gzip."""
    if "gzip" in content_encoding.lower():
        return _gunzip(raw, max_bytes)
    return raw


def _gunzip(raw: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, max_bytes + 1)  # a gzip bomb stops here
    except zlib.error:
        raise BadRequest("could not decompress the body") from None
    if len(out) > max_bytes:
        raise BadRequest(GZIP_TOO_LARGE)
    if not inflater.eof:
        raise BadRequest("could not decompress the body: truncated gzip stream")
    return out


def parse_document(raw: bytes, content_type: str, max_depth: int, what: str = "body") -> Any:
    """A JSON (or, if the content type says yaml, YAML) value; UNDEFINED for an empty body."""
    prefix = f"{what} contains malformed input document"
    if "yaml" not in content_type.lower():
        fast = _fast_json(raw, max_depth)
        if fast is not _SLOW:
            return fast
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{prefix}: invalid UTF-8 at byte {exc.start}") from None
    if not text.strip():
        return UNDEFINED
    if "yaml" in content_type.lower():
        value = _parse_yaml(text, prefix)
        check_depth(value, max_depth, prefix)
        return _as_json(value, prefix)
    value = parse_json(text, prefix)
    check_depth(value, max_depth, prefix)
    return value


_SLOW: Any = object()


def _fast_json(raw: bytes, max_depth: int) -> Any:
    """The document parsed by orjson, or _SLOW when the standard parser must decide.

    orjson takes the last of two duplicate keys silently, so its result is used only when no
    key can have been dropped: every object key costs one colon in the text, so a document
    with as many colons as keys has no duplicate (a colon inside a string sends it the slow
    way, where duplicates are found). orjson refuses what the slow way reports (bad UTF-8,
    NaN, lone surrogates, 1e400) or reads differently (an integer beyond 64 bits becomes a
    float): _SLOW too.
    """
    if not raw.strip():
        return _SLOW
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _SLOW
    keys = _count_keys(value, max_depth)
    if keys is None or keys != raw.count(b":"):
        return _SLOW
    return value


def _count_keys(value: Any, max_depth: int) -> int | None:
    """Object keys in value; None when it nests deeper than max_depth or holds a float
    beyond 2**63 (which may have been an integer literal orjson could not hold). value is
    what orjson read, so only its plain types occur: leaves are passed over by exact type,
    and only containers are stacked."""
    if type(value) is float and abs(value) >= _BIG:
        return None
    keys = 0
    stack: list[tuple[Any, int]] = [(value, 1)] if type(value) in (dict, list) else []
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return None
        if type(node) is dict:
            keys += len(node)
            node = node.values()
        for child in node:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
            elif kind is float and abs(child) >= _BIG:
                return None
    return keys


_BIG = float(2**63)


def parse_json(text: str, prefix: str) -> Any:
    try:
        return jsontext.loads(text)
    except RecursionError:
        raise BadRequest(f"{prefix}: exceeded max depth") from None
    except ValueError as exc:
        raise BadRequest(f"{prefix}: {exc}") from None


def decode_at(text: str, start: int, prefix: str) -> tuple[Any, int]:
    """The JSON value that starts at ``start`` in text (held to the rules above) and where it
    ends: for JSON written inside other text (the Query API's ``with input as``)."""
    try:
        return jsontext.decode_at(text, start)
    except RecursionError:
        raise BadRequest(f"{prefix}: exceeded max depth") from None
    except ValueError as exc:
        raise BadRequest(f"{prefix}: {exc}") from None


def check_depth(value: Any, max_depth: int, prefix: str) -> None:
    """Iterative, so that no depth can exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            raise BadRequest(f"{prefix}: nesting deeper than {max_depth} levels")
        stack.extend((child, depth + 1) for child in children)


class _JsonYamlLoader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases (an alias bomb is tiny to send and huge to walk)."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "anchors and aliases are not accepted", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        # two copies of a key are refused, as in a JSON body (YAML's own loader keeps the last)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if (type(key), key) in seen:  # 1 and 1.0 are two keys ("1", "1.0") here
                    raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add((type(key), key))
        return super().construct_mapping(node, deep)


def _parse_yaml(text: str, prefix: str) -> Any:
    try:
        value = yaml.load(text, Loader=_JsonYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise BadRequest(f"{prefix}: exceeded max depth") from None
    except yaml.YAMLError as exc:
        raise BadRequest(f"{prefix}: {exc}") from None
    return value


def _as_json(value: Any, prefix: str) -> Any:
    """YAML's extra types brought to JSON's, as OPA's YAML-to-JSON conversion does."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise BadRequest(f"{prefix}: {value} is not a JSON number")
    if isinstance(value, list):
        return [_as_json(v, prefix) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, (dict, list)) or key is None:
                raise BadRequest(f"{prefix}: object keys must be strings")
            text = key if isinstance(key, str) else json.dumps(_as_json(key, prefix))
            if text in out:  # true and "true" are one JSON key
                raise BadRequest(f"{prefix}: duplicate key {json.dumps(text)}")
            out[text] = _as_json(item, prefix)
        return out
    if isinstance(value, (bytes, set)):
        raise BadRequest(f"{prefix}: {type(value).__name__} is not a JSON value")
    return value


_INLINE_LIMIT = 64 << 10


async def read_document(request: Request, max_bytes: int, max_depth: int, what: str = "body") -> Any:
    """Read and parse the body."""
    raw = await read_bytes(request, max_bytes)
    return await parse_body(raw, request.headers.get("content-type", ""), max_depth, what)


async def parse_body(raw: bytes, content_type: str, max_depth: int, what: str = "body") -> Any:
    """``parse_document``, with large or YAML bodies parsed off the event loop."""
    if len(raw) > _INLINE_LIMIT or "yaml" in content_type.lower():
        return await asyncio.to_thread(parse_document, raw, content_type, max_depth, what)
    return parse_document(raw, content_type, max_depth, what)
