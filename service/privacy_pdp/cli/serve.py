"""The serve command: decisions over OPA's Data API."""

from __future__ import annotations

from typing import Annotated

import typer

from privacy_pdp.cli.common import DEFAULT_POLICIES, PolicyDir, load


def register(app: typer.Typer) -> None:
    app.command()(serve)



def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8181,
    policies: PolicyDir = DEFAULT_POLICIES,
) -> None:
    """Serve decisions over OPA's Data API."""
    import uvicorn

    from privacy_pdp.server.app import create_app

    uvicorn.run(create_app(load(policies)), host=host, port=port, log_level="info")
