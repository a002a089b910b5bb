"""OPA's error body, ``{"code", "message", "errors"}``, and its codes (server/types)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

INVALID_PARAMETER = "invalid_parameter"
INTERNAL_ERROR = "internal_error"
UNDEFINED_DOCUMENT = "undefined_document"
RESOURCE_NOT_FOUND = "resource_not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"


def error_response(status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status)
