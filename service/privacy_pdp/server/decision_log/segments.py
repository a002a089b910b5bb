"""The decision-log directory: numbered segment files, and recovering the chain's end.

Segments are ``decisions-000001.jsonl``, ``decisions-000002.jsonl``, ... in chain order;
only the highest-numbered one is ever appended to. A crash can leave a partial last line
in it (the process died mid-write); ``recover`` cuts that off before appending again.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from privacy_pdp.server.decision_log.chain import GENESIS, ChainError, partial_problem, unseal

log = logging.getLogger(__name__)

_NAME = re.compile(r"^decisions-(\d{6,})\.jsonl$")
_TAIL_CHUNK = 1 << 16


def segment_name(number: int) -> str:
    return f"decisions-{number:06d}.jsonl"


def segment_number(name: str) -> int | None:
    match = _NAME.match(name)
    return int(match.group(1)) if match else None


@dataclass
class Segment:
    number: int
    path: Path
    size: int  # bytes of complete lines


def list_segments(directory: Path) -> list[Segment]:
    found = []
    for entry in os.scandir(directory):
        number = segment_number(entry.name)
        if number is not None and entry.is_file():
            found.append(Segment(number, Path(entry.path), entry.stat().st_size))
    return sorted(found, key=lambda s: s.number)


def complete_size(path: Path) -> int:
    """Bytes up to and including the last newline."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        end = size
        while end > 0:
            start = max(0, end - _TAIL_CHUNK)
            f.seek(start)
            chunk = f.read(end - start)
            index = chunk.rfind(b"\n")
            if index >= 0:
                return start + index + 1
            end = start
    return 0


def last_line(path: Path, size: int) -> bytes | None:
    """The last complete line of the first `size` bytes of path, without its newline."""
    if size == 0:
        return None
    with open(path, "rb") as f:
        end = size - 1  # the final newline
        buffer = b""
        while end > 0:
            start = max(0, end - _TAIL_CHUNK)
            f.seek(start)
            buffer = f.read(end - start) + buffer
            index = buffer.rfind(b"\n")
            if index >= 0:
                return buffer[index + 1 :]
            end = start
        return buffer


class RecoveryError(Exception):
    """The end of the existing chain cannot be read, so it cannot be continued."""


def recover(directory: Path) -> tuple[list[Segment], str]:
    """Segments found (the newest cut back to its last complete line, when what follows is
    what a crash leaves) and the hash the next event must chain to."""
    segments = list_segments(directory)
    if not segments:
        return segments, GENESIS
    last = segments[-1]
    whole = complete_size(last.path)
    tail_size, last.size = last.size - whole, whole
    last_hash = GENESIS
    for segment in reversed(segments):
        line = last_line(segment.path, segment.size)
        if line is None:
            continue
        try:
            last_hash, _, _ = unseal(line)
        except ChainError as exc:
            raise RecoveryError(
                f"cannot continue the decision-log chain: the last event of {segment.path} is damaged ({exc}); "
                f"run `privacy-pdp logs verify {directory}`"
            ) from None
        break
    if tail_size:
        with open(last.path, "r+b") as f:
            f.seek(whole)
            tail = f.read(tail_size)
            problem = partial_problem(tail, last_hash)
            if problem is not None:
                raise RecoveryError(
                    f"cannot continue the decision-log chain: {last.path} ends in bytes that are not a cut-short "
                    f"event ({problem}); run `privacy-pdp logs verify {directory}`"
                )
            log.warning("decision log: cutting a partial last line (%d bytes) from %s, left by a crash",
                        tail_size, last.path.name)
            f.truncate(whole)
            os.fsync(f.fileno())
    return segments, last_hash
