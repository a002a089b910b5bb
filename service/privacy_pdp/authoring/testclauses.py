"""The clauses a Rego test names: its `# clause:` comment and the clause ids it writes.

policies/README.md asks for a `# clause: <id>` comment above each company test (several
ids may be separated by commas) and for the clause id as a string literal in the test's
assertions (what the catalogue check counts). Read from ``core.regosource``.
"""

from __future__ import annotations

from collections.abc import Iterable

from privacy_pdp.core.regosource import Rule

MARKER = "clause:"


def comment_clauses(source: str, rule: Rule) -> list[str] | None:
    """The ids of the `# clause:` lines in the comments right above rule; None when there is
    no such line (an empty list when the line names nothing)."""
    if rule.comments_start is None:
        return None
    found: list[str] | None = None
    for line in rule.comments_start.text(source).splitlines():
        text = line.strip().lstrip("#").strip()
        if text.startswith(MARKER):
            found = (found or []) + _ids(text[len(MARKER):])
    return found


def _ids(text: str) -> list[str]:
    """Clause ids in a comment's text: a note in parentheses (the seed lines) is not an id,
    and ids are separated by commas or blanks."""
    kept, depth = [], 0
    for ch in text:
        depth += ch == "("
        if depth == 0:
            kept.append(ch)
        depth -= ch == ")" and depth > 0
    return [token for token in "".join(kept).replace(",", " ").split() if token]


def named_clauses(source: str, rule: Rule, catalogue: Iterable[str]) -> list[str]:
    """Every clause the test names, in order, once: its comment's, then its literals that
    are catalogued clause ids."""
    known = set(catalogue)
    ids = (comment_clauses(source, rule) or []) + [s for s in rule.strings if s in known]
    return list(dict.fromkeys(ids))
