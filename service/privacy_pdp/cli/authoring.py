"""Authoring commands: Rego tests, one evaluation, the catalogue check, generated files."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from privacy_pdp.authoring import regotest, taxonomy
from privacy_pdp.cli.common import DEFAULT_POLICIES, PolicyDir, load
from privacy_pdp.core.engine import UNDEFINED, EngineError, RegoEngine


def register(app: typer.Typer) -> None:
    app.command()(test)
    app.command("eval")(eval_)
    app.command("generate")(generate)
    app.command()(check)
    app.command("new-company")(new_company)



def test(
    policies: Annotated[Path, typer.Argument(help="policy directory")] = DEFAULT_POLICIES,
    run: Annotated[Optional[str], typer.Option("--run", "-r", help="only tests whose ref matches")] = None,
    engine: Annotated[list[str], typer.Option(help="engines to run: regopy, opa")] = ["regopy", "opa"],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="print passing tests too")] = True,
) -> None:
    """Run the Rego tests (*_test.rego, test_* rules) under regopy and OPA; fail on any difference."""
    policy_set = load(policies)

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
        result = RegoEngine(load(policies), entrypoints=[path]).evaluate(path, value)
    except EngineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps({"result": result.value} if result.defined else {}, indent=2))


def generate(policies: PolicyDir = DEFAULT_POLICIES) -> None:
    """Regenerate the vocabulary (from fideslang), the input's JSON Schema and the company dispatch."""
    from privacy_pdp.authoring import dispatch
    from privacy_pdp.authoring import schema

    typer.echo(f"wrote {taxonomy.write(policies)}")
    typer.echo(f"wrote {schema.write(policies, load(policies))}")
    try:
        typer.echo(f"wrote {dispatch.write(policies, load(policies))}")
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def new_company(
    name: Annotated[str, typer.Argument(help="the company's name: lower-case letters, digits and _")],
    policies: PolicyDir = DEFAULT_POLICIES,
) -> None:
    """Scaffold a company (package, tests, facts, catalogue) and regenerate the dispatch and schema."""
    from privacy_pdp.authoring import scaffold

    try:
        written = scaffold.new_company(policies, name)
    except scaffold.ScaffoldError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for path in written:
        typer.echo(f"wrote {path}")
    generate(policies)


def check(policies: Annotated[Path, typer.Argument(help="policy directory")] = DEFAULT_POLICIES) -> None:
    """Check the clause catalogue against the rules' METADATA and the tests."""
    from privacy_pdp.authoring import catalogue

    report = catalogue.check(load(policies))
    for problem in report.problems:
        typer.echo(problem)
    typer.echo(catalogue.format_counts(report))
    if not report.ok:
        typer.echo(f"{len(report.problems)} catalogue problem(s)")
        raise typer.Exit(1)
    typer.echo("catalogue ok")
