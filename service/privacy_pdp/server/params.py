"""Query parameters as OPA reads them, and JSON answers as OPA writes them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from privacy_pdp.server.errors import BadRequest

EXPLAIN_MODES = ("notes", "fails", "full", "debug")
# Not one of OPA's trace modes: the decision's clauses, titled, summarised and quoted.
EXPLAIN_CLAUSES = "clauses"


def bool_param(request: Request, name: str) -> bool:
    """OPA's getBoolParam: a lone empty value is true; otherwise true iff a value is 'true' (any case)."""
    values = request.query_params.getlist(name)
    if values == [""]:
        return True
    return any(v.lower() == "true" for v in values)


@dataclass(frozen=True)
class DataOptions:
    """The Data API's query parameters (OPA v1/server/server.go)."""

    pretty: bool = False
    metrics: bool = False
    instrument: bool = False
    provenance: bool = False
    strict_builtin_errors: bool = False
    explain_clauses: bool = False

    @property
    def with_metrics(self) -> bool:
        return self.metrics or self.instrument


def data_options(request: Request) -> DataOptions:
    explain = next((v for v in request.query_params.getlist("explain") if v in EXPLAIN_MODES), None)
    if explain is not None:
        # regopy keeps no evaluation trace; the decision's reasons cite the clauses that decided.
        raise BadRequest(
            f"explain={explain} is not supported: the evaluation engine (regopy) records no trace; "
            "a decision's reasons name the clauses that decided it"
        )
    return DataOptions(
        pretty=bool_param(request, "pretty"),
        metrics=bool_param(request, "metrics"),
        instrument=bool_param(request, "instrument"),
        provenance=bool_param(request, "provenance"),
        # Accepted, not acted on: neither engine has the switch. A failing builtin leaves the
        # rule undefined under regopy (OPA without the flag) and is an error under the OPA Go
        # bindings (OPA with it); the decision's rules check types before calling builtins.
        strict_builtin_errors=bool_param(request, "strict-builtin-errors"),
        explain_clauses=EXPLAIN_CLAUSES in request.query_params.getlist("explain"),
    )


_PRETTY = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def json_response(body: Any, pretty: bool = False, status: int = 200) -> Response:
    """JSON plus a trailing newline, two-space indented when pretty (OPA's writer)."""
    return Response(json_bytes(body, pretty), status_code=status, media_type="application/json")


def json_bytes(body: Any, pretty: bool = False) -> bytes:
    """The bytes of ``json_response``."""
    try:
        return orjson.dumps(body, option=_PRETTY if pretty else orjson.OPT_APPEND_NEWLINE)
    except (TypeError, orjson.JSONEncodeError):  # a lone surrogate or an integer beyond 64 bits
        return _standard_json(body, pretty)


def _standard_json(body: Any, pretty: bool) -> bytes:
    layout: dict[str, Any] = {"indent": 2} if pretty else {"separators": (",", ":")}
    text = json.dumps(body, ensure_ascii=False, **layout) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only \u escapes can carry it
        return (json.dumps(body, ensure_ascii=True, **layout) + "\n").encode()
