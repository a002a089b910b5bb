"""What every command group shares: the policy directory option and loading it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privacy_pdp.core import policyset

DEFAULT_POLICIES = Path("policies")
PolicyDir = Annotated[Path, typer.Option("--policies", "-p", help="policy directory (an OPA bundle layout)")]


def load(root: Path) -> policyset.PolicySet:
    try:
        return policyset.load_directory(root)
    except policyset.PolicySetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
