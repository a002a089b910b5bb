"""The Data API's hot path, ``POST /v1/data/<path>`` without query parameters, answered as a
plain ASGI app beside the framework.

Every decision a microservice asks is this request. Through FastAPI it paid for routing,
the exception and exit-stack middlewares, a Request object and a Response class: about half
of the server's CPU per cached decision. Here it costs the work itself: read the body, parse
it, decide, write the answer. The answer is the route's (``routes/data.py`` builds both
bodies with the same functions), gzip'd by the rule of the app's GZip middleware, and every
failure is answered in OPA's error shape, as the app's handlers answer it
(``tests/server/test_fastpath.py`` holds the two paths together). Requests with query
parameters (``pretty``, ``metrics``, ``explain``...), YAML bodies and other paths go to the app.

It sits inside OpaHttpMiddleware, which counts the request and applies OPA's path rules.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from privacy_pdp.core.engine import EngineError
from privacy_pdp.server.body import TOO_LARGE, check_length, decoded, parse_body
from privacy_pdp.server.decide import decide
from privacy_pdp.server.errors import ApiError, BadRequest, engine_error_response, error_response, log
from privacy_pdp.server.params import DataOptions, json_bytes
from privacy_pdp.server.routes.data import MISSING_INPUT_WARNING, answer_body, check_path, input_of
from privacy_pdp.server.services import Services

PREFIX = "/v1/data/"
_PLAIN = DataOptions()


class ClientGone(Exception):
    """The client disconnected before its body arrived: nothing to answer."""


class DecisionFastPath:
    def __init__(self, app: ASGIApp, services: Services, gzip_minimum_bytes: int):
        self.app = app
        self.services = services
        self.gzip_minimum_bytes = gzip_minimum_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _takes(scope):
            await self.app(scope, receive, send)
            return
        try:
            status, body = await self._decide(scope, receive)
        except ClientGone:
            return
        await self._send(scope, send, status, body)

    async def _send(self, scope: Scope, send: Send, status: int, body: bytes) -> None:
        """The answer as Starlette's GZipMiddleware would pass it on: answers of at least the
        minimum size vary on Accept-Encoding and are gzip'd for clients that accept it."""
        headers = [(b"content-type", b"application/json")]
        if len(body) >= self.gzip_minimum_bytes:
            headers.append((b"vary", b"Accept-Encoding"))
            if any(name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"]):
                body = await _gzip(body)
                headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _decide(self, scope: Scope, receive: Receive) -> tuple[int, bytes]:
        """(status, body) of the answer; failures as the app's handlers render them."""
        started = time.perf_counter_ns()
        services = self.services
        settings = services.settings
        path = scope["path"][len(PREFIX):]
        try:
            headers = _headers(scope)
            check_length(headers.get("content-length", ""), settings.max_body_bytes)
            raw = decoded(await _body(receive, settings.max_body_bytes), headers.get("content-encoding", ""),
                          settings.max_body_bytes)
            document = await parse_body(raw, headers.get("content-type", ""), settings.max_nesting_depth)
            input, warn = input_of(document)
            check_path(path)
            decided = await decide(services, path, input, requested_by=_client(scope),
                                   parse_ns=time.perf_counter_ns() - started, started_ns=started)
            if decided.error is not None:
                return _rendered(engine_error_response(decided.error))
            body = answer_body(services, path, decided, _PLAIN)
            if warn:
                body["warning"] = MISSING_INPUT_WARNING
            return 200, json_bytes(body)
        except ClientGone:
            raise
        except ApiError as exc:
            return _rendered(error_response(exc.status, exc.code, exc.message, exc.errors))
        except EngineError as exc:
            return _rendered(engine_error_response(exc))
        except Exception as exc:  # as the app's last handler: logged, answered in OPA's shape
            log.exception("unexpected error on POST %s", scope["path"])
            return _rendered(error_response(500, "internal_error", f"unexpected error: {type(exc).__name__}"))


def _rendered(response: Response) -> tuple[int, bytes]:
    return response.status_code, bytes(response.body)


async def _gzip(body: bytes) -> bytes:
    if len(body) >= _GZIP_IN_THREAD_BYTES:  # as Starlette does: a large body off the event loop
        return await asyncio.to_thread(_deflate, body)
    return _deflate(body)


def _deflate(body: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush()


_GZIP_IN_THREAD_BYTES = 128 << 10


def _takes(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST" or scope["query_string"]:
        return False
    path: str = scope["path"]
    if not path.startswith(PREFIX) or len(path) == len(PREFIX):
        return False
    for name, value in scope["headers"]:
        if name == b"content-type" and b"yaml" in value.lower():
            return False
    return True


def _headers(scope: Scope) -> dict[str, str]:
    """The headers this path reads (the first of a repeated one, latin-1: as Starlette reads them)."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name in _READ:
            found.setdefault(name.decode(), value.decode("latin-1"))
    return found


_READ = (b"content-length", b"content-encoding", b"content-type")


async def _body(receive: Receive, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:  # stop reading as soon as the limit is passed
            raise BadRequest(TOO_LARGE)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _client(scope: Scope) -> str:
    client: Any = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else ""
