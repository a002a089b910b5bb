"""Where a policy set comes from: a policy directory or an OPA bundle file.

The audit tools take either; a ``.tar.gz`` goes through ``privacy_pdp.bundle`` (verified
when a key is given), a directory through ``core.policyset``. The source remembers what an
auditor needs about its origin: revision, sha256 of the archive and the signature status.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from privacy_pdp.core import policyset
from privacy_pdp.core.policyset import PolicySet


class SourceError(Exception):
    """A policy source that cannot be read or verified; the message names the file."""


@dataclass(frozen=True)
class VerificationKey:
    path: Path
    algorithm: str = "RS256"
    key_id: str | None = None
    scope: str = ""


@dataclass(frozen=True)
class PolicySource:
    path: Path
    kind: str  # "directory" | "bundle"
    policy_set: PolicySet
    revision: str
    sha256: str | None = None  # of the bundle archive
    signature: str = "not applicable (a policy directory, not a bundle)"
    signature_ok: bool | None = None  # True verified, False signed but not checked, None unsigned / n.a.

    @property
    def label(self) -> str:
        return f"{self.kind} {self.path}"


def is_bundle_path(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


def load_source(path: Path | str, key: VerificationKey | None = None) -> PolicySource:
    path = Path(path)
    if path.is_dir():
        try:
            policy_set = policyset.load_directory(path)
        except policyset.PolicySetError as exc:
            raise SourceError(str(exc)) from None
        return PolicySource(path, "directory", policy_set, policy_set.revision)
    if not path.exists():
        raise SourceError(f"{path}: no such bundle file or policy directory")
    if not is_bundle_path(path):
        raise SourceError(f"{path}: not a policy directory or a .tar.gz bundle")
    return _load_bundle(path, key)


def _load_bundle(path: Path, key: VerificationKey | None) -> PolicySource:
    # Imported here: explain and replay over a directory need no bundle machinery.
    from privacy_pdp.bundle import BundleError, BundleVerificationError
    from privacy_pdp.bundle.load import load_bundle_file

    keys: Any = None
    try:
        if key is not None:
            from privacy_pdp.bundle.keys import KeyRing

            keys = KeyRing(key.path, key.algorithm, key.key_id, key.scope)
        try:
            loaded = load_bundle_file(path, keys, scope=key.scope if key else None)
        except BundleVerificationError:
            if keys is not None:
                raise
            # Signed, but no key to check it with: read it, and say so in the report.
            loaded = load_bundle_file(path, skip_verify=True)
            return PolicySource(path, "bundle", loaded.policy_set, loaded.revision, loaded.sha256,
                                "signed, not verified (no verification key given)", False)
    except BundleError as exc:
        raise SourceError(f"{path}: {exc}") from None
    if loaded.signature is None:
        return PolicySource(path, "bundle", loaded.policy_set, loaded.revision, loaded.sha256, "unsigned", None)
    files = len(loaded.signature.files)
    status = f"verified: signed by key {loaded.signature.keyid}, {files} files covered"
    return PolicySource(path, "bundle", loaded.policy_set, loaded.revision, loaded.sha256, status, True)
