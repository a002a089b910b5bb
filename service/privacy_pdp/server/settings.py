"""Service settings, from the environment (with the CLI's options taking precedence)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    policies: Path = field(default_factory=lambda: Path(os.environ.get("PDP_POLICIES", "policies")))
    # POST / answers this document, as OPA's default_decision does (OPA's own default is system/main).
    default_decision: str = field(default_factory=lambda: os.environ.get("PDP_DEFAULT_DECISION", "privacy/decision"))
    # One regopy interpreter per worker thread: decisions are CPU-bound, so one per core.
    workers: int = field(default_factory=lambda: int(os.environ.get("PDP_WORKERS", _cpu_count())))
    # OPA's server.decoding.max_length default is 128 MiB; a decision input is small.
    max_body_bytes: int = field(default_factory=lambda: int(os.environ.get("PDP_MAX_BODY_BYTES", 1 << 20)))
