"""Batch decisions as Enterprise OPA answers them: ``POST /v1/batch/data/{path}``.

``{"inputs": {"<id>": input, ...}, "common_input": {...}}``: common fields are deep-merged
into each object input (the item's keys win). One decision id and one decision-log event per
item, all carrying the batch's id. 200 all answered, 207 mixed (items say
``http_status_code`` "200"/"500"), 500 all failed, 400 malformed request.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from privacy_pdp.core.engine import UNDEFINED
from privacy_pdp.server.body import read_document
from privacy_pdp.server.decide import Decided, decide_many, new_id
from privacy_pdp.server.errors import INTERNAL_ERROR, BadRequest
from privacy_pdp.server.models import ERRORS, BatchResponse
from privacy_pdp.server.params import DataOptions, data_options, json_response
from privacy_pdp.server.routes.data import answer_body, body_schema, check_path, kind_of, requested_by
from privacy_pdp.server.routes import services_of
from privacy_pdp.server.services import Services

router = APIRouter(tags=["batch"])

MISSING_INPUTS_WARNING = {"code": "api_usage_warning", "message": "'inputs' key missing from the request"}
_BATCH_RESPONSES = {207: {"model": BatchResponse, "description": "some items failed"}, **ERRORS}


def merge(common: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Deep merge; the item's value wins wherever both are not objects."""
    merged = dict(common)
    for key, value in item.items():
        base = merged.get(key)
        merged[key] = merge(base, value) if isinstance(base, dict) and isinstance(value, dict) else value
    return merged


async def read_batch(services: Services, request: Request) -> tuple[dict[str, Any] | None, Any]:
    """(inputs, common_input); inputs is None when the key is missing."""
    settings = services.settings
    document = await read_document(request, settings.max_body_bytes, settings.max_nesting_depth)
    if document is UNDEFINED or document is None:
        return None, None
    if not isinstance(document, dict):
        raise BadRequest(f"body contains malformed input document: cannot unmarshal {kind_of(document)} into the batch request")
    inputs = document.get("inputs")
    common = document.get("common_input")
    if inputs is not None and not isinstance(inputs, dict):
        raise BadRequest(f"body contains malformed input document: 'inputs' must be an object of id to input, not {kind_of(inputs)}")
    if common is not None and not isinstance(common, dict):
        # merged into each input as an object: anything else would be dropped without a word
        raise BadRequest(f"body contains malformed input document: 'common_input' must be an object, not {kind_of(common)}")
    if inputs is not None and len(inputs) > settings.max_batch_inputs:
        raise BadRequest(f"too many inputs: {len(inputs)} (at most {settings.max_batch_inputs} in one batch)")
    return inputs, common


def item_body(services: Services, path: str, decided: Decided, options: DataOptions) -> dict[str, Any]:
    if decided.error is not None:
        return {"code": INTERNAL_ERROR, "message": f"eval_error: {decided.error.message}", "decision_id": decided.decision_id}
    return answer_body(services, path, decided, options)


@router.post("/v1/batch/data", response_model=BatchResponse, responses=_BATCH_RESPONSES, operation_id="batch_root",
             openapi_extra=body_schema("BatchRequest"))
@router.post("/v1/batch/data/{path:anypath}", response_model=BatchResponse, responses=_BATCH_RESPONSES,
             operation_id="batch", openapi_extra=body_schema("BatchRequest"))
async def batch(request: Request, path: str = "") -> Response:
    """Many inputs, one request: e.g. every data flow a service is about to make."""
    services = services_of(request)
    async with services.batch_slots:  # waiting here, the body is not yet read (server/settings.py)
        return await _batch(request, services, path)


async def _batch(request: Request, services: Services, path: str) -> Response:
    started = time.perf_counter_ns()
    options = replace(data_options(request), explain_clauses=False)  # clauses are explained one decision at a time
    check_path(path)
    inputs, common = await read_batch(services, request)
    parse_ns = time.perf_counter_ns() - started
    batch_id = new_id()
    who = requested_by(request)
    ids = list(inputs or {})
    values = [inputs[key] for key in ids] if inputs else []
    if isinstance(common, dict):
        values = [merge(common, value) if isinstance(value, dict) else value for value in values]
    decided = await decide_many(services, path, values, requested_by=who, batch_decision_id=batch_id)
    services.metrics.batch_items.inc(len(ids))
    failed = sum(1 for d in decided if d.error is not None)
    answered = len(decided) - failed
    responses = {key: item_body(services, path, d, options) for key, d in zip(ids, decided)}
    if failed and answered:
        for key, d in zip(ids, decided):
            responses[key]["http_status_code"] = "500" if d.error is not None else "200"
    body: dict[str, Any] = {"batch_decision_id": batch_id, "responses": responses}
    if options.with_metrics:
        body["metrics"] = {"timer_rego_input_parse_ns": parse_ns, "timer_server_handler_ns": time.perf_counter_ns() - started}
    if inputs is None:
        body["warning"] = MISSING_INPUTS_WARNING
    status = 500 if failed and not answered else 207 if failed else 200
    return json_response(body, options.pretty, status)
