"""Check a decision-log directory: the chain across its segments, in order.

Reads every segment line by line and stops at the first broken link, naming it by
file:line. A partial last line in the newest segment is what a crash mid-write leaves
behind; it is reported and not counted, and is not a break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from privacy_pdp.server.decision_log.chain import GENESIS, ChainError, partial_problem, unseal
from privacy_pdp.server.decision_log.segments import list_segments


@dataclass
class Break:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class VerifyReport:
    directory: Path
    events: int = 0
    files: list[str] = field(default_factory=list)
    first_break: Break | None = None
    last_hash: str = GENESIS
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_break is None and bool(self.files)


def verify_directory(directory: Path, allow_pruned: bool = False) -> VerifyReport:
    """allow_pruned: the oldest segments may have been removed, so the chain may start at
    any hash (otherwise it must start at GENESIS)."""
    report = VerifyReport(directory)
    segments = list_segments(directory)
    if not segments:
        report.notes.append(f"no decision-log segments (decisions-NNNNNN.jsonl) in {directory}")
        return report
    expected: str | None = None if allow_pruned else GENESIS
    for position, segment in enumerate(segments):
        report.files.append(segment.path.name)
        newest = position == len(segments) - 1
        with open(segment.path, "rb") as f:
            for number, raw in enumerate(f, start=1):
                if not raw.endswith(b"\n"):
                    problem = partial_problem(raw, expected) if newest else "line has no end (file cut short)"
                    if problem is not None:
                        report.first_break = Break(segment.path.name, number, problem)
                        return report
                    report.notes.append(
                        f"{segment.path.name}:{number}: partial last line ({len(raw)} bytes) ignored: "
                        "a write cut short by a crash"
                    )
                    break
                try:
                    value, prev_hash, _ = unseal(raw[:-1])
                except ChainError as exc:
                    report.first_break = Break(segment.path.name, number, str(exc))
                    return report
                if expected is not None and prev_hash != expected:
                    what = "the first event does not start the chain" if expected == GENESIS and report.events == 0 \
                        else "prev_hash is not the previous event's hash (an event was removed, inserted or reordered)"
                    report.first_break = Break(segment.path.name, number, what)
                    return report
                expected = value
                report.events += 1
                report.last_hash = value
    return report

