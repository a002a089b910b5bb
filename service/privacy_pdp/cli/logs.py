"""The logs command group: check a decision-log directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

logs_app = typer.Typer(help="Decision logs: check the tamper-evident chain.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(logs_app, name="logs")


@logs_app.command()
def verify(
    directory: Annotated[Path, typer.Argument(help="the decision-log directory (PDP_DECISION_LOG_DIR)")],
    allow_pruned: Annotated[
        bool, typer.Option(help="the oldest segments were removed on purpose: the chain may start mid-way")
    ] = False,
) -> None:
    """Check the hash chain across every segment, in order; name the first broken link.
    A directory of several server processes (PDP_PROCESSES) holds one chain per process,
    in its worker-<n> slots: each is checked, and so is the chain of a single process
    beside them (a directory served both ways, one after the other)."""
    from privacy_pdp.server.decision_log.segments import list_segments
    from privacy_pdp.server.workers import SLOT_PREFIX

    if not directory.is_dir():
        typer.echo(f"error: {directory} is not a directory", err=True)
        raise typer.Exit(2)
    slots = sorted(p for p in directory.glob(f"{SLOT_PREFIX}*") if p.is_dir())
    if not slots:
        raise typer.Exit(_verify_one(directory, allow_pruned))
    failed = 0
    if list_segments(directory):
        typer.echo(f"{directory.name or directory} (one process):")
        failed += _verify_one(directory, allow_pruned)
    for slot in slots:
        typer.echo(f"{slot.name}:")
        failed += _verify_one(slot, allow_pruned)
    raise typer.Exit(1 if failed else 0)


def _verify_one(directory: Path, allow_pruned: bool) -> int:
    """Check one chain, say what was found; 1 when it is broken or empty."""
    from privacy_pdp.server.decision_log import verify_directory

    report = verify_directory(directory, allow_pruned=allow_pruned)
    for note in report.notes:
        typer.echo(f"note: {note}")
    if report.first_break is not None:
        typer.echo(f"BROKEN {report.first_break}")
        typer.echo(f"{report.events} events verified before it, in {len(report.files)} file(s) read")
        if report.first_break.line == 1 and report.events == 0 and not allow_pruned:
            typer.echo("(if older segments were removed on purpose, use --allow-pruned)")
        return 1
    if not report.ok:
        return 1
    typer.echo(
        f"OK {report.events} events in {len(report.files)} file(s) "
        f"({report.files[0]} .. {report.files[-1]}), chain intact, last hash {report.last_hash}"
    )
    return 0
