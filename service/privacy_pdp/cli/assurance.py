"""Assurance commands: benchmark, bounded verification, mutation."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from privacy_pdp.cli.common import DEFAULT_POLICIES, PolicyDir, load
from privacy_pdp.core.engine import EngineError


def register(app: typer.Typer) -> None:
    app.command()(bench)
    app.command()(verify)
    app.command()(mutate)



def bench(
    policies: PolicyDir = DEFAULT_POLICIES,
    seconds: Annotated[float, typer.Option(min=1.0, help="seconds per HTTP load run (wrk runs whole seconds)")] = 5.0,
    size: Annotated[int, typer.Option(help="distinct inputs of the in-process corpus (at least 1,000)")] = 1200,
    seed: Annotated[int, typer.Option(help="seed of the corpus")] = 20261211,
    engine: Annotated[Optional[list[str]], typer.Option(help="engines to measure (default: regopy and opa)")] = None,
    concurrency: Annotated[Optional[list[int]], typer.Option(help="HTTP concurrencies (default: 1, 16, 64)")] = None,
    processes: Annotated[Optional[int], typer.Option(help="the service's processes (default: the service's own, as make run serves)")] = None,
    workers: Annotated[Optional[int], typer.Option(help="the service's evaluation threads per process (default: the service's own)")] = None,
    compare_layouts: Annotated[bool, typer.Option(help="also measure one process of CPU threads against CPU processes")] = True,
    http: Annotated[bool, typer.Option(help="measure over HTTP (starts servers on loopback)")] = True,
    in_process: Annotated[bool, typer.Option(help="measure in process")] = True,
    server_python: Annotated[Optional[str], typer.Option(help="serve from the installation of this Python (to compare builds)")] = None,
    json_out: Annotated[Path, typer.Option("--json", help="where the JSON result goes")] = Path("var/bench-result.json"),
) -> None:
    """The decision's cost in process (both engines, cache off and on, by stage) and over HTTP
    (repeated, distinct and batch traffic at several concurrencies, next to a raw ASGI floor),
    start-up time and resident memory: a table on stdout, everything in JSON."""
    from privacy_pdp.assurance import bench as benchmarks
    from privacy_pdp.server.settings import layout

    processes, workers = layout(processes, workers)  # the layout make run serves, unless told
    engines = tuple(engine or ("regopy", "opa"))

    def progress(message: str) -> None:
        typer.echo(f"... {message}", err=True)

    result = benchmarks.run(
        policies, size=size, seed=seed, engines=engines, http_engines=engines,
        concurrency=tuple(concurrency or (1, 16, 64)), seconds=seconds, in_process=in_process, http=http,
        workers=workers, processes=processes, compare_layouts=compare_layouts,
        server_python=server_python or sys.executable, progress=progress,
    )
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(json.dumps(result, indent=2) + "\n")
    for line in benchmarks.report.tables(result):
        typer.echo(line)
    typer.echo(f"JSON: {json_out} ({result['seconds']:.0f} s in all)")


def _progress_bar(description: str):
    """A progress callback (done, total) on stderr: rich when installed, plain text otherwise,
    and the context that closes it."""
    import contextlib

    from privacy_pdp.assurance.verify import TextProgress

    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    except ImportError:  # pragma: no cover - rich comes with typer
        return contextlib.nullcontext(), TextProgress()
    if not sys.stderr.isatty():  # a log, not a terminal: plain lines
        return contextlib.nullcontext(), TextProgress()
    progress = Progress(
        TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    task = progress.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, update


def verify(
    policies: PolicyDir = DEFAULT_POLICIES,
    workers: Annotated[int, typer.Option(help="threads, one regopy interpreter each")] = 2,
    domain: Annotated[str, typer.Option(help="bounded (about 10 minutes) or product (hours)")] = "bounded",
    sample: Annotated[Optional[int], typer.Option(help="check a seeded sample of about this many points")] = None,
    seed: Annotated[int, typer.Option(help="seed of the sample")] = 20261123,
    company: Annotated[Optional[list[str]], typer.Option(help="only these companies")] = None,
    engine: Annotated[str, typer.Option(help="regopy (production) or opa")] = "regopy",
    keep: Annotated[int, typer.Option(help="counterexamples printed per invariant")] = 3,
) -> None:
    """Exhaustive bounded check of the invariants over one-category requests; exit 1 on a counterexample."""
    from privacy_pdp.assurance import invariants
    from privacy_pdp.assurance import verify as verifier

    policy_set = load(policies)
    model = invariants.Model.from_policy_set(policy_set)
    try:
        space = verifier.build_domain(model, domain, company)
        observer = invariants.Observer.opa(policy_set) if engine == "opa" else invariants.Observer.regopy(policy_set)
    except (ValueError, EngineError) as exc:
        typer.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
        raise typer.Exit(2) from None
    for line in verifier.describe_domain(model, space):
        typer.echo(line)
    typer.echo(f"domain size: {space.size:,} points" + (f"; checking a sample of about {sample:,} (seed {seed})" if sample else ""))
    context, update = _progress_bar("verify")
    with context:
        report = verifier.run(policy_set, workers=workers if engine != "opa" else 1, mode=domain, sample=sample,
                              seed=seed, companies=company, keep=keep, observer=observer, progress=update)
    rate = report.evaluations / report.seconds if report.seconds else 0.0
    typer.echo(
        f"checked {report.points:,} points ({report.evaluations:,} evaluations) in {report.seconds:,.1f} s: "
        f"{report.points / report.seconds if report.seconds else 0:,.1f} points/s, {rate:,.1f} decisions/s"
    )
    if report.ok:
        typer.echo("no counterexample")
        return
    for name, n in sorted(report.violations_by_invariant.items()):
        typer.echo(f"invariant {name}: {n:,} counterexample(s)")
    for c in report.counterexamples:
        typer.echo(f"\n[{c.invariant}] {c.problem}")
        typer.echo(f"  input:    {json.dumps(c.input, sort_keys=True)}")
        if c.related_input is not None:
            typer.echo(f"  compared: {json.dumps(c.related_input, sort_keys=True)}")
        typer.echo(f"  decision: {json.dumps(c.decision, sort_keys=True)}")
    raise typer.Exit(1)


def mutate(
    policies: PolicyDir = DEFAULT_POLICIES,
    company: Annotated[Optional[list[str]], typer.Option(help="only these companies' modules")] = None,
    sample: Annotated[int, typer.Option(help="points of the bounded domain per company for the invariants")] = 600,
    seed: Annotated[int, typer.Option(help="seed of the sample")] = 7,
    limit: Annotated[Optional[int], typer.Option(help="at most this many mutants per company")] = None,
) -> None:
    """Mutation check: negate a condition or drop a rule in each company module; do the tests or invariants notice?"""
    from privacy_pdp.assurance import mutation

    policy_set = load(policies)

    def report_one(result, done: int, total: int) -> None:
        mark = {"killed": "killed   ", "survived": "SURVIVED ", "stillborn": "stillborn"}[result.status]
        typer.echo(f"[{done}/{total}] {mark} {result.mutant.where}  {result.mutant.description[:90]}"
                   + (f"  <- {result.by[:120]}" if result.by else ""), err=True)

    report = mutation.run(policy_set, companies=company, sample=sample, seed=seed, limit=limit, progress=report_one)
    if report.baseline_failures:
        typer.echo(f"note: {len(report.baseline_failures)} test failure(s) or invariant violation(s) on the unmutated "
                   "policy; only new ones kill a mutant")
    survivors = [r for r in report.results if r.status == "survived"]
    for r in survivors:
        typer.echo(f"SURVIVED {r.mutant.where}  {r.mutant.description}")
    typer.echo(
        f"mutants: {len(report.results)}, killed {report.count('killed')}, survived {len(survivors)}, "
        f"stillborn {report.count('stillborn')}; score {report.score:.1%} in {report.seconds:,.0f} s"
    )
