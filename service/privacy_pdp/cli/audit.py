"""Audit commands: explain (and why-not), replay, diff, report."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from privacy_pdp.audit.source import PolicySource, SourceError, VerificationKey, load_source
from privacy_pdp.cli.common import DEFAULT_POLICIES, read_json
from privacy_pdp.core.engine import EngineError

KeyOption = Annotated[Optional[Path], typer.Option("--verification-key", help="PEM public key (or HMAC secret) to verify a signed bundle")]
AlgOption = Annotated[str, typer.Option("--signing-alg", help="the bundle signature's algorithm")]


def register(app: typer.Typer) -> None:
    app.command()(explain)
    app.command()(replay)
    app.command()(diff)
    app.command()(report)


def _source(path: Path, key: Optional[Path] = None, alg: str = "RS256") -> PolicySource:
    try:
        return load_source(path, VerificationKey(key, alg) if key else None)
    except SourceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _read_input(path: Path) -> dict[str, Any]:
    value = read_json(path)
    if isinstance(value, dict) and isinstance(value.get("input"), dict) and "company" not in value:
        value = value["input"]  # an OPA request body: {"input": {...}}
    if not isinstance(value, dict):
        typer.echo("error: the input must be a JSON object (a decision input, or {\"input\": ...})", err=True)
        raise typer.Exit(2)
    return value


def explain(
    input_file: Annotated[Path, typer.Option("--input", "-i", help="decision input JSON file; - for stdin")],
    policies: Annotated[Optional[Path], typer.Option("--policies", "-p", help="policy directory")] = None,
    bundle: Annotated[Optional[Path], typer.Option("--bundle", "-b", help="bundle .tar.gz")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for machines")] = False,
    why_not: Annotated[bool, typer.Option("--why-not", help="single changes that would flip the decision")] = False,
    verification_key: KeyOption = None,
    signing_alg: AlgOption = "RS256",
) -> None:
    """Explain a decision: allow or deny, each reason with its clause, quote and source lines, the obligations."""
    from privacy_pdp.audit import text
    from privacy_pdp.audit.explain import catalogue_of, explain as explain_decision
    from privacy_pdp.audit.vocabulary import Vocabulary
    from privacy_pdp.audit.whynot import why_not as compute_why_not
    from privacy_pdp.core.engine import RegoEngine

    if policies is not None and bundle is not None:
        typer.echo("error: give --policies or --bundle, not both", err=True)
        raise typer.Exit(2)
    request = _read_input(input_file)
    source = _source(bundle or policies or DEFAULT_POLICIES, verification_key, signing_alg)
    try:
        engine = RegoEngine(source.policy_set, entrypoints=["privacy/decision"])
        evaluation = engine.evaluate("privacy/decision", request)
    except EngineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    if not evaluation.defined or not isinstance(evaluation.value, dict):
        typer.echo("error: privacy/decision is undefined for this input", err=True)
        raise typer.Exit(2)
    catalogue = catalogue_of(source.policy_set)
    explanation = explain_decision(evaluation.value, catalogue)
    if why_not:
        def evaluate(variant: dict[str, Any]) -> Any:
            return engine.evaluate("privacy/decision", variant).value

        explanation.why_not = compute_why_not(evaluate, request, evaluation.value, catalogue, Vocabulary.of(source.policy_set))
    if as_json:
        body = {"revision": source.revision, "input": request, "result": evaluation.value,
                "explanation": explanation.model_dump(mode="json")}
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        typer.echo(text.render(explanation, request))


def _progress(description: str):
    """A rich progress bar on a terminal's stderr (nothing when stderr is a file or pipe):
    the context that shows it and the (done, total) callback."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext(), None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task(description, total=None)
    return bar, lambda done, total: bar.update(task, completed=done, total=total)


def _finish_impact(impact: Any, as_json: bool, examples: int) -> None:
    from privacy_pdp.audit import impact_text

    if as_json:
        body = impact.model_dump(mode="json")
        body["counts"] = dict(impact.counts())
        body["flips"] = impact.flips
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        typer.echo(impact_text.render(impact, examples))
    if impact.flips:  # a CI gate: a policy change that turns any allow into a deny, or back
        raise typer.Exit(1)


def replay(
    log_dir: Annotated[Path, typer.Argument(help="decision-log directory (every *.jsonl in it) or one .jsonl file")],
    bundle: Annotated[Path, typer.Option("--bundle", "-b", help="the new policy set: bundle .tar.gz or policy directory")],
    against: Annotated[Optional[Path], typer.Option(help="compare with this policy set's answers instead of the logged results")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for machines")] = False,
    examples: Annotated[int, typer.Option(help="examples shown per clause")] = 3,
    workers: Annotated[int, typer.Option(help="evaluation threads")] = 2,
    verification_key: KeyOption = None,
    signing_alg: AlgOption = "RS256",
) -> None:
    """Re-evaluate logged decisions under another policy set; exit 1 if any allow turns to deny or back."""
    from privacy_pdp.audit.replay import ReplayError, replay as run_replay

    new = _source(bundle, verification_key, signing_alg)
    baseline = _source(against, verification_key, signing_alg) if against else None
    context, update = _progress("replay")
    try:
        with context:
            impact = run_replay(log_dir, new.policy_set, new.label,
                                baseline.policy_set if baseline else None, baseline.label if baseline else "logged results",
                                workers=workers, progress=update)
    except (ReplayError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except EngineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    if impact.evaluated == 0:  # a gate over nothing must not pass
        typer.echo(f"error: no decision events to replay in {log_dir} ({impact.read} lines read)", err=True)
        raise typer.Exit(2)
    _finish_impact(impact, as_json, examples)


def diff(
    old: Annotated[Path, typer.Argument(help="policy set A: bundle .tar.gz or policy directory")],
    new: Annotated[Path, typer.Argument(help="policy set B")],
    company: Annotated[Optional[list[str]], typer.Option(help="only these companies")] = None,
    kind: Annotated[Optional[list[str]], typer.Option(help="only these recipient kinds")] = None,
    contexts: Annotated[str, typer.Option(help="wide (ten contexts per cell) or report (the report's two)")] = "wide",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for machines")] = False,
    examples: Annotated[int, typer.Option(help="examples shown per clause")] = 3,
    workers: Annotated[int, typer.Option(help="evaluation threads")] = 2,
    verification_key: KeyOption = None,
    signing_alg: AlgOption = "RS256",
) -> None:
    """Compare two policy sets over the decision matrix; exit 1 if any allow turns to deny or back."""
    from privacy_pdp.audit.diff import diff as run_diff
    from privacy_pdp.audit.matrix import REPORT_CONTEXTS, WIDE_CONTEXTS

    if contexts not in ("wide", "report"):
        typer.echo("error: --contexts is wide or report", err=True)
        raise typer.Exit(2)
    a = _source(old, verification_key, signing_alg)
    b = _source(new, verification_key, signing_alg)
    context, update = _progress("diff")
    try:
        with context:
            impact = run_diff(a.policy_set, b.policy_set, a.label, b.label,
                              WIDE_CONTEXTS if contexts == "wide" else REPORT_CONTEXTS, company, kind, workers, update)
    except EngineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    _finish_impact(impact, as_json, examples)


DEFAULT_RESULTS = Path("var/reports")  # where make test writes its reports


def report(
    source: Annotated[Path, typer.Argument(help="bundle .tar.gz or policy directory")] = DEFAULT_POLICIES,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write")] = Path("report.html"),
    results: Annotated[Path, typer.Option(help="directory of test results (JUnit XML, Cobertura coverage.xml, JSON summaries)")] = DEFAULT_RESULTS,
    tests: Annotated[Optional[Path], typer.Option(help="policy directory whose *_test.rego name the clauses (a bundle ships no tests); default: ./policies for a bundle")] = None,
    workers: Annotated[int, typer.Option(help="evaluation threads for the decision matrix")] = 2,
    verification_key: KeyOption = None,
    signing_alg: AlgOption = "RS256",
) -> None:
    """Write the audit report: one self-contained HTML file (catalogue, rules, tests, readings, decision matrix)."""
    import os

    from privacy_pdp.audit.report import gather
    from privacy_pdp.audit.report_html import render

    started = time.perf_counter()
    loaded = _source(source, verification_key, signing_alg)
    if tests is None and loaded.kind == "bundle" and DEFAULT_POLICIES.is_dir():
        tests = DEFAULT_POLICIES
    context, update = _progress("decision matrix")
    try:
        with context:
            data = gather(loaded, results, tests, workers=workers, progress=update)
    except EngineError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    html = render(data)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, output)
    typer.echo(f"{output}: {len(html.encode()):,} bytes; revision {loaded.revision}; {len(data.companies)} companies, "
               f"{data.clause_count} clauses, {len(data.cells):,} matrix cells; {time.perf_counter() - started:.1f} s")
