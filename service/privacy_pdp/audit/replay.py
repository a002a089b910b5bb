"""Replay logged decisions under another policy set and report what changes.

Reads every ``*.jsonl`` file of a decision-log directory (or one file), one OPA-format event
per line, taking its ``input``, ``path`` and ``result``. Lines that are not decision events
(not JSON, no input, an error instead of a result) are counted and skipped, never fatal.
Identical inputs are evaluated once: real traffic repeats itself, and a replay of a long
log is then bounded by its distinct requests.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from privacy_pdp.audit.impact import Change, Impact, compare
from privacy_pdp.audit.matrix import DECISION, canonical, evaluate_all
from privacy_pdp.core.engine import EngineError
from privacy_pdp.core.policyset import PolicySet

Progress = Callable[[int, int], None]


class ReplayError(Exception):
    """The log location cannot be read at all."""


@dataclass(frozen=True)
class Event:
    id: str
    path: str
    input: dict[str, Any]
    result: Any
    revision: str | None
    masked: bool


def log_files(location: Path) -> list[Path]:
    if location.is_file():
        return [location]
    if not location.is_dir():
        raise ReplayError(f"{location}: no such decision-log directory or file")
    return sorted(p for p in location.rglob("*.jsonl") if p.is_file())


def read_events(location: Path, impact: Impact) -> Iterator[Event]:
    """Decision events of the log, in file order; what is not one is counted in impact.skipped."""
    for file in log_files(location):
        with file.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                impact.read += 1
                event = _event(raw, f"{file.name}:{number}", impact)
                if event is not None:
                    yield event


def _event(raw: bytes, where: str, impact: Impact) -> Event | None:
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        impact.skip("not JSON")
        return None
    if not isinstance(value, dict):
        impact.skip("not an event object")
        return None
    if "error" in value and "result" not in value:
        impact.skip("an error, not a decision")
        return None
    if not isinstance(value.get("input"), dict):
        impact.skip("no input (absent or erased)")
        return None
    if "result" not in value:
        impact.skip("no result")
        return None
    path = value.get("path") if isinstance(value.get("path"), str) else DECISION
    bundles = value.get("bundles") if isinstance(value.get("bundles"), dict) else {}
    revisions = [b.get("revision") for b in bundles.values() if isinstance(b, dict) and isinstance(b.get("revision"), str)]
    masked = any(isinstance(p, str) and p.startswith("/input") for key in ("erased", "masked") for p in value.get(key) or [])
    return Event(str(value.get("decision_id") or where), path.strip("/"), value["input"], value["result"],
                 revisions[0] if revisions else None, masked)


def replay(location: Path, new: PolicySet, new_label: str, baseline: PolicySet | None = None,
           baseline_label: str = "logged results", workers: int = 2, progress: Progress | None = None) -> Impact:
    """Compare each logged result (or, with a baseline, the baseline's answer) with the new
    policy set's answer for the same input and path."""
    started = time.perf_counter()
    impact = Impact(source=str(location), old_label=baseline_label if baseline is not None else "logged results",
                    new_label=new_label, new_revision=new.revision)
    events = list(read_events(location, impact))
    for event in events:
        if event.revision:
            impact.revisions[event.revision] = impact.revisions.get(event.revision, 0) + 1
    keys = [(e.path, canonical(e.input)) for e in events]
    distinct = list(dict.fromkeys(keys))
    impact.distinct_inputs = len(distinct)
    total = len(distinct) * (2 if baseline is not None else 1)
    new_results = _answers(new, distinct, workers, impact, _offset(progress, 0, total))
    old_results = (_answers(baseline, distinct, workers, impact, _offset(progress, len(distinct), total))
                   if baseline is not None else None)
    for event, key in zip(events, keys):
        if key not in new_results or (old_results is not None and key not in old_results):
            impact.skip(f"path {event.path} cannot be evaluated")
            continue
        impact.evaluated += 1
        old = old_results[key] if old_results is not None else event.result
        kind, clauses = compare(old, new_results[key], decision_path=True)
        if kind is None:
            continue
        company = event.input.get("company")
        impact.add(Change(id=event.id, company=company if isinstance(company, str) else "?", path=event.path,
                          kind=kind, clauses=clauses, input=event.input, old=old, new=new_results[key],
                          note="the logged input was masked" if event.masked else None))
    impact.seconds = time.perf_counter() - started
    return impact


def _answers(policy_set: PolicySet, keys: list[tuple[str, str]], workers: int, impact: Impact,
             progress: Progress | None) -> dict[tuple[str, str], Any]:
    """Answers by (path, input); a path the set cannot evaluate is left out (and noted)."""
    answers: dict[tuple[str, str], Any] = {}
    done = 0
    for path in dict.fromkeys(p for p, _ in keys):
        mine = [k for k in keys if k[0] == path]
        step = _offset(progress, done, None)
        try:
            results = evaluate_all(policy_set, [json.loads(text) for _, text in mine], path=path, workers=workers,
                                   progress=step)
        except EngineError as exc:
            impact.skipped[f"path {path}: {exc.message[:120]}"] = 0
            results = None
        if results is not None:
            answers.update(zip(mine, results))
        done += len(mine)
    return answers


def _offset(progress: Progress | None, start: int, total: int | None) -> Progress | None:
    """A progress callback for one part of a longer run."""
    if progress is None:
        return None
    return lambda done, part_total: progress(start + done, total if total is not None else start + part_total)


def describe(request: Mapping[str, Any]) -> str:
    recipient = request.get("recipient") if isinstance(request.get("recipient"), Mapping) else {}
    categories = request.get("data_categories")
    shown = ",".join(map(str, categories)) if isinstance(categories, list) else "?"
    return f"{shown} to {recipient.get('kind', '?')} for {request.get('data_use', '?')}"
