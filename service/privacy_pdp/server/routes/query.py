"""OPA's Query API, for the queries OPA clients build over documents; the Compile API is
answered 404 (not served).

Served: one or more ``v := data.a.b [with input as <JSON>]`` statements separated by ``;``
(opa-python-client's ``ad_hoc_query`` on a document and ``bulk_query_rule``), posted as
``{"query": ..., "input": ...}`` or, as OPA also takes it, in ``GET /v1/query?q=...`` (no
input there but what a statement gives itself). Each statement is
one decision (its own id and log event). Any other Rego is refused with 400: this service
answers documents, it is not a general Rego evaluator.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from privacy_pdp.core.engine import UNDEFINED
from privacy_pdp.server.body import check_depth, decode_at, read_document
from privacy_pdp.server.decide import decide
from privacy_pdp.server.errors import RESOURCE_NOT_FOUND, BadRequest, engine_error_response, error_response
from privacy_pdp.server.models import ERRORS, ErrorV1, Result
from privacy_pdp.server.params import data_options, json_response
from privacy_pdp.server.routes.data import body_schema, requested_by
from privacy_pdp.server.routes import ServicesDep
from privacy_pdp.server.services import Services

router = APIRouter(tags=["query"])

PARSE_ERROR = "error(s) occurred while parsing query"
_STATEMENT = re.compile(r"\s*(?P<var>[A-Za-z_][A-Za-z0-9_]*)\s*:=\s*(?P<ref>data(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*")
_WITH_INPUT = re.compile(r"with\s+input\s+as\s+")
_SEPARATOR = re.compile(r"\s*(?:;|\n|$)")


def parse_query(text: str) -> list[tuple[str, str, Any]]:
    """[(variable, document path, input or UNDEFINED)], or BadRequest naming what is served."""
    statements: list[tuple[str, str, Any]] = []
    position = 0
    while position < len(text) and text[position:].strip():
        match = _STATEMENT.match(text, position)
        if not match:
            raise _unsupported(text, position)
        position = match.end()
        input: Any = UNDEFINED
        with_input = _WITH_INPUT.match(text, position)
        if with_input:
            input, position = decode_at(text, with_input.end(), f"{PARSE_ERROR}: input is not JSON")
        separator = _SEPARATOR.match(text, position)
        if separator is None or (separator.end() == position and position < len(text)):
            raise _unsupported(text, position)
        position = separator.end()
        statements.append((match["var"], match["ref"][len("data."):].replace(".", "/"), input))
    if not statements:
        raise BadRequest("missing required 'query' value")
    return statements


def _unsupported(text: str, position: int) -> BadRequest:
    return BadRequest(
        f"{PARSE_ERROR}: only `x := data.<path> [with input as <JSON>]` statements are served "
        f"(at offset {position}: {text[position:position + 40]!r})"
    )


@router.post("/v1/query", response_model=Result, responses=ERRORS, operation_id="query",
             openapi_extra=body_schema("QueryRequest"))
async def query(request: Request, services: ServicesDep) -> Response:
    """Document queries: ``{"query": "r0 := data.privacy.decision with input as {...}", "input": ...}``."""
    options = data_options(request)
    settings = services.settings
    document = await read_document(request, settings.max_body_bytes, settings.max_nesting_depth)
    if not isinstance(document, dict) or not isinstance(document.get("query"), str):
        raise BadRequest("error(s) occurred while decoding request: a JSON object with a 'query' string is required")
    return await _answer(request, services, document["query"], document.get("input", UNDEFINED), options.pretty)


@router.get("/v1/query", response_model=Result, responses=ERRORS, operation_id="query_get")
async def query_get(request: Request, services: ServicesDep) -> Response:
    """The same queries in ``?q=`` (OPA's GET form: the last ``q`` counts, there is no common input)."""
    options = data_options(request)
    texts = request.query_params.getlist("q")
    if not texts:
        raise BadRequest("missing parameter 'q'")
    return await _answer(request, services, texts[-1], UNDEFINED, options.pretty)


async def _answer(request: Request, services: Services, text: str, common: Any, pretty: bool) -> Response:
    """Each statement decided in turn (its own id and log event); one row of their bindings."""
    settings = services.settings
    statements = parse_query(text)
    row: dict[str, Any] = {}
    for var, path, input in statements:
        input = common if input is UNDEFINED else input
        check_depth(input, settings.max_nesting_depth, "query contains malformed input document")
        decided = await decide(services, path, input, requested_by=requested_by(request))
        if decided.error is not None:
            return engine_error_response(decided.error)
        if decided.evaluation is None or not decided.evaluation.defined:
            return json_response({}, pretty)  # one undefined statement: no result, as OPA
        row[var] = decided.evaluation.value
    return json_response({"result": [row]}, pretty)


@router.post("/v1/compile", status_code=404, responses={404: {"model": ErrorV1}}, operation_id="compile")
async def compile_query() -> Response:
    """Not served: partial evaluation needs an engine that has it, and regopy has none."""
    return error_response(404, RESOURCE_NOT_FOUND, "the Compile API is not served: the engine (regopy) has no partial evaluation")
