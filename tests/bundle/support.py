"""Helpers shared by the bundle tests."""

from __future__ import annotations

import os
from pathlib import Path

from privacy_pdp.bundle.load import LoadedBundle
from privacy_pdp.core.engine import RegoEngine


class Activations:
    """An activate callback that records what it is given; optionally compiles it first."""

    def __init__(self, compile_with_regopy: bool = False):
        self.revisions: list[str] = []
        self.compile = compile_with_regopy

    def __call__(self, loaded: LoadedBundle) -> None:
        if self.compile:
            RegoEngine(loaded.policy_set)
        self.revisions.append(loaded.revision)


def publish(path: Path, data: bytes) -> None:
    staged = path.with_name(path.name + ".new")
    staged.write_bytes(data)
    os.replace(staged, path)  # as a deploy does: readers see the old file or the new one
