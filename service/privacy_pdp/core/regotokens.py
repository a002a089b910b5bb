"""Rego source as tokens: the lexer under core.regosource (which see).

Strings, raw strings, template strings and comments are single tokens, so a `#` or a
brace inside a string is never taken for syntax. Whitespace is left out; each token knows
whether it is the first on its line, which is how statements and expressions end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

OPEN = "([{"
CLOSE = ")]}"
TWO_CHAR_OPERATORS = (":=", "==", "!=", "<=", ">=")
KEYWORDS = frozenset({"package", "import", "default", "if", "else", "contains", "some", "every", "in", "not", "with",
                      "as", "true", "false", "null"})


def is_identifier(name: str) -> bool:
    """name can be written bare in a Rego reference (a package segment, a rule name)."""
    return name.isascii() and name.isidentifier() and name not in KEYWORDS


@dataclass(frozen=True)
class Token:
    kind: str  # ident | number | string | raw | template | op | comment
    text: str  # as written
    start: int  # offset into the source
    end: int  # offset after the token
    line: int  # 1-based line of the start
    first_on_line: bool  # no other token (comments aside) before it on its line

    @property
    def value(self) -> str:
        """A string literal's value (escapes decoded); the text for anything else."""
        if self.kind == "string":
            try:
                return json.loads(self.text, strict=False)
            except json.JSONDecodeError:  # unterminated or a bad escape: the raw content
                return self.text[1:-1] if self.text.endswith('"') and len(self.text) > 1 else self.text[1:]
        if self.kind == "raw":
            return self.text[1:-1] if self.text.endswith("`") and len(self.text) > 1 else self.text[1:]
        return self.text

    def is_op(self, *texts: str) -> bool:
        return self.kind == "op" and self.text in texts

    def is_word(self, *texts: str) -> bool:
        return self.kind == "ident" and self.text in texts


def tokenize(source: str) -> list[Token]:
    """Every token of source, comments included, whitespace left out."""
    tokens: list[Token] = []
    i, n, line = 0, len(source), 1
    line_has_token = False
    while i < n:
        ch = source[i]
        if ch == "\n":
            line, line_has_token = line + 1, False
            i += 1
            continue
        if ch in " \t\r\f\v":
            i += 1
            continue
        start, start_line = i, line
        if ch == "#":
            end = source.find("\n", i)
            i = n if end < 0 else end
            kind = "comment"
        elif ch == '"':
            i, kind = _string_end(source, i + 1), "string"
        elif ch == "`":
            end = source.find("`", i + 1)
            i, kind = (n if end < 0 else end + 1), "raw"
        elif ch == "$" and i + 1 < n and source[i + 1] in "\"`":
            i, kind = _template_end(source, i + 1), "template"
        elif ch.isalpha() or ch == "_":
            i += 1
            while i < n and (source[i].isalnum() or source[i] == "_"):
                i += 1
            kind = "ident"
        elif ch.isdigit() or (ch == "." and i + 1 < n and source[i + 1].isdigit()):
            i = _number_end(source, i)
            kind = "number"
        else:
            i += 2 if source.startswith(TWO_CHAR_OPERATORS, i) else 1
            kind = "op"
        text = source[start:i]
        line += text.count("\n")
        tokens.append(Token(kind, text, start, i, start_line, first_on_line=not line_has_token))
        if kind != "comment":
            line_has_token = True
        if "\n" in text:  # a raw or template string over lines: what follows shares its last line
            line_has_token = True
    return tokens


def _string_end(source: str, i: int) -> int:
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
        elif ch == '"':
            return i + 1
        elif ch == "\n":  # unterminated: ends with its line
            return i
        else:
            i += 1
    return len(source)


def _template_end(source: str, i: int) -> int:
    """End of a template string whose quote is at i; `{...}` holds expressions (with strings)."""
    quote, i = source[i], i + 1
    while i < len(source):
        ch = source[i]
        if ch == "\\" and quote == '"':
            i += 2
        elif ch == quote:
            return i + 1
        elif ch == "{":
            depth, i = 1, i + 1
            while i < len(source) and depth:
                c = source[i]
                if c == '"':
                    i = _string_end(source, i + 1)
                    continue
                if c == "`":
                    end = source.find("`", i + 1)
                    i = len(source) if end < 0 else end + 1
                    continue
                depth += 1 if c == "{" else -1 if c == "}" else 0
                i += 1
        elif ch == "\n" and quote == '"':
            return i
        else:
            i += 1
    return len(source)


def _number_end(source: str, i: int) -> int:
    n = len(source)
    while i < n and (source[i].isdigit() or source[i] == "."):
        i += 1
    if i < n and source[i] in "eE":
        j = i + 1
        if j < n and source[j] in "+-":
            j += 1
        if j < n and source[j].isdigit():
            i = j
            while i < n and source[i].isdigit():
                i += 1
    return i
