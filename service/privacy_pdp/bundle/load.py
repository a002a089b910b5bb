"""Read a bundle (bytes or a file) into a core ``PolicySet``, verifying it when keys are given.

Reading follows OPA's ``Reader.Read`` (``v1/bundle/bundle.go``): the signature is checked
first, over the raw files; ``.rego`` files are modules named by their bundle path;
``data.json`` values merge at their directory's path; the manifest's roots are enforced.
Files OPA would act on but this service cannot (``data.yaml``/``data.yml``, ``policy.wasm``,
``plan.json``, ``patch.json`` delta bundles) are refused rather than silently ignored;
other files are ignored, as OPA ignores them (though a signature must still cover them).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

from privacy_pdp.bundle import BundleFormatError
from privacy_pdp.bundle.archive import read_archive
from privacy_pdp.bundle.build import describe
from privacy_pdp.bundle.keys import KeyRing
from privacy_pdp.bundle.manifest import MANIFEST, Manifest, check_roots, parse_manifest
from privacy_pdp.bundle.verify import VerifiedSignature, verify_files
from privacy_pdp.core.policyset import PolicySet, PolicySetError, merge_at

UNSUPPORTED = {
    "data.yaml": "YAML data files are not supported; use data.json",
    "data.yml": "YAML data files are not supported; use data.json",
    "policy.wasm": "wasm modules are not supported",
    "plan.json": "plan bundles are not supported",
    "patch.json": "delta bundles are not supported",
}


@dataclass(frozen=True)
class LoadedBundle:
    policy_set: PolicySet
    manifest: Manifest
    sha256: str  # of the archive as received
    size: int
    signature: VerifiedSignature | None

    @property
    def revision(self) -> str:
        return self.policy_set.revision


def load_bundle(data: bytes, keys: KeyRing | None = None, *, scope: str | None = None, skip_verify: bool = False) -> LoadedBundle:
    """Parse and (unless skip_verify) verify a .tar.gz bundle. A configured key makes a
    signature mandatory; a signed bundle with no key configured is refused, as OPA does."""
    files = read_archive(data)
    signature = None if skip_verify else verify_files(files, keys, scope)
    for name in files:
        if (reason := UNSUPPORTED.get(posixpath.basename(name))) is not None:
            raise BundleFormatError(f"{name}: {reason}")
    manifest = parse_manifest(files[MANIFEST]) if MANIFEST in files else Manifest()
    packages, _ = describe({n: c for n, c in files.items() if n.endswith(".rego")})
    modules = {name: content.decode("utf-8") for name, content in sorted(files.items()) if name.endswith(".rego")}
    document: dict = {}
    for name, content in sorted(files.items()):
        if posixpath.basename(name) != "data.json":
            continue
        try:
            value = json.loads(content.decode("utf-8"), parse_constant=_reject)
        except (UnicodeDecodeError, ValueError) as exc:
            raise BundleFormatError(f"bundle load failed on {name}: {exc}") from None
        directory = posixpath.dirname(name)
        try:
            merge_at(document, directory.split("/") if directory else [], value, name)
        except PolicySetError as exc:
            raise BundleFormatError(str(exc)) from None
    check_roots(manifest, packages, document)
    digest = hashlib.sha256(data).hexdigest()
    # No revision in the manifest (a hand-made bundle): name it by its digest instead.
    revision = manifest.revision or f"sha256:{digest[:16]}"
    return LoadedBundle(PolicySet(modules, document, revision=revision), manifest, digest, len(data), signature)


def load_bundle_file(path: Path | str, keys: KeyRing | None = None, **options: object) -> LoadedBundle:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BundleFormatError(f"{path}: cannot read bundle ({exc.strerror or exc})") from None
    return load_bundle(data, keys, **options)  # type: ignore[arg-type]


def _reject(token: str) -> object:
    raise ValueError(f"{token} is not JSON")

