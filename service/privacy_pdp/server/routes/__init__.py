"""HTTP routes, one router per area; they reach the runtime through ``ServicesDep``, and the
decision routes through ``services_of`` (no dependency to solve on the hot path)."""

from typing import Annotated

from fastapi import Depends, Request
from starlette.convertors import Convertor, register_url_convertor

from privacy_pdp.server.services import Services


def services_of(request: Request) -> Services:
    return request.app.state.services


async def _services(request: Request) -> Services:
    # async: FastAPI runs a plain function dependency on a worker thread, a hop per request
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(_services)]


class AnyPath(Convertor[str]):
    """Starlette's ``path`` stops at a newline; OPA takes any (percent-decoded) path."""

    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anypath", AnyPath())
