"""OPA's error body, ``{"code", "message", "errors"}``, its codes (server/types), and the
handlers that turn every failure into one: no request ends in an unstructured 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from privacy_pdp.core.engine import EngineError

INVALID_PARAMETER = "invalid_parameter"
INTERNAL_ERROR = "internal_error"
UNDEFINED_DOCUMENT = "undefined_document"
RESOURCE_NOT_FOUND = "resource_not_found"
UNAUTHORIZED = "unauthorized"
INVALID_OPERATION = "invalid_operation"

EVALUATION_MESSAGE = "error(s) occurred while evaluating query"
COMPILE_MESSAGE = "error(s) occurred while compiling module(s)"

log = logging.getLogger("privacy_pdp.server")


class ApiError(Exception):
    """An answer in OPA's error shape."""

    status = 500
    code = INTERNAL_ERROR

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class BadRequest(ApiError):
    status = 400
    code = INVALID_PARAMETER


class Unauthorized(ApiError):
    status = 401
    code = UNAUTHORIZED


class NotFound(ApiError):
    status = 404
    code = RESOURCE_NOT_FOUND


class Unavailable(ApiError):
    """The decision cannot be recorded (decision log full or down): fail closed."""

    status = 503
    code = INTERNAL_ERROR


def error_body(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


def error_response(status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, errors), status_code=status)


def engine_error_response(exc: EngineError) -> JSONResponse:
    """OPA's answer to an evaluation error: 500 internal_error with the engine's error inside."""
    return error_response(500, INTERNAL_ERROR, EVALUATION_MESSAGE, [engine_error_detail(exc)])


def engine_error_detail(exc: EngineError) -> dict[str, Any]:
    detail: dict[str, Any] = {"code": "eval_error", "message": exc.message}
    if exc.locations:
        where = exc.locations[0]
        detail["location"] = {"file": where.file, "row": where.row, "col": where.col}
    return detail


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.errors)

    @app.exception_handler(EngineError)
    async def engine_error(request: Request, exc: EngineError) -> JSONResponse:
        return engine_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return error_response(400, INVALID_PARAMETER, f"{where}: {first['msg']}" if where else str(first["msg"]))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:  # OPA: known resource, wrong method -> 405 with no body
            return Response(status_code=405)
        if exc.status_code == 404:
            return error_response(404, RESOURCE_NOT_FOUND, f"{request.url.path} not found")
        return error_response(exc.status_code, INTERNAL_ERROR, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, INTERNAL_ERROR, f"unexpected error: {type(exc).__name__}")
