"""The policy linter: the house rules of policies/README.md that the engines do not check.

Each finding is ``file:line: check: message``; ``privacy-pdp lint`` fails on any. Checks:

- ``metadata``: a deciding rule has a METADATA block with title, description and
  custom.clause. Deciding: every definition of forbids, permits, obligations and catch_all
  in a company package, and the first definition of privacy.decision and of
  privacy.validation's conforms and errors (a multi-definition rule is documented once).
- ``unknown-clause``: every clause id resolves in the catalogue: METADATA custom.clause,
  the ``"clause": "<id>"`` a rule writes, and a test's ``# clause:`` comment.
- ``clause-mismatch``: a deciding rule's reason cites the clause of its METADATA.
- ``unused-helper``: a private rule (``_name``) is referenced somewhere in its package.
- ``v1-syntax``: no ``import future.keywords`` (rego.v1 has the keywords), a rule body
  follows ``if``, a multi-value rule is written with ``contains``.
- ``snake-case``: package segments, rule names, import aliases, function arguments and
  local variables (``x :=``, ``some x``, ``every x``) are snake_case.
- ``section-order``: a company package has the marker lines ``# --- facts``,
  ``# --- catch-all``, ``# --- forbids``, ``# --- permits``, ``# --- obligations``,
  ``# --- helpers``, exactly so, once each and in that order; each deciding rule sits in
  its own section and no other rule sits in those four.
- ``clause-order``: within forbids, permits and obligations, rules follow their clause ids.
- ``test-clause``: a test in a company's test package has a ``# clause: <id>`` comment.

Everything is read with ``core.regosource``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from privacy_pdp.authoring.catalogue import DECIDING_ONE, DECIDING_SETS, catalogue_of, is_deciding
from privacy_pdp.authoring.testclauses import comment_clauses
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regosource import FUNCTION, PARTIAL_OBJECT, Module, Rule, Token, is_identifier, parse_module

COMPANIES = "privacy.companies"
# Framework rules documented like deciding ones (their first definition), by package.
DOCUMENTED = {"privacy": ("decision",), "privacy.validation": ("conforms", "errors")}
SECTIONS = ("facts", "catch-all", "forbids", "permits", "obligations", "helpers")
SECTION_OF_RULE = {"catch_all": "catch-all", "forbids": "forbids", "permits": "permits", "obligations": "obligations"}
MARKER = "# --- "
CHECKS = ("metadata", "unknown-clause", "clause-mismatch", "unused-helper", "v1-syntax", "snake-case",
          "section-order", "clause-order", "test-clause")


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.check}: {self.message}"


def lint(policy_set: PolicySet) -> list[Finding]:
    """Every finding over the policy and test modules, sorted by file and line."""
    catalogue = set(catalogue_of(policy_set))
    modules = [parse_module(source, file) for file, source in sorted(policy_set.modules.items())]
    tests = [parse_module(source, file) for file, source in sorted(policy_set.test_modules.items())]
    findings: list[Finding] = []
    for module in modules:
        findings += _metadata(module, catalogue)
        if _is_company(module):
            findings += _sections(module)
    for module in tests:
        findings += _test_clauses(module, catalogue)
    for module in modules + tests:
        findings += _v1_syntax(module)
        findings += _snake_case(module)
    findings += _unused_helpers(modules + tests)
    return sorted(set(findings))


def _is_company(module: Module) -> bool:
    parts = module.package.split(".")
    return len(parts) == 3 and module.package.startswith(COMPANIES + ".")


def _deciding(module: Module, rule: Rule, first: bool) -> bool:
    if _is_company(module):
        return is_deciding(rule)
    return first and rule.name in DOCUMENTED.get(module.package, ())


# --- METADATA and clauses ---------------------------------------------------------------------


def _metadata(module: Module, catalogue: set[str]) -> Iterator[Finding]:
    seen: set[str] = set()
    for rule in module.rules:
        first = rule.name not in seen
        seen.add(rule.name)
        where = (module.file, rule.line)
        if rule.metadata is not None and rule.metadata.error:
            yield Finding(*where, "metadata", f"rule {rule.name}: {rule.metadata.error}")
            continue
        deciding = _deciding(module, rule, first)
        if deciding:
            data = rule.metadata.data if rule.metadata else {}
            missing = [key for key in ("title", "description") if not data.get(key)]
            if not rule.clause:
                missing.append("custom.clause")
            if rule.metadata is None:
                yield Finding(*where, "metadata", f"rule {rule.name} decides but has no METADATA block")
            elif missing:
                yield Finding(*where, "metadata", f"rule {rule.name} has no METADATA {', '.join(missing)}")
        if rule.clause and rule.clause not in catalogue:
            yield Finding(*where, "unknown-clause", f"rule {rule.name} cites {rule.clause}, which the catalogue lacks")
        for key, value in rule.string_pairs:
            if key != "clause":
                continue
            if value not in catalogue:
                yield Finding(*where, "unknown-clause", f"rule {rule.name} gives clause {value}, which the catalogue lacks")
            elif deciding and rule.clause and value != rule.clause:
                yield Finding(*where, "clause-mismatch",
                              f"rule {rule.name} cites {rule.clause} in METADATA but {value} in its reason")


def _test_clauses(module: Module, catalogue: set[str]) -> Iterator[Finding]:
    company_tests = module.package.startswith(COMPANIES + ".") and module.package.endswith("_test")
    for rule in module.tests():
        ids = comment_clauses(module.source, rule)
        if company_tests and not ids:
            yield Finding(module.file, rule.line, "test-clause", f"test {rule.name} has no `# clause: <id>` comment above it")
        for clause in ids or ():
            if clause not in catalogue:
                yield Finding(module.file, rule.line, "unknown-clause",
                              f"test {rule.name} names clause {clause}, which the catalogue lacks")


# --- sections of a company package ----------------------------------------------------------


def _sections(module: Module) -> Iterator[Finding]:
    markers: list[tuple[int, str]] = []  # (line, section)
    for token in module.tokens:
        if token.kind != "comment" or not token.first_on_line or not token.text.startswith(MARKER.rstrip()):
            continue
        name = token.text[len(MARKER):]
        if token.text.startswith(MARKER) and name in SECTIONS:
            markers.append((token.line, name))
        else:
            yield Finding(module.file, token.line, "section-order",
                          f"{token.text.strip()!r} is not a section marker; write one of "
                          + ", ".join(f"'{MARKER}{s}'" for s in SECTIONS))
    names = [name for _, name in markers]
    for section in SECTIONS:
        if names.count(section) > 1:
            line = [line for line, name in markers if name == section][1]
            yield Finding(module.file, line, "section-order", f"section {section} is opened twice")
        elif section not in names:
            yield Finding(module.file, module.package_span.start_line if module.package_span else 1, "section-order",
                          f"the package has no '{MARKER}{section}' marker line")
    order = [name for name in dict.fromkeys(names)]
    expected = [s for s in SECTIONS if s in order]
    if order != expected:
        line = next(line for (line, name), want in zip(markers, expected) if name != want)
        yield Finding(module.file, line, "section-order",
                      f"sections are in the order {', '.join(order)}; the house order is {', '.join(SECTIONS)}")
    yield from _placement(module, markers)


def _placement(module: Module, markers: list[tuple[int, str]]) -> Iterator[Finding]:
    last_clause: dict[str, tuple[str, int]] = {}
    for rule in module.rules:
        section = next((name for line, name in reversed(markers) if line < rule.line), None)
        home = SECTION_OF_RULE.get(rule.name) if is_deciding(rule) else None
        where = (module.file, rule.line)
        if section is None:
            yield Finding(*where, "section-order", f"rule {rule.name} comes before the first section marker")
        elif home is not None and section != home:
            yield Finding(*where, "section-order", f"rule {rule.name} belongs in section {home}, not {section}")
        elif home is None and section in SECTION_OF_RULE.values():
            yield Finding(*where, "section-order",
                          f"rule {rule.name} sits in section {section}; helpers go in helpers, aliases in facts")
        if home in ("forbids", "permits", "obligations") and section == home and rule.clause:
            before = last_clause.get(home)
            if before is not None and rule.clause < before[0]:
                yield Finding(*where, "clause-order", f"rule {rule.name} cites {rule.clause}, which sorts before "
                              f"{before[0]} cited at line {before[1]}: order the {home} by clause id")
            else:
                last_clause[home] = (rule.clause, rule.line)


# --- syntax and names -----------------------------------------------------------------------


def _v1_syntax(module: Module) -> Iterator[Finding]:
    for imported in module.imports:
        if imported.path == "future.keywords" or imported.path.startswith("future.keywords."):
            yield Finding(module.file, imported.span.start_line, "v1-syntax",
                          f"import {imported.path} is not needed: rego.v1 has every keyword")
    for rule in module.rules:
        head, body_brace = _head(module, rule)
        if body_brace:
            yield Finding(module.file, rule.line, "v1-syntax", f"rule {rule.name}: write `if` before the body")
        if rule.kind == PARTIAL_OBJECT and not any(t.is_op(":=", "=") for t in head):
            yield Finding(module.file, rule.line, "v1-syntax",
                          f"rule {rule.name}: a multi-value rule is written `{rule.name} contains x if ...`")


@lru_cache(maxsize=256)
def _index(source: str) -> tuple[tuple[Token, ...], tuple[int, ...]]:
    """The code tokens of a module (comments left out) and their offsets, for slicing."""
    tokens = tuple(t for t in parse_module(source).tokens if t.kind != "comment")
    return tokens, tuple(t.start for t in tokens)


def _code_tokens(module: Module, rule: Rule) -> list[Token]:
    tokens, starts = _index(module.source)
    return list(tokens[bisect.bisect_left(starts, rule.span.start) : bisect.bisect_left(starts, rule.span.end)])


def _head(module: Module, rule: Rule) -> tuple[list[Token], bool]:
    """The head's tokens (the reference, its arguments, `contains`/`:=` and the value) up to
    a top-level `if`, and whether a `{` that cannot start the value opens a body instead."""
    tokens = _code_tokens(module, rule)
    depth = 0
    for k, token in enumerate(tokens):
        if depth == 0 and k > 0:
            if token.is_word("if", "else"):
                return tokens[:k], False
            before = tokens[k - 1]
            ends_a_term = before.is_op(")", "]", "}") or before.kind in ("string", "raw", "number") or (
                before.kind == "ident" and is_identifier(before.text))
            if token.is_op("{") and ends_a_term:
                return tokens[:k], True
        if token.kind == "op" and token.text in "([{":
            depth += 1
        elif token.kind == "op" and token.text in ")]}":
            depth = max(0, depth - 1)
    return tokens, False


def is_snake_case(name: str) -> bool:
    core = name[1:] if name.startswith("_") else name
    return (bool(core) and core.isascii() and core[0].islower() and not core.endswith("_") and "__" not in core
            and all(c.islower() or c.isdigit() or c == "_" for c in core))


def _snake_case(module: Module) -> Iterator[Finding]:
    def finding(line: int, what: str, name: str) -> Finding:
        return Finding(module.file, line, "snake-case", f"{what} {name} is not snake_case")

    line = module.package_span.start_line if module.package_span else 1
    for segment in module.package.split("."):
        if segment and not is_snake_case(segment):
            yield finding(line, "package segment", segment)
    for imported in module.imports:
        if imported.alias and not is_snake_case(imported.alias):
            yield finding(imported.span.start_line, "import alias", imported.alias)
    reported: set[tuple[int, str]] = set()
    for rule in module.rules:
        if not is_snake_case(rule.name):
            yield finding(rule.line, "rule", rule.name)
        for token, what in _bound_names(module, rule):
            if token.text != "_" and not is_snake_case(token.text) and (token.line, token.text) not in reported:
                reported.add((token.line, token.text))
                yield finding(token.line, what, token.text)


def _bound_names(module: Module, rule: Rule) -> Iterator[tuple[Token, str]]:
    """Function arguments, and variables a body binds (`x :=`, `some x`, `every k, v`)."""
    tokens = _code_tokens(module, rule)
    if rule.kind == FUNCTION:
        head, _ = _head(module, rule)
        opened = next((k for k, t in enumerate(head) if t.is_op("(")), None)
        if opened is not None:
            for k in range(opened + 1, len(head) - 1):
                if head[k].kind == "ident" and head[k - 1].is_op("(", ",") and head[k + 1].is_op(",", ")") \
                        and not head[k].is_word("true", "false", "null"):
                    yield head[k], "argument"
    for k, token in enumerate(tokens):
        if token.kind != "ident":
            continue
        before = tokens[k - 1] if k else None
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        if k and after is not None and after.is_op(":=") and is_identifier(token.text) \
                and (before is None or not before.is_op(".")):
            yield token, "variable"
        elif token.is_word("some", "every"):
            previous = token
            for declared in tokens[k + 1 :]:
                if declared.is_word("in") or not (declared.kind == "ident" or declared.is_op(",")):
                    break
                if declared.first_on_line and not previous.is_op(","):  # the next expression
                    break
                if declared.kind == "ident":
                    yield declared, "variable"
                previous = declared


# --- private helpers ------------------------------------------------------------------------


def _unused_helpers(modules: Iterable[Module]) -> Iterator[Finding]:
    by_package: dict[str, list[Module]] = {}
    for module in modules:
        by_package.setdefault(module.package, []).append(module)
    for members in by_package.values():
        heads: set[tuple[str, int]] = set()  # (file, offset) of each rule's name in its head
        for module in members:
            for rule in module.rules:
                name_token = next((t for t in _code_tokens(module, rule) if t.kind == "ident" and t.text == rule.name), None)
                if name_token is not None:
                    heads.add((module.file, name_token.start))
        used = {t.text for module in members for t in module.tokens
                if t.kind == "ident" and (module.file, t.start) not in heads}
        for module in members:
            for rule in module.rules:
                if rule.name.startswith("_") and rule.name != "_" and rule.name not in used:
                    yield Finding(module.file, rule.line, "unused-helper",
                                  f"rule {rule.name} is never referenced in package {module.package}")


def format_findings(findings: Iterable[Finding], root: str = "") -> list[str]:
    """One line per finding, the file prefixed with root (the policy directory)."""
    prefix = root.rstrip("/") + "/" if root else ""
    return [f"{prefix}{f}" for f in findings]
