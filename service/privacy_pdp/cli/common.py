"""What every command group shares: the policy directory option and loading it, and reading
a JSON input file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from privacy_pdp.core import jsontext, policyset

DEFAULT_POLICIES = Path("policies")
PolicyDir = Annotated[Path, typer.Option("--policies", "-p", help="policy directory (an OPA bundle layout)")]


def load(root: Path) -> policyset.PolicySet:
    try:
        loaded = policyset.load_directory(root)
    except policyset.PolicySetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if not loaded.modules:  # nothing to test, check or lint would otherwise pass
        typer.echo(f"error: {root}: no Rego modules here (is it the policy directory?)", err=True)
        raise typer.Exit(2)
    return loaded


def read_json(path: Path) -> Any:
    """The JSON value in path (``-``: stdin), read as the service reads a body (no NaN, no
    1e400, no duplicate key); a clear message and exit status 2 when it cannot be read."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        typer.echo(f"error: {path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    except UnicodeDecodeError as exc:
        typer.echo(f"error: {path}: not UTF-8 text (byte {exc.start})", err=True)
        raise typer.Exit(2) from None
    try:
        return jsontext.loads(text)
    except RecursionError:
        problem = "nested too deeply"
    except ValueError as exc:
        problem = str(exc)
    typer.echo(f"error: {path}: input is not JSON: {problem}", err=True)
    raise typer.Exit(2)
