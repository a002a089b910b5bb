"""Audit commands: explain (and why-not), replay, diff, report."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from privacy_pdp.audit.source import PolicySource, SourceError, VerificationKey, load_source
from privacy_pdp.cli.common import DEFAULT_POLICIES
from privacy_pdp.core.engine import EngineError

KeyOption = Annotated[Optional[Path], typer.Option("--verification-key", help="PEM public key (or HMAC secret) to verify a signed bundle")]
AlgOption = Annotated[str, typer.Option("--signing-alg", help="the bundle signature's algorithm")]


def register(app: typer.Typer) -> None:
    app.command()(explain)
    for name in ("replay", "diff", "report"):
        if name in globals():  # added step by step
            app.command()(globals()[name])


def _source(path: Path, key: Optional[Path] = None, alg: str = "RS256") -> PolicySource:
    try:
        return load_source(path, VerificationKey(key, alg) if key else None)
    except SourceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _read_input(path: Path) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        value = json.loads(text)
    except OSError as exc:
        typer.echo(f"error: {path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    except json.JSONDecodeError as exc:
        typer.echo(f"error: input is not JSON: {exc}", err=True)
        raise typer.Exit(2) from None
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
    from privacy_pdp.audit.explain import explain as explain_decision
    from privacy_pdp.audit.vocabulary import Vocabulary, catalogue_of
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
