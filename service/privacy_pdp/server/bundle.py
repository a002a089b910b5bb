"""Serving from a bundle: the bundle watcher wired to the runtime, its status, readiness and
staleness.

With ``PDP_BUNDLE_URL`` or ``PDP_BUNDLE_PATH`` (``serve --bundle``) the app starts with no
policy set and not ready; the watcher (``privacy_pdp.bundle.watch``) fetches, verifies and
hands each new bundle to ``runtime.activate``, which compiles it first and swaps it in
atomically (requests in flight finish on the revision they started with). A verification
key makes signatures mandatory. With ``PDP_BUNDLE_MAX_STALENESS_SECONDS``, decisions fail
closed (a deny citing ``privacy.fail_closed``) once the bundle source has not answered for
that long (open-policy-agent/opa#4338 asks OPA for the same).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from typing import Any

from privacy_pdp.bundle.fetch import open_source
from privacy_pdp.bundle.keys import KeyRing
from privacy_pdp.bundle.load import LoadedBundle
from privacy_pdp.bundle.manifest import BundleFormatError, package_path, root_contains
from privacy_pdp.bundle.watch import BundleWatcher
from privacy_pdp.server.runtime import PolicyRuntime
from privacy_pdp.server.settings import Settings

log = logging.getLogger("privacy_pdp.bundle")

BUNDLE_NAME = "privacy"
FAIL_CLOSED_CLAUSE = "privacy.fail_closed"
STALE_CODE = "policy_stale"
NO_POLICY_CODE = "no_active_policy"
NO_POLICY_MESSAGE = "no policy set is active yet (none has loaded or verified): failing closed"
UNDEFINED_CODE = "decision_undefined"
UNDEFINED_MESSAGE = "the active policy set gives no decision for this input: failing closed"


class BundleService:
    def __init__(self, settings: Settings, runtime: PolicyRuntime):
        spec = settings.bundle_url or str(settings.bundle_path)
        remote = settings.bundle_url is not None
        keys = None
        if settings.bundle_verification_key is not None:
            keys = KeyRing(settings.bundle_verification_key, settings.bundle_signing_alg,
                           settings.bundle_verification_key_id, settings.bundle_scope)
        self.runtime = runtime
        self.roots: list[str] = [""]  # the active bundle's; before the first, everything (OPA's default)
        self.api_modules: dict[str, str] = {}  # written through the Policy API, outside the roots
        self.writes = threading.Lock()  # an activation and a Policy API write, one at a time
        self.max_staleness = settings.bundle_max_staleness_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self.watcher = BundleWatcher(
            BUNDLE_NAME,
            open_source(spec),
            self._activate,
            keys,
            scope=settings.bundle_scope,
            min_delay=settings.bundle_poll_min_seconds,
            max_delay=settings.bundle_poll_max_seconds,
            # a local file is its own persistence; a downloaded bundle is kept for restarts
            persist_dir=settings.bundle_persist_dir if remote else None,
        )

    def _activate(self, loaded: LoadedBundle) -> None:
        with self.writes:
            roots = loaded.manifest.effective_roots()
            kept = {name: source for name, source in self.api_modules.items() if _owner(roots, source, name) is None}
            for name in self.api_modules.keys() - kept.keys():
                log.warning("policy %s written through the Policy API is under the new bundle's roots: replaced", name)
            policy_set = loaded.policy_set
            if kept:  # a bundle's own file of the same name wins
                policy_set = dataclasses.replace(policy_set, modules={**kept, **policy_set.modules})
            self.runtime.activate(policy_set, apart=True)  # compiles first; raises (keeping the old set) if it cannot
            self.roots = roots
            self.api_modules = {k: v for k, v in kept.items() if k not in loaded.policy_set.modules}
        if self._loop is not None and not self._loop.is_closed():
            # compile in every worker thread now, not on the first requests after the swap
            asyncio.run_coroutine_threadsafe(self.runtime.warm_up(), self._loop)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await asyncio.to_thread(self.watcher.start)  # restoring a persisted bundle compiles it

    async def stop(self) -> None:
        await asyncio.to_thread(self.watcher.stop)

    def owner(self, source: str, name: str) -> str | None:
        """Why a Policy API write of this module must be refused (OPA's words), or None."""
        return _owner(self.roots, source, name)

    @property
    def ready(self) -> bool:
        return self.watcher.ready and self.runtime.ready

    def stale_reason(self) -> str | None:
        """Why decisions must fail closed now, or None: no bundle source answer for longer
        than the configured maximum staleness."""
        if self.max_staleness is None:
            return None
        age = self.watcher.staleness()
        if age is None or age <= self.max_staleness:
            return None
        revision = self.runtime.revision or "none"
        return (f"the policy bundle (revision {revision}) has not been confirmed current for {age:.0f} s, "
                f"more than the {self.max_staleness:g} s allowed: failing closed")

    def status(self) -> dict[str, Any]:
        """OPA's bundle status object, with this service's staleness."""
        status = self.watcher.status()
        report = status.to_opa()
        report["source"] = status.source
        if status.signed_by:
            report["signed_by"] = status.signed_by
        if status.stage:
            report["stage"] = status.stage
        if (reason := self.stale_reason()) is not None:
            report["stale"] = True
            report.setdefault("code", "bundle_error")
            report["message"] = reason if not status.code else f"{status.message}; {reason}"
        return report


def _owner(roots: list[str], source: str, name: str) -> str | None:
    try:
        path = package_path(source, name)
    except BundleFormatError:
        return None  # no package: the compile refuses it
    if "" in roots:
        return f'all paths owned by bundle "{BUNDLE_NAME}"'
    if any(root_contains(root, path) for root in roots):
        return f"path {path} is owned by bundle \"{BUNDLE_NAME}\""
    return None


def fail_closed_decision(reason: str, code: str = STALE_CODE) -> dict[str, Any]:
    """The decision document served when no decision can be made (the bundle is stale, no
    policy set is active, the active one decides nothing): a deny saying why."""
    return {
        "allow": False,
        "obligations": [],
        "reasons": [{"clause": FAIL_CLOSED_CLAUSE, "code": code, "effect": "deny", "message": reason}],
    }


def decision_paths(settings: Settings) -> frozenset[str]:
    return frozenset({"privacy/decision", settings.default_decision.strip("/")})


def in_decision(path: str, settings: Settings) -> list[str] | None:
    """The segments of path below a decision document ([] for the decision itself), or None
    when path is not the decision or a part of it. Empty segments do not count: the engine
    reads ``privacy//decision`` as ``privacy/decision``, and so does every check of it."""
    segments = [s for s in path.split("/") if s]
    for decision in decision_paths(settings):
        top = decision.split("/")
        if segments[:len(top)] == top:
            return segments[len(top):]
    return None


def part_of(document: Any, segments: list[str]) -> tuple[bool, Any]:
    """(defined, value) of the part of document that segments name, as a Data API path reads it."""
    for segment in segments:
        if isinstance(document, dict) and segment in document:
            document = document[segment]
        elif isinstance(document, list) and segment.isdigit() and int(segment) < len(document):
            document = document[int(segment)]
        else:
            return False, None
    return True, document
