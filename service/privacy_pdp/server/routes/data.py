"""OPA's Data API: ``/v1/data`` (GET, POST), ``/v0/data`` and ``/`` (raw input, bare value).

Follows v1/server/server.go: query parameters, the api_usage_warning, a decision id on every
answer, undefined as 200 without ``result`` (v1) or 404 ``undefined_document`` (v0).
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from privacy_pdp.audit.explain import explain
from privacy_pdp.core.engine import UNDEFINED, ref_for
from privacy_pdp.server.body import check_depth, parse_json, read_document
from privacy_pdp.server.decide import Decided, decide, provenance
from privacy_pdp.server.errors import UNDEFINED_DOCUMENT, BadRequest, engine_error_response, error_response
from privacy_pdp.server.models import ERRORS, DataResponse, DecisionResponse, ErrorV1
from privacy_pdp.server.params import DataOptions, bool_param, data_options, json_response
from privacy_pdp.server.routes import services_of
from privacy_pdp.server.services import Services

DECISION_PATH = "privacy/decision"

router = APIRouter(tags=["data"])

MISSING_INPUT_WARNING = {"code": "api_usage_warning", "message": "'input' key missing from the request"}
OWNED_BY_BUNDLE = 'all paths owned by bundle "privacy"'


def body_schema(model: str, required: bool = False) -> dict[str, Any]:
    """Document a request body the route reads itself (so that the policy, not pydantic, judges it)."""
    ref = {"$ref": f"#/components/schemas/{model}"}
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": ref}}}}


def requested_by(request: Request) -> str:
    return f"{request.client.host}:{request.client.port}" if request.client else ""


def check_path(path: str) -> None:
    for segment in path.split("/"):
        if '"' in segment:
            raise BadRequest(f"invalid path: invalid ref term '{segment}'")


def kind_of(value: Any) -> str:
    return {list: "array", str: "string", bool: "bool", dict: "object"}.get(type(value), "number")


def answer_body(services: Services, path: str, decided: Decided, options: DataOptions) -> dict[str, Any]:
    """The body of an answered decision (DataResponseV1; a batch item is one too)."""
    body: dict[str, Any] = {}
    if options.provenance:
        body["provenance"] = provenance(services, decided.revision)
    if options.with_metrics:
        body["metrics"] = decided.metrics
    if decided.evaluation is not None and decided.evaluation.defined:
        body["result"] = decided.evaluation.value
        if options.explain_clauses and path.strip("/") == DECISION_PATH:
            catalogue = services.catalogue(decided.revision)
            if catalogue is not None:
                body["explanation"] = explain(decided.evaluation.value, catalogue).model_dump(mode="json")
    body["decision_id"] = decided.decision_id
    return body


async def answer_v1(services: Services, request: Request, path: str, input: Any, warn: bool, parse_ns: int,
                    started_ns: int) -> Response:
    options = data_options(request)
    check_path(path)
    decided = await decide(services, path, input, requested_by=requested_by(request), parse_ns=parse_ns,
                           started_ns=started_ns)
    if decided.error is not None:
        return engine_error_response(decided.error)
    body = answer_body(services, path, decided, options)
    if warn:
        body["warning"] = MISSING_INPUT_WARNING
    return json_response(body, options.pretty)


def input_of(document: Any) -> tuple[Any, bool]:
    """(input, warn) of a parsed DataRequestV1: an object whose ``input`` is any JSON value."""
    if document is UNDEFINED or document is None:
        return UNDEFINED, True
    if not isinstance(document, dict):
        raise BadRequest(
            f"body contains malformed input document: cannot unmarshal {kind_of(document)} into the request object"
        )
    input = document.get("input")
    if input is None:
        return UNDEFINED, True
    return input, False


async def read_post_v1(services: Services, request: Request) -> tuple[Any, bool]:
    settings = services.settings
    return input_of(await read_document(request, settings.max_body_bytes, settings.max_nesting_depth))


@router.post(
    "/v1/data/privacy/decision",
    summary="A privacy decision",
    response_model=DecisionResponse,
    responses=ERRORS,
    openapi_extra=body_schema("DecisionRequest"),
    operation_id="privacy_decision",
)
async def privacy_decision(request: Request) -> Response:
    """May this company's user data go to this recipient, for this use? Allow or deny, with the
    clauses that decided and what an allowed flow must also do."""
    return await post_data(request, "privacy/decision")


@router.get("/v1/data", response_model=DataResponse, responses=ERRORS, operation_id="get_data_root")
@router.get("/v1/data/{path:anypath}", response_model=DataResponse, responses=ERRORS, operation_id="get_data")
async def get_data(request: Request, path: str = "") -> Response:
    """A document; ``input`` (JSON) in the query string."""
    started = time.perf_counter_ns()
    services = services_of(request)
    input: Any = UNDEFINED
    raw_inputs = request.query_params.getlist("input")
    if raw_inputs:
        prefix = "parameter contains malformed input document"
        input = parse_json(raw_inputs[-1], prefix)
        check_depth(input, services.settings.max_nesting_depth, prefix)
    return await answer_v1(services, request, path, input, False, time.perf_counter_ns() - started, started)


@router.post("/v1/data", response_model=DataResponse, responses=ERRORS, operation_id="post_data_root",
             openapi_extra=body_schema("DataRequest"))
@router.post("/v1/data/{path:anypath}", response_model=DataResponse, responses=ERRORS, operation_id="post_data",
             openapi_extra=body_schema("DataRequest"))
async def post_data(request: Request, path: str = "") -> Response:
    """A document evaluated with ``{"input": ...}``."""
    started = time.perf_counter_ns()
    services = services_of(request)
    input, warn = await read_post_v1(services, request)
    return await answer_v1(services, request, path, input, warn, time.perf_counter_ns() - started, started)


@router.put("/v1/data", status_code=204, responses={400: {"model": ErrorV1}}, operation_id="put_data_root")
@router.patch("/v1/data", status_code=204, responses={400: {"model": ErrorV1}}, operation_id="patch_data_root")
@router.delete("/v1/data", status_code=204, responses={400: {"model": ErrorV1}}, operation_id="delete_data_root")
@router.put("/v1/data/{path:anypath}", status_code=204, responses={400: {"model": ErrorV1}}, operation_id="put_data")
@router.patch("/v1/data/{path:anypath}", status_code=204, responses={400: {"model": ErrorV1}}, operation_id="patch_data")
@router.delete("/v1/data/{path:anypath}", status_code=204, responses={400: {"model": ErrorV1}},
               operation_id="delete_data")
async def write_data(path: str = "") -> Response:
    """Data comes with the policy set (a bundle owning every path), so OPA refuses writes."""
    raise BadRequest(OWNED_BY_BUNDLE)


async def answer_v0(services: Services, request: Request, path: str) -> Response:
    started = time.perf_counter_ns()
    settings = services.settings
    try:
        document = await read_document(request, settings.max_body_bytes, settings.max_nesting_depth)
    except BadRequest as exc:
        raise BadRequest(f"unexpected parse error for input: {exc.message}") from None
    check_path(path)
    decided = await decide(services, path, document, requested_by=requested_by(request),
                           parse_ns=time.perf_counter_ns() - started, started_ns=started)
    if decided.error is not None:
        return engine_error_response(decided.error)
    if decided.evaluation is None or not decided.evaluation.defined:
        return error_response(404, UNDEFINED_DOCUMENT, f"document undefined: {ref_for(path)}")
    return json_response(decided.evaluation.value, bool_param(request, "pretty"))


@router.post("/", responses={404: {"model": ErrorV1}, **ERRORS}, operation_id="default_decision",
             openapi_extra=body_schema("DecisionInput"))
async def default_decision(request: Request) -> Response:
    """The default decision (``PDP_DEFAULT_DECISION``, privacy/decision): raw input, bare answer."""
    services = services_of(request)
    return await answer_v0(services, request, services.settings.default_decision)


@router.post("/v0/data", responses={404: {"model": ErrorV1}, **ERRORS}, operation_id="post_data_v0_root")
@router.post("/v0/data/{path:anypath}", responses={404: {"model": ErrorV1}, **ERRORS}, operation_id="post_data_v0")
async def post_v0(request: Request, path: str = "") -> Response:
    """Data API v0: the request body is the input; the answer is the bare document."""
    return await answer_v0(services_of(request), request, path)
