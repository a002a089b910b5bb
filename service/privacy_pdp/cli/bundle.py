"""The bundle commands: build, verify and inspect OPA bundles."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from privacy_pdp.bundle import BundleError
from privacy_pdp.bundle.build import build_bundle
from privacy_pdp.bundle.keys import DEFAULT_ALGORITHM, DEFAULT_KEY_ID, KeyRing, load_signing_key
from privacy_pdp.bundle.load import load_bundle, load_bundle_file
from privacy_pdp.cli.common import DEFAULT_POLICIES

bundle_app = typer.Typer(help="OPA bundles: build (reproducibly, optionally signed), verify, inspect.", no_args_is_help=True)

KeyId = Annotated[Optional[str], typer.Option("--key-id", "--verification-key-id", help="key id (OPA's kid)")]
Alg = Annotated[str, typer.Option("--signing-alg", help="RS256 (default), HS256, or another JWS algorithm")]
Scope = Annotated[str, typer.Option("--scope", help="the signature's scope claim")]


def register(app: typer.Typer) -> None:
    app.add_typer(bundle_app, name="bundle")


def _fail(exc: BundleError, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code)


@bundle_app.command()
def build(
    policies: Annotated[Path, typer.Argument(help="policy directory")] = DEFAULT_POLICIES,
    output: Annotated[Path, typer.Option("--output", "-o", help="bundle file to write")] = Path("bundle.tar.gz"),
    revision: Annotated[Optional[str], typer.Option("--revision", "-r", help="revision (default: derived from the content)")] = None,
    signing_key: Annotated[Optional[Path], typer.Option("--signing-key", help="PEM private key, or HMAC secret file")] = None,
    signing_alg: Alg = DEFAULT_ALGORITHM,
    key_id: KeyId = None,
    scope: Scope = "",
    check: Annotated[bool, typer.Option("--check/--no-check", help="compile the bundle with regopy first")] = True,
) -> None:
    """Build an OPA bundle (.tar.gz): the same sources give the same bytes."""
    try:
        key = load_signing_key(signing_key, signing_alg, key_id or DEFAULT_KEY_ID) if signing_key else None
        built = build_bundle(policies, revision=revision, signing_key=key, scope=scope)
        if check:
            _compile(built.archive)
    except BundleError as exc:
        raise _fail(exc, 2) from None
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.write_bytes(built.archive)
    os.replace(tmp, output)  # a bundle server never serves a half-written file
    signed = f", signed with key {key.keyid} ({key.algorithm})" if key else ", unsigned"
    payload = len([n for n in built.files if not n.startswith(".")])
    typer.echo(f"{output}: revision {built.manifest.revision}, {payload} policy and data files{signed}, sha256 {built.sha256}")


def _compile(archive: bytes) -> None:
    from privacy_pdp.core.engine import CompileError, RegoEngine

    try:
        RegoEngine(load_bundle(archive, skip_verify=True).policy_set)
    except CompileError as exc:
        typer.echo(f"error: the bundle does not compile:\n{exc.message}", err=True)
        raise typer.Exit(2) from None


@bundle_app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="bundle .tar.gz")],
    verification_key: Annotated[Path, typer.Option("--verification-key", help="PEM public key, HMAC secret file, or a directory of <kid>.pem files")],
    key_id: KeyId = None,
    signing_alg: Alg = DEFAULT_ALGORITHM,
    scope: Scope = "",
) -> None:
    """Check a bundle's signature against every file in it; exit 1 naming what is wrong."""
    try:
        keys = KeyRing(verification_key, signing_alg, key_id, scope)
        loaded = load_bundle_file(file, keys, scope=scope)
    except BundleError as exc:
        raise _fail(exc) from None
    signer = loaded.signature.keyid if loaded.signature else "?"
    count = len(loaded.signature.files) if loaded.signature else 0
    typer.echo(f"{file}: verified: revision {loaded.revision}, {count} files (manifest included) signed by key {signer}, sha256 {loaded.sha256}")


@bundle_app.command()
def inspect(file: Annotated[Path, typer.Argument(help="bundle .tar.gz")]) -> None:
    """Print a bundle's manifest, files and digests (OPA's), and its signature's claims (unverified)."""
    from privacy_pdp.bundle.archive import read_archive
    from privacy_pdp.bundle.hashing import file_digest
    from privacy_pdp.bundle.sign import SIGNATURES

    try:
        loaded = load_bundle_file(file, skip_verify=True)
        files = read_archive(file.read_bytes())
        listing = [{"name": n, "size": len(c), "hash": file_digest(n, c), "algorithm": "SHA-256"} for n, c in sorted(files.items()) if n != SIGNATURES]
    except BundleError as exc:
        raise _fail(exc) from None
    report = {
        "file": str(file),
        "sha256": loaded.sha256,
        "revision": loaded.revision,
        "manifest": loaded.manifest.model_dump(exclude_none=True),
        "signed": SIGNATURES in files,
        "files": listing,
    }
    typer.echo(json.dumps(report, indent=2, ensure_ascii=False))

