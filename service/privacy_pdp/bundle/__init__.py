"""OPA bundles: build, sign, verify, load and keep fetching them.

A bundle is OPA's unit of distribution: a gzipped tar of Rego modules, ``data.json`` files
at their data paths, a ``.manifest`` and, when signed, a ``.signatures.json``. This package
writes bundles a real OPA accepts and reads them into a core ``PolicySet``; it imports only
``privacy_pdp.core``.
"""

from __future__ import annotations


class BundleError(Exception):
    """A bundle that cannot be used; ``stage`` says where it failed (download, parse, verify)."""

    stage = "parse"

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + "".join(f"\n  {p}" for p in self.problems)


class BundleFormatError(BundleError):
    """Not a bundle we can read: bad gzip/tar, bad JSON, a file type we do not serve."""

    stage = "parse"


class BundleVerificationError(BundleError):
    """The signature is missing, invalid, or does not cover exactly the bundle's files."""

    stage = "verify"


class BundleDownloadError(BundleError):
    """The bundle could not be fetched from its source."""

    stage = "download"

    def __init__(self, message: str, http_code: int | None = None):
        super().__init__(message)
        self.http_code = http_code
