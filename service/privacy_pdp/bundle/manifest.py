"""The ``.manifest``: revision, roots, Rego version, metadata; and OPA's root rules.

Fields and checks follow OPA's ``Manifest`` and ``validateAndInjectDefaults``
(``v1/bundle/bundle.go``): roots default to ``[""]`` (the bundle owns everything), must
not overlap, and every module's package and every data path must lie under one of them.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError

from privacy_pdp.bundle import BundleFormatError
from privacy_pdp.bundle.hashing import Number, parse_json

MANIFEST = ".manifest"


class Manifest(BaseModel):
    # OPA ignores fields it does not know; so do we (they stay in the signed bytes).
    model_config = ConfigDict(extra="allow", frozen=True)

    revision: StrictStr = ""
    roots: list[StrictStr] | None = None
    rego_version: StrictInt | None = None
    file_rego_versions: dict[str, StrictInt] | None = None
    metadata: dict[str, Any] | None = None
    wasm: list[Any] | None = None

    def effective_roots(self) -> list[str]:
        return [r.strip("/") for r in self.roots] if self.roots is not None else [""]

    def to_bytes(self) -> bytes:
        """Deterministic JSON: sorted keys, two-space indent, trailing newline."""
        body = self.model_dump(exclude_none=True)
        return (json.dumps(body, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def parse_manifest(content: bytes) -> Manifest:
    value = _plain(parse_json(content, MANIFEST))
    if not isinstance(value, dict):
        raise BundleFormatError(f"{MANIFEST}: must hold a JSON object")
    try:
        manifest = Manifest.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "manifest"
        raise BundleFormatError(f"{MANIFEST}: {where}: {first['msg']}") from None
    if manifest.wasm:
        raise BundleFormatError(f"{MANIFEST}: wasm modules are not supported by this service")
    versions = [manifest.rego_version, *(manifest.file_rego_versions or {}).values()]
    if any(v is not None and v != 1 for v in versions):
        raise BundleFormatError(f"{MANIFEST}: only rego_version 1 is supported (rego.v1 syntax)")
    return manifest


def _plain(value: Any) -> Any:
    """Parsed JSON with numbers as Python numbers (the hashing parser keeps them as text)."""
    if isinstance(value, Number):
        return json.loads(str.__str__(value))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# --- roots --------------------------------------------------------------------------------

_PACKAGE = re.compile(r"^[ \t]*package[ \t]+([^\s#]+)", re.MULTILINE)
_SEGMENT = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_]*)|\["((?:[^"\\]|\\.)*)"\]')


def package_path(source: str, name: str) -> str:
    """The package of a module as a slash path (``package privacy.companies.kallu`` ->
    ``privacy/companies/kallu``), for the roots check."""
    match = _PACKAGE.search(source)  # comment lines start with '#', so never match
    if not match:
        raise BundleFormatError(f"{name}: no package declaration")
    ref, segments, pos = match.group(1), [], 0
    while pos < len(ref):
        seg = _SEGMENT.match(ref, pos)
        if not seg or seg.end() == pos:
            raise BundleFormatError(f"{name}: cannot read package name {ref!r}")
        segments.append(seg.group(1) if seg.group(1) is not None else json.loads(f'"{seg.group(2)}"'))
        pos = seg.end()
    return "/".join(segments)


def root_contains(root: str, path: str) -> bool:
    if root == "":
        return True
    r, p = root.split("/"), path.split("/")
    return len(r) <= len(p) and p[: len(r)] == r


def overlapping_roots(roots: Iterable[str]) -> tuple[str, str] | None:
    roots = list(roots)
    for i, a in enumerate(roots):
        for b in roots[i + 1 :]:
            if root_contains(a, b) or root_contains(b, a):
                return a, b
    return None


def check_roots(manifest: Manifest, packages: dict[str, str], data: dict[str, Any]) -> None:
    """OPA's checks: roots do not overlap; modules and data sit under a root."""
    roots = manifest.effective_roots()
    if clash := overlapping_roots(roots):
        raise BundleFormatError(f"manifest has overlapped roots: '{clash[0]}' and '{clash[1]}'")
    for name, package in sorted(packages.items()):
        if not any(root_contains(root, package) for root in roots):
            raise BundleFormatError(f"manifest roots {roots} do not permit package '{package}' in module '{name}'")
    _check_data(roots, data, "")


def _check_data(roots: list[str], node: Any, path: str) -> None:
    if any(root_contains(root, path) for root in roots):
        return
    if isinstance(node, dict) and any(root_contains(path, root) for root in roots if path or root):
        for key, child in node.items():
            _check_data(roots, child, f"{path}/{key}".strip("/"))
        return
    raise BundleFormatError(f"manifest roots {roots} do not permit data at path '/{path}'")


def top_level_roots(packages: Iterable[str], data: dict[str, Any]) -> list[str]:
    """The top-level namespaces present: first segments of packages and data keys."""
    return sorted({p.split("/")[0] for p in packages} | set(data))
