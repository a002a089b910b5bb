"""Compare two policy sets over the decision matrix: no log needed."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable, Iterable, Sequence

from privacy_pdp.audit.impact import Change, Impact, compare
from privacy_pdp.audit.matrix import WIDE_CONTEXTS, Axes, Context, cells, evaluate_all
from privacy_pdp.audit.vocabulary import Vocabulary
from privacy_pdp.core.policyset import PolicySet


def merged_vocabulary(a: Vocabulary, b: Vocabulary) -> Vocabulary:
    """Both sets' words, so that a company or kind only one of them knows is compared too."""
    return replace(
        b,
        companies=tuple(sorted(set(a.companies) | set(b.companies))),
        recipient_kinds=tuple(dict.fromkeys(b.recipient_kinds + a.recipient_kinds)),
        opt_outs=tuple(dict.fromkeys(b.opt_outs + a.opt_outs)),
        data_uses=a.data_uses | b.data_uses,
        data_categories=a.data_categories | b.data_categories,
    )


def diff(old: PolicySet, new: PolicySet, old_label: str, new_label: str,
         contexts: Sequence[Context] = WIDE_CONTEXTS, companies: Iterable[str] | None = None,
         kinds: Iterable[str] | None = None, workers: int = 2, progress: Callable[[int, int], None] | None = None) -> Impact:
    started = time.perf_counter()
    vocabulary = merged_vocabulary(Vocabulary.of(old), Vocabulary.of(new))
    axes = Axes.of(vocabulary, contexts, companies, kinds)
    pending = cells(axes, vocabulary)
    inputs = [c.input for c in pending]
    total = 2 * len(inputs)
    old_results = evaluate_all(old, inputs, workers=workers, progress=(lambda d, t: progress(d, total)) if progress else None)
    new_results = evaluate_all(new, inputs, workers=workers,
                               progress=(lambda d, t: progress(len(inputs) + d, total)) if progress else None)
    impact = Impact(source=f"decision matrix ({len(inputs):,} cells: {len(axes.companies)} companies x "
                           f"{len(axes.recipient_kinds)} recipient kinds x {len(axes.uses)} uses x "
                           f"{len(axes.categories)} categories x {len(axes.contexts)} contexts)",
                    old_label=old_label, new_label=new_label, new_revision=new.revision,
                    read=len(inputs), evaluated=len(inputs), distinct_inputs=len(inputs))
    for cell, before, after in zip(pending, old_results, new_results):
        kind, clauses = compare(before, after)
        if kind is not None:
            impact.add(Change(id=cell.key, company=cell.company, path="privacy/decision", kind=kind, clauses=clauses,
                              input=cell.input, old=before, new=after))
    impact.seconds = time.perf_counter() - started
    return impact
