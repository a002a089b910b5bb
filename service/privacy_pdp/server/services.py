"""What the routes work with, built once per app and reached through FastAPI dependencies."""

from __future__ import annotations

import asyncio
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Annotated

from fastapi import Depends, Request

from privacy_pdp import __version__
from privacy_pdp.audit.explain import catalogue_of
from privacy_pdp.server.bundle import BundleService
from privacy_pdp.server.decision_events import DecisionLogPort
from privacy_pdp.server.metrics import Metrics
from privacy_pdp.server.runtime import PolicyRuntime
from privacy_pdp.server.settings import Settings


@dataclass
class Services:
    settings: Settings
    runtime: PolicyRuntime
    decision_log: DecisionLogPort
    metrics: Metrics
    bundles: BundleService | None = None  # set when serving a bundle (file or bundle server)
    # OPA's labels: a unique id per running instance and the version.
    labels: dict[str, str] = field(default_factory=lambda: {"id": str(uuid.uuid4()), "version": __version__})
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    hostname: str = field(default_factory=socket.gethostname)
    policy_writes: asyncio.Lock = field(default_factory=asyncio.Lock)
    batch_slots: asyncio.Semaphore = field(init=False)  # batch requests decided at once (the settings say how many)
    _companies: tuple[str, frozenset[str]] = ("", frozenset())
    _catalogue: tuple[str, dict[str, Any]] = ("", {})

    def __post_init__(self) -> None:
        self.batch_slots = asyncio.Semaphore(self.settings.max_concurrent_batches)

    def companies(self) -> frozenset[str]:
        """Companies of the active policy set (bounds the metrics' company label)."""
        revision = self.runtime.revision
        if self._companies[0] != revision:
            policy_set = self.runtime.policy_set
            data = policy_set.data.get("privacy", {}).get("companies", {}) if policy_set else {}
            self._companies = (revision, frozenset(data) if isinstance(data, dict) else frozenset())
        return self._companies[1]

    def catalogue(self, revision: str) -> dict[str, Any] | None:
        """The clause catalogue of ``revision`` if it is still the active one (an explanation
        must come from the same policy set as the decision); None after a swap."""
        if self._catalogue[0] != revision:
            policy_set = self.runtime.policy_set
            if policy_set is None or self.runtime.revision != revision:
                return None
            self._catalogue = (revision, catalogue_of(policy_set))
        return self._catalogue[1]


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_runtime(request: Request) -> PolicyRuntime:
    return get_services(request).runtime


def get_settings(request: Request) -> Settings:
    return get_services(request).settings


ServicesDep = Annotated[Services, Depends(get_services)]
RuntimeDep = Annotated[PolicyRuntime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
