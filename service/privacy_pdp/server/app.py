"""HTTP: OPA's Data API over the policy runtime. No policy logic lives here.

Routes follow OPA's REST API (v1/server/server.go): ``/v1/data/{path}`` (GET, POST),
``/v0/data/{path}`` and ``/`` (raw input, bare value), ``/health``, ``/v1/policies``.
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any

import yaml
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from privacy_pdp import __version__
from privacy_pdp.server.settings import Settings
from privacy_pdp.core.engine import UNDEFINED, EngineError, Evaluation, path_segments
from privacy_pdp.core.outline import module_ast
from privacy_pdp.server.errors import (
    INTERNAL_ERROR,
    INVALID_PARAMETER,
    RESOURCE_NOT_FOUND,
    UNDEFINED_DOCUMENT,
    error_response,
)
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.runtime import PolicyRuntime

MISSING_INPUT_WARNING = {"code": "api_usage_warning", "message": "'input' key missing from the request"}


class BadRequest(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def bool_param(request: Request, name: str) -> bool:
    """OPA's getBoolParam: present and empty, or any value equal to 'true' ignoring case."""
    values = request.query_params.getlist(name)
    return any(v == "" or v.lower() == "true" for v in values)


def json_response(body: Any, request: Request, status: int = 200) -> Response:
    indent = 2 if bool_param(request, "pretty") else None
    separators = None if indent else (",", ":")
    text = json.dumps(body, indent=indent, separators=separators, ensure_ascii=False) + "\n"
    return Response(text, status_code=status, media_type="application/json")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_document(request: Request, max_bytes: int) -> Any:
    """The request body as a JSON (or YAML) value; UNDEFINED when the body is empty."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > max_bytes:
        raise BadRequest("request body too large")
    raw = await request.body()
    if len(raw) > max_bytes:
        raise BadRequest("request body too large")
    if not raw.strip():
        return UNDEFINED
    try:
        if "yaml" in request.headers.get("content-type", ""):
            return yaml.safe_load(raw)
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, yaml.YAMLError) as exc:
        raise BadRequest(f"body contains malformed input document: {exc}") from None


def create_app(policy_set: PolicySet, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = PolicyRuntime(policy_set, workers=settings.workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime.warm_up()
        yield
        runtime.close()

    app = FastAPI(
        title="privacy-pdp",
        version=__version__,
        description="Privacy disclosure decisions over OPA's Data API",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.settings = settings

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> JSONResponse:
        return error_response(400, INVALID_PARAMETER, exc.message)

    @app.exception_handler(EngineError)
    async def engine_error(request: Request, exc: EngineError) -> JSONResponse:
        return error_response(
            500,
            INTERNAL_ERROR,
            "error(s) occurred while evaluating query",
            [{"code": "eval_error", "message": exc.message}],
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            return Response(status_code=405)
        if exc.status_code == 404:
            return error_response(404, RESOURCE_NOT_FOUND, f"{request.url.path} not found")
        return error_response(exc.status_code, INTERNAL_ERROR, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return error_response(500, INTERNAL_ERROR, f"unexpected error: {type(exc).__name__}")

    @app.middleware("http")
    async def opa_path_rules(request: Request, call_next):
        path = request.url.path
        if request.method == "HEAD":
            return Response(status_code=405)
        if path != "/" and path.endswith("/"):  # OPA answers 301 to the path without the slash
            return RedirectResponse(path.rstrip("/") or "/", status_code=301)
        return await call_next(request)

    async def answer_v1(request: Request, path: str, input: Any, warn: bool) -> Response:
        started = time.perf_counter_ns()
        if '"' in path:
            raise BadRequest(f"invalid path {path!r}")
        evaluation: Evaluation = await runtime.evaluate(path, input)
        body: dict[str, Any] = {}
        if bool_param(request, "provenance"):
            body["provenance"] = {"version": __version__, "bundles": {"privacy": {"revision": runtime.revision}}}
        if bool_param(request, "metrics") or bool_param(request, "instrument"):
            body["metrics"] = {"timer_server_handler_ns": time.perf_counter_ns() - started}
        if evaluation.defined:
            body["result"] = evaluation.value
        if warn:
            body["warning"] = MISSING_INPUT_WARNING
        body["decision_id"] = str(uuid.uuid4())
        return json_response(body, request)

    @app.get("/v1/data")
    @app.get("/v1/data/{path:path}")
    async def get_data(request: Request, path: str = "") -> Response:
        input: Any = UNDEFINED
        raw_inputs = request.query_params.getlist("input")
        if raw_inputs:
            try:
                input = json.loads(raw_inputs[-1], parse_constant=_reject_constant)
            except ValueError as exc:
                raise BadRequest(f"parameter contains malformed input document: {exc}") from None
        return await answer_v1(request, path, input, warn=False)

    @app.post("/v1/data")
    @app.post("/v1/data/{path:path}")
    async def post_data(request: Request, path: str = "") -> Response:
        document = await read_document(request, settings.max_body_bytes)
        if document is UNDEFINED or document is None:
            return await answer_v1(request, path, UNDEFINED, warn=True)
        if not isinstance(document, dict):
            kind = {list: "array", str: "string", bool: "bool"}.get(type(document), "number")
            raise BadRequest(f"body contains malformed input document: cannot use {kind} as the request object")
        input = document.get("input")
        if input is None:
            return await answer_v1(request, path, UNDEFINED, warn=True)
        return await answer_v1(request, path, input, warn=False)

    async def answer_v0(request: Request, path: str) -> Response:
        try:
            document = await read_document(request, settings.max_body_bytes)
        except BadRequest as exc:
            raise BadRequest(f"unexpected parse error for input: {exc.message}") from None
        evaluation = await runtime.evaluate(path, None if document is UNDEFINED else document)
        if not evaluation.defined:
            ref = "data." + ".".join(path_segments(path))
            return error_response(404, UNDEFINED_DOCUMENT, f"document undefined: {ref}")
        return json_response(evaluation.value, request)

    @app.post("/")
    async def default_decision(request: Request) -> Response:
        return await answer_v0(request, settings.default_decision)

    @app.post("/v0/data/{path:path}")
    async def post_v0(request: Request, path: str) -> Response:
        return await answer_v0(request, path)

    @app.get("/health")
    async def health(request: Request) -> Response:
        try:
            await runtime.evaluate("privacy/clauses")
        except EngineError:
            return JSONResponse({"error": "unable to perform evaluation"}, status_code=500)
        return JSONResponse({})

    @app.get("/v1/policies")
    async def list_policies(request: Request) -> Response:
        modules = runtime.policy_set.modules
        policies = [{"id": name, "raw": modules[name], "ast": module_ast(modules[name])} for name in sorted(modules)]
        return json_response({"result": policies}, request)

    @app.get("/v1/policies/{policy_id:path}")
    async def get_policy(request: Request, policy_id: str) -> Response:
        raw = runtime.policy_set.modules.get(policy_id)
        if raw is None:
            return error_response(404, RESOURCE_NOT_FOUND, f"storage_not_found_error: policy id {policy_id!r}")
        return json_response({"result": {"id": policy_id, "raw": raw, "ast": module_ast(raw)}}, request)

    return app
