"""The serve command: decisions over OPA's REST API.

Settings are built here, once, from ``PDP_*`` variables with these options on top, and
handed to the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8181,
    policies: Annotated[
        Optional[Path], typer.Option("--policies", "-p", help="policy directory [PDP_POLICIES, default: policies]")
    ] = None,
    workers: Annotated[Optional[int], typer.Option(help="evaluation threads per process [PDP_WORKERS, default: CPUs]")] = None,
    processes: Annotated[Optional[int], typer.Option(help="server processes [PDP_PROCESSES, default: 1]")] = None,
    default_decision: Annotated[
        Optional[str], typer.Option(help="document POST / answers [PDP_DEFAULT_DECISION]")
    ] = None,
    decision_log_dir: Annotated[
        Optional[Path], typer.Option(help="decision-log directory [PDP_DECISION_LOG_DIR]")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve decisions over OPA's Data API (settings: PDP_* variables; options win)."""
    import uvicorn

    from privacy_pdp.core.engine import EngineError
    from privacy_pdp.core.policyset import PolicySetError
    from privacy_pdp.server.settings import SettingsError, load_settings

    overrides = {"policies": policies, "workers": workers, "processes": processes, "default_decision": default_decision,
                 "decision_log_dir": decision_log_dir}
    try:
        settings = load_settings(**overrides)
        if settings.processes > 1:  # each worker process builds its own app (server/workers.py)
            from privacy_pdp.server import workers as worker_processes

            worker_processes.run(settings, overrides, host, port, log_level)
            return
        from privacy_pdp.server.app import create_app  # not in the parent of worker processes: they build their own

        app = create_app(settings)
    except (SettingsError, PolicySetError, EngineError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    # Graceful shutdown on SIGTERM/SIGINT runs the app's lifespan end: the decision log flushes.
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=10)
