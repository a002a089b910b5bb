"""Command line: one typer app; each module registers its group's commands."""

from __future__ import annotations

import typer

from privacy_pdp.cli import assurance, audit, authoring, bundle, logs, serve

app = typer.Typer(help="Privacy policies as code: decisions over OPA's Data API.", no_args_is_help=True)

for group in (authoring, serve, assurance, logs, bundle, audit):
    group.register(app)
