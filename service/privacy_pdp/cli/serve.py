"""The serve command: decisions over OPA's REST API.

Settings are built here, once, from ``PDP_*`` variables with these options on top, and
handed to the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


# Idle keep-alive connections stay open for a minute (uvicorn's default is 5 s; OPA's Go
# server has no idle limit): a client reusing a pooled connection that the server has just
# closed sees a reset, which under load is a failed decision request.
KEEP_ALIVE_SECONDS = 65


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8181,
    policies: Annotated[
        Optional[Path], typer.Option("--policies", "-p", help="policy directory [PDP_POLICIES, default: policies]")
    ] = None,
    workers: Annotated[Optional[int], typer.Option(help="evaluation threads per process [PDP_WORKERS, default: the cores shared out among the processes]")] = None,
    processes: Annotated[Optional[int], typer.Option(help="server processes [PDP_PROCESSES, default: one per core, at most 8; one for a bundle or with Policy API writes on]")] = None,
    default_decision: Annotated[
        Optional[str], typer.Option(help="document POST / answers [PDP_DEFAULT_DECISION]")
    ] = None,
    decision_log_dir: Annotated[
        Optional[Path], typer.Option(help="decision-log directory [PDP_DECISION_LOG_DIR]")
    ] = None,
    bundle: Annotated[
        Optional[str], typer.Option(help="serve a bundle: a .tar.gz file (watched) or an http(s) URL (polled) "
                                         "[PDP_BUNDLE_PATH / PDP_BUNDLE_URL]")
    ] = None,
    verification_key: Annotated[
        Optional[Path], typer.Option(help="PEM public key, HMAC secret file or <kid>.pem directory; bundles must "
                                          "be signed [PDP_BUNDLE_VERIFICATION_KEY]")
    ] = None,
    verification_key_id: Annotated[
        Optional[str], typer.Option(help="key id to verify with, whatever the bundle names [PDP_BUNDLE_VERIFICATION_KEY_ID]")
    ] = None,
    signing_alg: Annotated[Optional[str], typer.Option(help="JWS algorithm of the key [PDP_BUNDLE_SIGNING_ALG, default: RS256]")] = None,
    max_staleness: Annotated[
        Optional[float], typer.Option(help="seconds without an answer from the bundle source before decisions "
                                           "fail closed [PDP_BUNDLE_MAX_STALENESS_SECONDS]")
    ] = None,
    access_log: Annotated[
        Optional[bool], typer.Option("--access-log/--no-access-log", help="a line per request [PDP_ACCESS_LOG, default: off]")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve decisions over OPA's Data API (settings: PDP_* variables; options win)."""
    import uvicorn

    from privacy_pdp.core.engine import EngineError
    from privacy_pdp.core.policyset import PolicySetError
    from privacy_pdp.server.settings import SettingsError, load_settings

    remote = bundle is not None and bundle.startswith(("http://", "https://"))
    overrides = {
        "policies": policies, "workers": workers, "processes": processes, "default_decision": default_decision,
        "decision_log_dir": decision_log_dir, "access_log": access_log,
        "bundle_url": bundle if remote else None, "bundle_path": Path(bundle) if bundle and not remote else None,
        "bundle_verification_key": verification_key, "bundle_verification_key_id": verification_key_id,
        "bundle_signing_alg": signing_alg, "bundle_max_staleness_seconds": max_staleness,
    }
    try:
        settings = load_settings(**overrides)
        if settings.processes > 1:  # each worker process builds its own app (server/workers.py)
            from privacy_pdp.server import workers as worker_processes

            try:
                worker_processes.run(settings, overrides, host, port, log_level, KEEP_ALIVE_SECONDS)
            except worker_processes.WorkerStartError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from None
            return
        from privacy_pdp.server.app import create_app  # not in the parent of worker processes: they build their own
        from privacy_pdp.server.stderr_log import log_to_stderr

        if settings.decision_log_enabled:  # said here in a line, not as a traceback at the app's start
            try:
                settings.decision_log_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise SettingsError(f"decision-log directory {settings.decision_log_dir}: {exc}") from None
        app = create_app(settings)
    except (SettingsError, PolicySetError, EngineError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    log_to_stderr(log_level)
    # Graceful shutdown on SIGTERM/SIGINT runs the app's lifespan end: the decision log flushes.
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=10,
                timeout_keep_alive=KEEP_ALIVE_SECONDS, access_log=settings.access_log)

