"""OPA's Policy API. Reads always; writes (PUT/DELETE) only when enabled and with the bearer
token, and only through ``runtime.activate``: a module that does not compile changes nothing.
Serving a bundle, writes under its roots are refused as OPA refuses them, and modules written
outside them outlive the next bundle (server/bundle.py)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import hmac
import json
import re
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from privacy_pdp.core.engine import CompileError, EngineError
from privacy_pdp.core.outline import module_ast
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.body import read_bytes
from privacy_pdp.server.errors import COMPILE_MESSAGE, ApiError, BadRequest, NotFound, Unauthorized
from privacy_pdp.server.models import Empty, ErrorV1, PolicyGet, PolicyList
from privacy_pdp.server.params import bool_param, json_response
from privacy_pdp.server.routes import ServicesDep
from privacy_pdp.server.services import Services

router = APIRouter(tags=["policies"])

_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorV1}, 401: {"model": ErrorV1}, 404: {"model": ErrorV1}, 503: {"model": ErrorV1},
}


class NotReady(ApiError):
    status = 503


def _policy(policy_id: str, raw: str) -> dict[str, Any]:
    return {"id": policy_id, "raw": raw, "ast": module_ast(raw)}


def _modules(services: Services) -> dict[str, str]:
    policy_set = services.runtime.policy_set
    return policy_set.modules if policy_set else {}


@router.get("/v1/policies", response_model=PolicyList, operation_id="list_policies")
async def list_policies(request: Request, services: ServicesDep) -> Response:
    modules = _modules(services)
    result = [_policy(name, modules[name]) for name in sorted(modules)]
    return json_response({"result": result}, bool_param(request, "pretty"))


@router.get("/v1/policies/{policy_id:anypath}", response_model=PolicyGet, responses={404: {"model": ErrorV1}},
            operation_id="get_policy")
async def get_policy(request: Request, services: ServicesDep, policy_id: str) -> Response:
    raw = _modules(services).get(policy_id)
    if raw is None:
        raise NotFound(f"storage_not_found_error: policy id {policy_id!r}")
    return json_response({"result": _policy(policy_id, raw)}, bool_param(request, "pretty"))


def authorize(request: Request, services: Services) -> None:
    settings = services.settings
    token = settings.policy_api_token.get_secret_value() if settings.policy_api_token else ""
    if not settings.policy_api_writes or not token:
        raise Unauthorized("policy writes are disabled (PDP_POLICY_API_WRITES)")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Unauthorized("request rejected by administrative policy")


Change = Callable[[PolicySet], "dict[str, str] | None"]


async def _write(services: Services, change: Change, policy_id: str, source: str | None) -> None:
    """Apply ``change`` (the new modules from the current set, or None for no change) and
    activate the result, all under the bundle watcher's lock when a bundle is served: a write
    and a bundle activation never interleave, so neither loses the other's modules."""

    def run() -> bool:
        lock = services.bundles.writes if services.bundles is not None else contextlib.nullcontext()
        with lock:
            current = _current(services)
            modules = change(current)
            if modules is None:
                return False
            _activate(services, current, modules)
            if services.bundles is not None:  # kept when the next bundle is activated
                services.bundles.api_modules.pop(policy_id, None)
                if source is not None:
                    services.bundles.api_modules[policy_id] = source
            return True

    if await asyncio.to_thread(run):
        await services.runtime.warm_up()


def _activate(services: Services, current: PolicySet, modules: dict[str, str]) -> None:
    blob = json.dumps([modules, current.data], sort_keys=True, separators=(",", ":")).encode()
    revision = hashlib.sha256(blob).hexdigest()[:16]
    try:
        services.runtime.activate(dataclasses.replace(current, modules=modules, revision=revision), apart=True)
    except CompileError as exc:
        raise BadRequest(COMPILE_MESSAGE, _opa_errors(exc.message, list(modules)) or _errors(exc)) from None
    except EngineError as exc:
        raise BadRequest(COMPILE_MESSAGE, [{"code": "rego_compile_error", "message": exc.message}]) from None


def _opa_errors(message: str, files: list[str]) -> list[dict[str, Any]]:
    """OPA's compile errors in the shape OPA's server answers them (code, message, location,
    and the lines that follow the message as details); empty when the message is not OPA's.
    An error reads "<file>:<row>: rego_..._error: ..." at a line's start or after "1 error
    occurred: ", and goes on in lines that start with a tab; files are the set's module ids,
    which may hold any character."""
    if not files:
        return []
    names = "|".join(re.escape(name) for name in sorted(files, key=len, reverse=True))
    pattern = re.compile(rf"(?:^|(?<=: ))(?P<file>{names}):(?P<row>\d+): (?P<code>rego_[a-z_]+_error): "
                         rf"(?P<text>.*(?:\n\t.*)*)", re.MULTILINE)
    errors = []
    for m in pattern.finditer(message):
        first, *rest = m.group("text").split("\n")
        error: dict[str, Any] = {"code": m.group("code"), "message": first,
                                 # the OPA Go bindings' messages give no column
                                 "location": {"file": m.group("file"), "row": int(m.group("row")), "col": 1}}
        if rest:
            error["details"] = {"lines": [line.removeprefix("\t") for line in rest]}
        errors.append(error)
    return errors


def _errors(exc: CompileError) -> list[dict[str, Any]]:
    """The serving engine's compile errors, a line each, with the file:line it names."""
    lines = exc.message.splitlines() or [exc.message]
    locations = [*exc.locations, *([None] * len(lines))]
    errors = []
    for line, where in zip(lines, locations):
        error: dict[str, Any] = {"code": "rego_compile_error", "message": line}
        if where is not None:
            error["location"] = {"file": where.file, "row": where.row, "col": where.col}
        errors.append(error)
    return errors


def _not_owned(services: Services, source: str, policy_id: str) -> None:
    """Serving a bundle, its roots are its own (OPA: 400, "path ... is owned by bundle")."""
    owner = services.bundles.owner(source, policy_id) if services.bundles is not None else None
    if owner is not None:
        raise BadRequest(owner)


def _current(services: Services) -> PolicySet:
    current = services.runtime.policy_set
    if current is None:
        raise NotReady("no policy set is active")
    return current


@router.put("/v1/policies/{policy_id:anypath}", response_model=Empty, responses=_WRITE_ERRORS, operation_id="put_policy",
            openapi_extra={"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}}})
async def put_policy(request: Request, services: ServicesDep, policy_id: str) -> Response:
    """Add or replace a module (enabled writes and the bearer token only)."""
    authorize(request, services)
    raw = await read_bytes(request, services.settings.max_body_bytes)
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("module is not valid UTF-8") from None
    if not source.strip():
        raise BadRequest("empty module")
    def change(current: PolicySet) -> dict[str, str] | None:
        _not_owned(services, source, policy_id)
        if policy_id in current.modules:  # nor may a bundle's module be replaced by one outside its roots
            _not_owned(services, current.modules[policy_id], policy_id)
        return None if current.modules.get(policy_id) == source else {**current.modules, policy_id: source}

    async with services.policy_writes:  # one write at a time: none is lost to a race
        await _write(services, change, policy_id, source)
    return json_response({}, bool_param(request, "pretty"))


@router.delete("/v1/policies/{policy_id:anypath}", response_model=Empty, responses=_WRITE_ERRORS,
               operation_id="delete_policy")
async def delete_policy(request: Request, services: ServicesDep, policy_id: str) -> Response:
    """Remove a module (enabled writes and the bearer token only)."""
    authorize(request, services)
    def change(current: PolicySet) -> dict[str, str]:
        if policy_id not in current.modules:
            raise NotFound(f"storage_not_found_error: policy id {policy_id!r}")
        _not_owned(services, current.modules[policy_id], policy_id)
        return {k: v for k, v in current.modules.items() if k != policy_id}

    async with services.policy_writes:
        await _write(services, change, policy_id, None)
    return json_response({}, bool_param(request, "pretty"))
