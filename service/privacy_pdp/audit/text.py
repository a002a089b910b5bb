"""Plain-text renderings of an explanation and a why-not, for the terminal."""

from __future__ import annotations

import json
import textwrap
from typing import Any, Mapping

from privacy_pdp.audit.explain import ClauseRef, Explanation
from privacy_pdp.audit.whynot import WhyNot

WIDTH = 96


def request_line(request: Mapping[str, Any]) -> str:
    """One line saying what the request asks: company, categories, recipient, use."""
    recipient = request.get("recipient") if isinstance(request.get("recipient"), Mapping) else {}
    categories = request.get("data_categories")
    categories = ", ".join(map(str, categories)) if isinstance(categories, list) else "?"
    action = request.get("action") or "disclose"
    name = f" ({recipient.get('name')})" if recipient.get("name") else ""
    return (f"{request.get('company', '?')}: {action} {categories} to {recipient.get('kind', '?')}{name} "
            f"for {request.get('data_use', '?')}")


def render(explanation: Explanation, request: Mapping[str, Any] | None = None) -> str:
    out: list[str] = []
    head = "ALLOW" if explanation.allow else "DENY"
    out.append(f"{head}  {request_line(request)}" if request else head)
    out.append("")
    out.append("Permitted by:" if explanation.allow else "Denied because:")
    for reason in explanation.reasons:
        mark = "+" if reason.effect == "allow" else "-"
        out.append(f"  {mark} {reason.message} [{reason.code}]")
        params = {k: v for k, v in reason.parameters.items()}
        if params:
            out.append(f"      {json.dumps(params, ensure_ascii=False)}")
        out.extend(_clause(reason.clause, indent=6))
    if not explanation.reasons:
        out.append("  (no reason given)")
    out.append("")
    if explanation.obligations:
        out.append("Obligations (the flow must also):")
        for o in explanation.obligations:
            params = f" {json.dumps(o.parameters, ensure_ascii=False)}" if o.parameters else ""
            out.append(f"  * {o.message} [{o.code}]{params}")
            out.extend(_clause(o.clause, indent=6))
    else:
        out.append("Obligations: none")
    if isinstance(explanation.why_not, WhyNot):
        out.append("")
        out.extend(render_why_not(explanation.why_not))
    return "\n".join(out)


def render_why_not(why: WhyNot) -> list[str]:
    out: list[str] = []
    if why.direction == "to_allow":
        out.append("Why not? Single changes that would allow it:")
    else:
        out.append("What would deny it? Single changes:")
    for alt in why.alternatives:
        verb = "permitted by" if alt.allow else "denied by"
        clauses = "; ".join(_clause_short(c) for c in alt.clauses) or "?"
        out.append(f"  > {alt.change.description}  [{alt.change.field} = {json.dumps(alt.change.value, ensure_ascii=False)}]")
        out.append(f"      {verb} {clauses}")
        for o in alt.obligations:
            out.append(f"      then must: {o.message} [{o.code}]")
    if why.lifted:
        out.append("  Single changes that lift a forbidding clause but still deny:")
        for alt in why.lifted:
            remaining = ", ".join(c.id for c in alt.clauses)
            out.append(f"    ~ {alt.change.description}  (still denied by {remaining})")
    if why.note:
        out.append(f"  ({why.note})")
    trunc = ", cut at the limit" if why.truncated else ""
    out.append(f"  [{why.evaluated} evaluations in {why.seconds * 1000:.0f} ms{trunc}]")
    return out


def _clause_short(clause: ClauseRef) -> str:
    return f"{clause.id} \u201c{clause.title}\u201d" if clause.title else clause.id


def _clause(clause: ClauseRef, indent: int) -> list[str]:
    pad = " " * indent
    if not clause.known:
        return [f"{pad}clause {clause.id or '?'} (not in the catalogue)"]
    lines = [f"{pad}clause {clause.id}: {clause.title}"]
    if clause.summary:
        lines += textwrap.wrap(clause.summary, WIDTH, initial_indent=pad + "  ", subsequent_indent=pad + "  ")
    if clause.quote:
        lang = f" ({clause.language})" if clause.language else ""
        lines += textwrap.wrap(f"\u201c{clause.quote}\u201d{lang}", WIDTH, initial_indent=pad + "  ",
                               subsequent_indent=pad + "   ")
    lines.append(f"{pad}  source: {clause.where}")
    return lines
