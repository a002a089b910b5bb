"""Plain-text rendering of an impact analysis: counts, then groups by company and clause
with a few examples each."""

from __future__ import annotations

import json
from typing import Any, Mapping

from privacy_pdp.audit.impact import FLIPS, KINDS, LABELS, Change, Impact


def _counts(counter: Mapping[str, int]) -> str:
    return ", ".join(f"{LABELS[k]} {counter[k]:,}" for k in KINDS if counter.get(k)) or "none"


def _brief(result: Any) -> str:
    if not isinstance(result, Mapping) or not isinstance(result.get("allow"), bool):
        return "undefined" if result is None else json.dumps(result, ensure_ascii=False)[:80]
    clauses = sorted({f"{r.get('clause')}:{r.get('code')}" for r in result.get("reasons") or [] if isinstance(r, Mapping)})
    obligations = sorted({str(o.get("code")) for o in result.get("obligations") or [] if isinstance(o, Mapping)})
    shown = ("allow" if result["allow"] else "deny") + f" [{', '.join(clauses)}]"
    return shown + (f" +obligations {', '.join(obligations)}" if obligations else "")


def _request(change: Change) -> str:
    request = change.input if isinstance(change.input, Mapping) else {}
    recipient = request.get("recipient") if isinstance(request.get("recipient"), Mapping) else {}
    categories = request.get("data_categories")
    shown = ",".join(map(str, categories)) if isinstance(categories, list) else "?"
    extra = {k: v for k, v in request.items() if k not in ("company", "data_categories", "data_use", "recipient")}
    more = f" {json.dumps(extra, ensure_ascii=False, sort_keys=True)}" if extra else ""
    return f"{shown} to {recipient.get('kind', '?')} for {request.get('data_use', '?')}{more}"


def render(impact: Impact, examples: int = 3) -> str:
    out = [
        f"compared {impact.source}: {impact.old_label} -> {impact.new_label} (revision {impact.new_revision})",
        f"{impact.read:,} read, {impact.evaluated:,} re-evaluated ({impact.distinct_inputs:,} distinct inputs) "
        f"in {impact.seconds:.1f} s",
    ]
    if impact.skipped:
        out.append("skipped: " + ", ".join(f"{why} {n:,}" for why, n in sorted(impact.skipped.items())))
    if impact.revisions:
        out.append("logged under revision(s): " + ", ".join(f"{r} ({n:,})" for r, n in sorted(impact.revisions.items())))
    counts = impact.counts()
    out.append(f"changed: {len(impact.changes):,} ({_counts(counts)})")
    if not impact.changes:
        return "\n".join(out)
    by_company = impact.by_company()
    by_clause = impact.by_clause()
    for company, company_counts in by_company.items():
        out.append("")
        out.append(f"{company}: {sum(company_counts.values()):,} changed ({_counts(company_counts)})")
        for (group_company, clause), changes in by_clause.items():
            if group_company != company:
                continue
            clause_counts: dict[str, int] = {}
            for c in changes:
                clause_counts[c.kind] = clause_counts.get(c.kind, 0) + 1
            out.append(f"  {clause}: {len(changes):,} ({_counts(clause_counts)})")
            ordered = sorted(changes, key=lambda c: (c.kind not in FLIPS, c.id))
            shown = ordered[:: max(1, len(ordered) // examples)][:examples] if examples > 0 else []
            for c in shown:
                note = f"  ({c.note})" if c.note else ""
                out.append(f"    e.g. {c.id}: {_request(c)}{note}")
                out.append(f"         {_brief(c.old)}  ->  {_brief(c.new)}")
    flips = impact.flips
    out.append("")
    out.append(f"{flips:,} decision(s) flip between allow and deny" if flips else "no decision flips between allow and deny")
    return "\n".join(out)
