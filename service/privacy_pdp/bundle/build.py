"""Build an OPA bundle from a policy directory, reproducibly.

What goes in: every ``*.rego`` but test modules (``*_test.rego``) and every ``data.json``,
at their paths relative to the policy directory (so a data file lands at its directory's
data path, as OPA loads it); hidden files and directories are left out, as
``core.policyset.load_directory`` leaves them out. A ``.manifest`` records the revision
(derived from the content unless given), the roots (the top-level namespaces present),
``rego_version`` 1 and metadata (the clause catalogue's digest, the tool and its version).
With a signing key, a ``.signatures.json`` covers every file. The same sources (and key)
give a byte-identical ``.tar.gz``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from privacy_pdp import __version__
from privacy_pdp.bundle import BundleFormatError
from privacy_pdp.bundle.archive import write_archive
from privacy_pdp.bundle.hashing import parse_json, value_digest
from privacy_pdp.bundle.keys import Key
from privacy_pdp.bundle.manifest import MANIFEST, Manifest, check_roots, package_path, top_level_roots
from privacy_pdp.bundle.sign import SIGNATURES, signatures_file
from privacy_pdp.core.policyset import PolicySetError, decode_text, is_test_module, merge_at

TOOL = "privacy-pdp"
CATALOGUE_PATH = ("privacy", "catalogue")


@dataclass(frozen=True)
class BuiltBundle:
    archive: bytes
    manifest: Manifest
    files: dict[str, bytes]  # everything in the archive, .manifest and .signatures.json included

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.archive).hexdigest()

    @property
    def signed(self) -> bool:
        return SIGNATURES in self.files


def collect_sources(root: Path | str) -> dict[str, bytes]:
    """The bundle's payload files of a policy directory, by bundle path."""
    root = Path(root)
    if not root.is_dir():
        raise BundleFormatError(f"{root}: not a directory")
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        name = rel.as_posix()
        if (path.suffix == ".rego" and not is_test_module(name)) or path.name == "data.json":
            files[name] = path.read_bytes()
    if not any(name.endswith(".rego") for name in files):
        raise BundleFormatError(f"{root}: no Rego modules to bundle")
    return files


def content_revision(files: dict[str, bytes]) -> str:
    """A revision that names the content: the same modules and data give the same one."""
    listing = "".join(f"{name}\0{hashlib.sha256(files[name]).hexdigest()}\n" for name in sorted(files))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()[:16]


def describe(files: dict[str, bytes]) -> tuple[dict[str, str], dict[str, Any]]:
    """Module packages (for roots) and the merged data document (numbers kept as text)."""
    packages: dict[str, str] = {}
    data: dict[str, Any] = {}
    for name, content in sorted(files.items()):
        if name.endswith(".rego"):
            try:
                packages[name] = package_path(decode_text(name, content), name)
            except PolicySetError as exc:
                raise BundleFormatError(str(exc)) from None
        elif name.rsplit("/", 1)[-1] == "data.json":
            directory = name.rsplit("/", 1)[0].split("/") if "/" in name else []
            try:
                merge_at(data, directory, parse_json(content, name), name)
            except PolicySetError as exc:
                raise BundleFormatError(str(exc)) from None
    return packages, data


def catalogue_digest(data: dict[str, Any]) -> str | None:
    node: Any = data
    for key in CATALOGUE_PATH:
        node = node.get(key) if isinstance(node, dict) else None
    return None if node is None else value_digest(node)


def build_bundle(
    policies: Path | str,
    *,
    revision: str | None = None,
    signing_key: Key | None = None,
    scope: str = "",
) -> BuiltBundle:
    files = collect_sources(policies)
    packages, data = describe(files)
    metadata: dict[str, Any] = {"tool": TOOL, "tool_version": __version__}
    if (digest := catalogue_digest(data)) is not None:
        metadata["catalogue_sha256"] = digest
    manifest = Manifest(
        revision=revision if revision is not None else content_revision(files),
        roots=top_level_roots(packages.values(), data),
        rego_version=1,
        metadata=metadata,
    )
    check_roots(manifest, packages, data)
    files[MANIFEST] = manifest.to_bytes()
    if signing_key is not None:
        files[SIGNATURES] = signatures_file(files, signing_key, scope)
    return BuiltBundle(write_archive(files), manifest, files)
