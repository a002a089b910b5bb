"""Command line: serve decisions, run Rego tests, evaluate one query, check the catalogue."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from privacy_pdp import policyset, regotest, taxonomy
from privacy_pdp.engine import UNDEFINED, EngineError, RegoEngine

app = typer.Typer(help="Privacy policies as code: decisions over OPA's Data API.", no_args_is_help=True)

DEFAULT_POLICIES = Path("policies")
PolicyDir = Annotated[Path, typer.Option("--policies", "-p", help="policy directory (an OPA bundle layout)")]


def _load(root: Path) -> policyset.PolicySet:
    try:
        return policyset.load_directory(root)
    except policyset.PolicySetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def test(
    policies: Annotated[Path, typer.Argument(help="policy directory")] = DEFAULT_POLICIES,
    run: Annotated[Optional[str], typer.Option("--run", "-r", help="only tests whose ref matches")] = None,
    engine: Annotated[list[str], typer.Option(help="engines to run: regopy, opa")] = ["regopy", "opa"],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="print passing tests too")] = True,
) -> None:
    """Run the Rego tests (*_test.rego, test_* rules) under regopy and OPA; fail on any difference."""
    policy_set = _load(policies)

    def report(result: regotest.TestResult) -> None:
        if verbose or not result.passed:
            typer.echo(regotest.format_result(result))

    try:
        results = regotest.run(policy_set, run, engine, report)
    except EngineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(regotest.summary(results))
    if not results or not all(r.passed for r in results):
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    path: Annotated[str, typer.Argument(help="document path, e.g. privacy/decision")],
    input_file: Annotated[Optional[Path], typer.Option("--input", "-i", help="input JSON file; - for stdin")] = None,
    policies: PolicyDir = DEFAULT_POLICIES,
) -> None:
    """Evaluate one document against an input and print the result as JSON."""
    value = UNDEFINED
    if input_file is not None:
        text = sys.stdin.read() if str(input_file) == "-" else input_file.read_text(encoding="utf-8")
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            typer.echo(f"error: input is not JSON: {exc}", err=True)
            raise typer.Exit(2) from None
    try:
        result = RegoEngine(_load(policies), entrypoints=[path]).evaluate(path, value)
    except EngineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps({"result": result.value} if result.defined else {}, indent=2))


@app.command("generate")
def generate(policies: PolicyDir = DEFAULT_POLICIES) -> None:
    """Regenerate the vocabulary (from the installed fideslang) and the input's JSON Schema."""
    from privacy_pdp import schema

    typer.echo(f"wrote {taxonomy.write(policies)}")
    typer.echo(f"wrote {schema.write(policies, _load(policies))}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8181,
    policies: PolicyDir = DEFAULT_POLICIES,
) -> None:
    """Serve decisions over OPA's Data API."""
    import uvicorn

    from privacy_pdp.api import create_app

    uvicorn.run(create_app(_load(policies)), host=host, port=port, log_level="info")


@app.command()
def check(policies: Annotated[Path, typer.Argument(help="policy directory")] = DEFAULT_POLICIES) -> None:
    """Check the clause catalogue against the rules' METADATA and the tests."""
    from privacy_pdp import catalogue

    report = catalogue.check(_load(policies))
    for problem in report.problems:
        typer.echo(problem)
    typer.echo(catalogue.format_counts(report))
    if not report.ok:
        typer.echo(f"{len(report.problems)} catalogue problem(s)")
        raise typer.Exit(1)
    typer.echo("catalogue ok")
