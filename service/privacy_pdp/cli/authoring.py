"""Authoring commands: Rego tests, one evaluation, the catalogue check, generated files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from privacy_pdp.authoring import regotest, taxonomy
from privacy_pdp.cli.common import DEFAULT_POLICIES, PolicyDir, load, read_json
from privacy_pdp.core.engine import UNDEFINED, EngineError, RegoEngine
from privacy_pdp.core.policyset import PolicySet

if TYPE_CHECKING:
    from privacy_pdp.authoring import coverage as coverage_

# Rules no test defines, listed under the coverage table; the rest are in the reports.
MAX_UNCOVERED_SHOWN = 30


def register(app: typer.Typer) -> None:
    app.command()(test)
    app.command("eval")(eval_)
    app.command("generate")(generate)
    app.command()(check)
    app.command("new-company")(new_company)
    app.command()(lint)



def test(
    policies: Annotated[Path, typer.Argument(help="policy directory")] = DEFAULT_POLICIES,
    run: Annotated[Optional[str], typer.Option("--run", "-r", help="only tests whose ref matches")] = None,
    engine: Annotated[list[str], typer.Option(help="engines to run: regopy, opa")] = ["regopy", "opa"],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="print passing tests too")] = True,
    coverage: Annotated[bool, typer.Option("--coverage", help="measure and print rule and line coverage (OPA)")] = False,
    junit: Annotated[Optional[Path], typer.Option(help="write the results as JUnit XML to this file")] = None,
    cobertura: Annotated[Optional[Path], typer.Option(help="write the coverage as Cobertura XML to this file")] = None,
    summary: Annotated[Optional[Path], typer.Option(help="write results and coverage as JSON to this file")] = None,
    min_coverage: Annotated[Optional[float], typer.Option(help="fail when line coverage is below this percent")] = None,
    min_rule_coverage: Annotated[Optional[float], typer.Option(help="fail when rule coverage is below this percent")] = None,
) -> None:
    """Run the Rego tests (*_test.rego, test_* rules) under regopy and OPA; fail on any difference."""
    from privacy_pdp.authoring import coverage as coverage_

    policy_set = load(policies)
    thresholds = {k: v for k, v in (("lines", min_coverage), ("rules", min_rule_coverage)) if v is not None}
    measuring = coverage or cobertura is not None or summary is not None or bool(thresholds)
    if measuring and "opa" not in engine:
        typer.echo("error: coverage is measured under OPA: add --engine opa", err=True)
        raise typer.Exit(2)
    collector = coverage_.Collector() if measuring else None

    def report(result: regotest.TestResult) -> None:
        if verbose or not result.passed:
            typer.echo(regotest.format_result(result))

    try:
        results = regotest.run(policy_set, run, engine, report, coverage=collector)
    except EngineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(regotest.summary(results))
    measured = coverage_.measure(policy_set, collector) if collector is not None else None
    below = _report_coverage(measured, thresholds) if measured is not None else []
    _write_reports(policies, policy_set, results, measured, thresholds, run, engine, junit, cobertura, summary)
    if not results or not all(r.passed for r in results) or below:
        raise typer.Exit(1)


def _report_coverage(measured: "coverage_.CoverageReport", thresholds: dict[str, float]) -> list[str]:
    """Print the coverage table, the rules no test defines, and any threshold missed."""
    from privacy_pdp.authoring import coverage as coverage_

    typer.echo(coverage_.format_table(measured))
    uncovered = coverage_.format_uncovered(measured)
    for line in uncovered[:MAX_UNCOVERED_SHOWN]:
        typer.echo(line)
    if len(uncovered) > MAX_UNCOVERED_SHOWN:
        typer.echo(f"... and {len(uncovered) - MAX_UNCOVERED_SHOWN} more rules no test defines")
    figures = {"lines": measured.lines, "rules": measured.rules}
    below = [f"{name} coverage {figures[name].percent:.1f}% is below the threshold {least:g}%"
             for name, least in sorted(thresholds.items()) if figures[name].percent < least]
    for line in below:
        typer.echo(line)
    return below


def _write_reports(policies: Path, policy_set: PolicySet, results: list[regotest.TestResult],
                   measured: "coverage_.CoverageReport | None", thresholds: dict[str, float], run: Optional[str],
                   engines: list[str], junit: Optional[Path], cobertura: Optional[Path], summary: Optional[Path]) -> None:
    from privacy_pdp.authoring import cobertura as cobertura_
    from privacy_pdp.authoring import junit as junit_
    from privacy_pdp.authoring import summary as summary_

    if junit is not None:
        typer.echo(f"wrote {junit_.write(junit, results, str(policies))}")
    if cobertura is not None and measured is not None:
        typer.echo(f"wrote {cobertura_.write(cobertura, measured, str(policies))}")
    if summary is not None:
        document = summary_.build(policy_set, results, policies=str(policies), engines=list(engines), run=run,
                                  coverage=measured, thresholds=thresholds)
        typer.echo(f"wrote {summary_.write(summary, document)}")


def eval_(
    path: Annotated[str, typer.Argument(help="document path, e.g. privacy/decision")],
    input_file: Annotated[Optional[Path], typer.Option("--input", "-i", help="input JSON file; - for stdin")] = None,
    policies: PolicyDir = DEFAULT_POLICIES,
) -> None:
    """Evaluate one document against an input and print the result as JSON."""
    value = UNDEFINED
    if input_file is not None:
        value = read_json(input_file)
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


def lint(policies: Annotated[Path, typer.Argument(help="policy directory")] = DEFAULT_POLICIES) -> None:
    """Lint the policies: METADATA and clauses, unused helpers, rego.v1 syntax, names, section order."""
    from privacy_pdp.authoring import lint as lint_

    findings = lint_.lint(load(policies))
    for line in lint_.format_findings(findings, str(policies)):
        typer.echo(line)
    if findings:
        typer.echo(f"{len(findings)} lint finding{'s' if len(findings) != 1 else ''}")
        raise typer.Exit(1)
    typer.echo("lint ok")
