"""The one reader of Rego source: a module's package, imports and top-level rules.

regopy exposes no AST and the tools need more than an AST gives (source spans to rewrite
or blank, METADATA blocks as written), so every tool that reads Rego reads it here: the
test runner (tests and their `with` values), the catalogue check (METADATA and clause
literals), the mutation check (rule bodies), the invariants (string literals) and the
policies API (package and rule names).

The reader lexes the source (core.regotokens: strings, raw strings, template strings and
comments are tokens, so a `#` or a brace inside a string is never syntax) and splits the token stream
into top-level statements the way OPA does: a statement goes on while a bracket is open,
while a line ends in an operator or keyword that needs more (`if`, `:=`, `,`, `with`...),
or while the next line starts with one that continues it (`else`, `if`, an infix
operator, `with`...). An `else` chain belongs to its rule. A `# METADATA` comment block
belongs to the first statement after it, whatever comments or blank lines come between.

It never raises on malformed source: an unterminated string ends at the end of its line
and an unclosed bracket at the end of the file. Syntax errors are the engines' to report.
tests/core/test_regosource.py holds it to OPA's own parser on every policy file.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator

import yaml

from privacy_pdp.core.regotokens import CLOSE, OPEN, Token, is_identifier, tokenize

__all__ = ["COMPLETE", "DEFAULT", "FUNCTION", "PARTIAL_OBJECT", "PARTIAL_SET", "Body", "Expr", "Import", "Metadata",
           "Module", "Rule", "Span", "Token", "With", "is_identifier", "parse_module", "tokenize"]

INFIX = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "&", "|")
# A line ending in one of these goes on to the next line.
CONTINUES_AFTER = frozenset({":=", "=", ",", ".", ":", *INFIX, "if", "else", "contains", "with", "as", "in",
                             "not", "some", "every", "default", "package", "import"})
# A line starting with one of these goes on from the line before.
CONTINUES_BEFORE = frozenset({":=", "=", ",", ".", ":", *INFIX, "if", "else", "contains", "with", "as", "in"})

COMPLETE = "complete"
PARTIAL_SET = "partial_set"
PARTIAL_OBJECT = "partial_object"
FUNCTION = "function"
DEFAULT = "default"


# --- the module -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int  # offset of the first character
    end: int  # offset after the last character
    start_line: int  # 1-based
    end_line: int  # line of the last character

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass(frozen=True)
class Metadata:
    """A `# METADATA` comment block: its YAML (a mapping), or why it is not one."""

    span: Span
    data: dict[str, Any]
    error: str | None = None


@dataclass(frozen=True)
class With:
    target: str  # as written, e.g. input or data.privacy.request.document
    value: str  # the value's source text
    span: Span  # of the whole `with T as V`
    value_span: Span


@dataclass(frozen=True)
class Expr:
    """One expression of a braced rule body (a literal, with its `with` modifiers)."""

    span: Span
    text: str
    keyword: str  # some | every | not | "" (how the expression starts)
    binds: bool  # has `:=` or `=` outside nested strings
    has_with: bool


@dataclass(frozen=True)
class Body:
    span: Span
    braced: bool
    exprs: tuple[Expr, ...]  # braced bodies only


@dataclass(frozen=True)
class Rule:
    name: str  # the head's first name (``clauses`` for ``clauses[id] := ...``)
    ref: str  # the head's reference as written (``clauses[id]``, ``a.b.c``)
    kind: str  # complete | partial_set | partial_object | function | default
    span: Span  # from the head (or `default`) to the end of its last `else`
    comments_start: Span | None  # the comment lines right above the head, if any
    metadata: Metadata | None
    withs: tuple[With, ...]
    strings: tuple[str, ...]  # string literals ("..." and `...`), in order; template strings left out
    string_pairs: tuple[tuple[str, str], ...]  # object entries written "key": "value"
    bodies: tuple[Body, ...]
    else_count: int

    @property
    def line(self) -> int:
        return self.span.start_line

    @property
    def is_test(self) -> bool:
        return self.name.startswith("test_")

    @property
    def clause(self) -> str | None:
        """custom.clause of the rule's METADATA, if any."""
        custom = self.metadata.data.get("custom") if self.metadata else None
        value = custom.get("clause") if isinstance(custom, dict) else None
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Import:
    path: str
    alias: str | None
    span: Span


@dataclass(frozen=True)
class Module:
    file: str
    source: str
    package: str  # dotted, e.g. privacy.companies.kallu ("" when there is none)
    package_span: Span | None
    metadata: Metadata | None  # the block before `package`
    imports: tuple[Import, ...]
    rules: tuple[Rule, ...]
    strings: tuple[str, ...]  # every string literal of the module, comments left out
    tokens: tuple[Token, ...] = field(repr=False, compare=False, default=())

    def named(self, name: str) -> list[Rule]:
        return [r for r in self.rules if r.name == name]

    def rule_names(self) -> list[str]:
        """Each rule name once, in the order of first appearance."""
        return list(dict.fromkeys(r.name for r in self.rules))

    def tests(self) -> list[Rule]:
        return [r for r in self.rules if r.is_test]


@lru_cache(maxsize=512)
def parse_module(source: str, file: str = "") -> Module:
    """Read a module (cached: the result is immutable)."""
    return _Reader(source, file).module()


@lru_cache(maxsize=512)
def package_name(source: str) -> str:
    """The module's package, "" if it declares none: read as ``parse_module`` reads it (the
    last ``package`` statement), without the rest of the module (no METADATA YAML, no rules),
    for a set's start-up (a third of a second for the whole set parsed)."""
    package = ""
    for statement in _grouped([t for t in tokenize(source) if t.kind != "comment"], semicolons=False):
        if statement[0].is_word("package"):
            package = _ref_text(statement[1:])
    return package


# --- reading ----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, source: str, file: str):
        self.source = source
        self.file = file
        self.all_tokens = tokenize(source)
        self.code = [t for t in self.all_tokens if t.kind != "comment"]
        self.index_of = {t.start: k for k, t in enumerate(self.all_tokens)}
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]

    def span(self, start: int, end: int) -> Span:
        last = max(start, end - 1)
        return Span(start, end, bisect.bisect_right(self.line_starts, start), bisect.bisect_right(self.line_starts, last))

    def tokens_span(self, tokens: list[Token] | tuple[Token, ...]) -> Span:
        return self.span(tokens[0].start, tokens[-1].end)

    # statements

    def statements(self) -> Iterator[list[Token]]:
        return _grouped(self.code, semicolons=False)

    def metadata_blocks(self) -> list[Metadata]:
        blocks: list[list[Token]] = []
        for token in self.all_tokens:
            if token.kind != "comment" or not token.first_on_line:
                continue
            if blocks and blocks[-1][-1].line == token.line - 1:
                blocks[-1].append(token)
            else:
                blocks.append([token])
        found = []
        for block in blocks:
            if _comment_text(block[0]).strip() != "METADATA":
                continue
            text = "\n".join(_comment_text(c) for c in block[1:])
            span = self.tokens_span(block)
            try:
                data = yaml.safe_load(text) if text.strip() else {}
            except yaml.YAMLError as exc:
                found.append(Metadata(span, {}, f"METADATA is not valid YAML: {exc}"))
                continue
            if data is None:
                data = {}
            if not isinstance(data, dict):
                found.append(Metadata(span, {}, "METADATA must be a YAML mapping"))
                continue
            found.append(Metadata(span, data))
        return found

    def module(self) -> Module:
        blocks = self.metadata_blocks()
        package, package_span, package_metadata = "", None, None
        imports: list[Import] = []
        rules: list[Rule] = []
        for statement in self.statements():
            first = statement[0]
            # the last METADATA block between the previous statement and this one
            metadata = None
            while blocks and blocks[0].span.end <= first.start:
                metadata = blocks.pop(0)
            if first.is_word("package"):
                package, package_span, package_metadata = _ref_text(statement[1:]), self.tokens_span(statement), metadata
            elif first.is_word("import"):
                words = statement[1:]
                alias = None
                if len(words) >= 2 and words[-2].is_word("as"):
                    alias, words = words[-1].text, words[:-2]
                imports.append(Import(self.source[words[0].start : words[-1].end] if words else "", alias,
                                      self.tokens_span(statement)))
            else:
                rules.append(self.rule(statement, metadata))
        strings = tuple(t.value for t in self.code if t.kind in ("string", "raw"))
        return Module(self.file, self.source, package, package_span, package_metadata, tuple(imports), tuple(rules),
                      strings, tuple(self.all_tokens))

    # rules

    def rule(self, tokens: list[Token], metadata: Metadata | None) -> Rule:
        i = 0
        is_default = tokens[0].is_word("default")
        if is_default:
            i += 1
        name = tokens[i].text if i < len(tokens) else ""
        ref_start = i
        i += 1
        bracketed_key = False
        while i < len(tokens):
            if tokens[i].is_op(".") and i + 1 < len(tokens):
                i += 2
            elif tokens[i].is_op("["):
                close = _matching(tokens, i)
                inner = tokens[i + 1 : close]
                if not (len(inner) == 1 and inner[0].kind in ("string", "raw", "number")):
                    bracketed_key = True
                i = close + 1
            else:
                break
        ref = self.source[tokens[ref_start].start : tokens[i - 1].end] if i > ref_start else name
        has_args = i < len(tokens) and tokens[i].is_op("(")
        if has_args:
            i = _matching(tokens, i) + 1
        if is_default:
            kind = DEFAULT
        elif has_args:
            kind = FUNCTION
        elif i < len(tokens) and tokens[i].is_word("contains"):
            kind = PARTIAL_SET
        elif bracketed_key:
            kind = PARTIAL_OBJECT
        else:
            kind = COMPLETE
        strings = tuple(t.value for t in tokens if t.kind in ("string", "raw"))
        pairs = tuple(
            (tokens[k].value, tokens[k + 2].value)
            for k in range(len(tokens) - 2)
            if tokens[k].kind in ("string", "raw") and tokens[k + 1].is_op(":") and tokens[k + 2].kind in ("string", "raw")
        )
        return Rule(
            name=name,
            ref=ref,
            kind=kind,
            span=self.tokens_span(tokens),
            comments_start=self.comments_above(tokens[0]),
            metadata=metadata,
            withs=tuple(self.withs(tokens)),
            strings=strings,
            string_pairs=pairs,
            bodies=tuple(self.bodies(tokens)),
            else_count=sum(1 for d, t in _with_depth(tokens) if d == 0 and t.is_word("else")),
        )

    def comments_above(self, head: Token) -> Span | None:
        """The contiguous comment lines ending on the line above the head."""
        index = self.index_of[head.start]
        block: list[Token] = []
        line = head.line - 1
        k = index - 1
        while k >= 0 and self.all_tokens[k].kind == "comment" and self.all_tokens[k].line == line and self.all_tokens[k].first_on_line:
            block.insert(0, self.all_tokens[k])
            line -= 1
            k -= 1
        return self.tokens_span(block) if block else None

    def withs(self, tokens: list[Token]) -> Iterator[With]:
        for k, token in enumerate(tokens):
            if not token.is_word("with"):
                continue
            a = next((j for j in range(k + 1, len(tokens)) if tokens[j].is_word("as")), None)
            if a is None or a == k + 1 or a + 1 >= len(tokens):
                continue
            target = self.source[tokens[k + 1].start : tokens[a - 1].end]
            end = _value_end(tokens, a + 1)
            value_tokens = tokens[a + 1 : end]
            value_span = self.tokens_span(value_tokens)
            yield With(target, value_span.text(self.source), self.span(token.start, value_span.end), value_span)

    def bodies(self, tokens: list[Token]) -> Iterator[Body]:
        levels = list(_with_depth(tokens))
        for k, (depth, token) in enumerate(levels):
            if depth != 0 or not token.is_word("if") or k + 1 >= len(tokens):
                continue
            if tokens[k + 1].is_op("{"):
                close = _matching(tokens, k + 1)
                inner = tokens[k + 2 : close]
                yield Body(self.tokens_span(tokens[k + 1 : close + 1]), True, tuple(self.exprs(inner)))
            else:
                end = next((j for j in range(k + 1, len(tokens)) if levels[j][0] == 0 and tokens[j].is_word("else")), len(tokens))
                if end > k + 1:
                    yield Body(self.tokens_span(tokens[k + 1 : end]), False, ())

    def exprs(self, tokens: list[Token]) -> Iterator[Expr]:
        for group in _grouped(tokens, semicolons=True):
            span = self.tokens_span(group)
            head = group[0].text if group[0].is_word("some", "every", "not") else ""
            flat = [t for d, t in _with_depth(group)]
            yield Expr(span, span.text(self.source), head, any(t.is_op(":=", "=") for t in flat),
                       any(t.is_word("with") for t in flat))


def _grouped(tokens: list[Token], semicolons: bool) -> Iterator[list[Token]]:
    """Tokens split into statements: a new one starts on a line of its own at bracket depth 0
    unless the line continues the last (an operator at either end), and, in a body, at ``;``."""
    current: list[Token] = []
    depth = 0
    for token in tokens:
        if semicolons and depth == 0 and token.is_op(";"):
            if current:
                yield current
            current = []
            continue
        if current and depth == 0 and token.first_on_line and not _continues(_second_last(current), current[-1], token):
            yield current
            current = []
        current.append(token)
        if token.kind == "op" and token.text in OPEN:
            depth += 1
        elif token.kind == "op" and token.text in CLOSE:
            depth = max(0, depth - 1)
    if current:
        yield current


def _continues(before_last: Token | None, last: Token, next_token: Token) -> bool:
    """Does next_token (first on its line) go on with the statement that ended with last?
    A keyword right after a dot is a name (``import future.keywords.in``), not a keyword."""
    if last.kind in ("op", "ident") and last.text in CONTINUES_AFTER:
        if not (last.kind == "ident" and before_last is not None and before_last.is_op(".")):
            return True
    return next_token.kind in ("op", "ident") and next_token.text in CONTINUES_BEFORE


def _second_last(tokens: list[Token]) -> Token | None:
    return tokens[-2] if len(tokens) > 1 else None


def _with_depth(tokens: list[Token]) -> Iterator[tuple[int, Token]]:
    """Each token with the bracket depth it sits at (an opening bracket at the outer depth)."""
    depth = 0
    for token in tokens:
        if token.kind == "op" and token.text in CLOSE:
            depth = max(0, depth - 1)
        yield depth, token
        if token.kind == "op" and token.text in OPEN:
            depth += 1


def _matching(tokens: list[Token], index: int) -> int:
    """Index of the bracket closing the one at index (the last token if it never closes)."""
    depth = 0
    for k in range(index, len(tokens)):
        if tokens[k].kind == "op" and tokens[k].text in OPEN:
            depth += 1
        elif tokens[k].kind == "op" and tokens[k].text in CLOSE:
            depth -= 1
            if depth == 0:
                return k
    return len(tokens) - 1


def _value_end(tokens: list[Token], start: int) -> int:
    """Index after a with-value that starts at start: it ends before another `with`, a `;`,
    a bracket closing outside it, or a line break that ends the expression."""
    depth = 0
    for k in range(start, len(tokens)):
        token = tokens[k]
        if depth == 0 and k > start:
            if token.is_word("with") or token.is_op(";") or (token.kind == "op" and token.text in CLOSE):
                return k
            if token.first_on_line and not _continues(tokens[k - 2] if k - 2 >= start else None, tokens[k - 1], token):
                return k
            if token.is_word("else", "if"):
                return k
        if token.kind == "op" and token.text in OPEN:
            depth += 1
        elif token.kind == "op" and token.text in CLOSE:
            depth -= 1
    return len(tokens)


def _ref_text(tokens: list[Token]) -> str:
    """A package reference as a dotted path (``a["b"].c`` -> ``a.b.c``)."""
    parts = []
    for token in tokens:
        if token.kind == "ident":
            parts.append(token.text)
        elif token.kind in ("string", "raw"):
            parts.append(token.value)
    return ".".join(parts)


def _comment_text(token: Token) -> str:
    """A comment without its `#` and one following space (as OPA reads METADATA)."""
    text = token.text[1:]
    return text[1:] if text.startswith(" ") else text
