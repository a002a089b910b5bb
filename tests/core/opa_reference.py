"""OPA's own parser as the reference for privacy_pdp.core.regosource (tests only).

``rego.parse_module`` is a builtin of the OPA Go evaluator; through the bindings it gives
the module's AST as JSON, without source locations. So spans are checked by parsing
pieces: each rule's span, parsed alone, must give the rule OPA finds at that place in the
whole module, and the text between spans must give no rule at all.
"""

from __future__ import annotations

from typing import Any, Iterator

from opa_bindings import OpaError

from privacy_pdp.core import regosource


def engine() -> Any:
    from opa_bindings import OpaEngine

    return OpaEngine()


def parse(opa: Any, source: str) -> dict[str, Any]:
    rows = opa.eval_query('x := rego.parse_module("m.rego", input.s)', {"s": source})
    assert rows, "OPA could not parse the module"
    return rows[0]["x"]


def rule_kind(rule: dict[str, Any]) -> str:
    head = rule["head"]
    if rule.get("default"):
        return regosource.DEFAULT
    if "args" in head:
        return regosource.FUNCTION
    if "key" in head and "value" not in head:
        return regosource.PARTIAL_SET
    if "key" in head:
        return regosource.PARTIAL_OBJECT
    return regosource.COMPLETE


def rule_name(rule: dict[str, Any]) -> str:
    head = rule["head"]
    return head.get("name") or head["ref"][0]["value"]


def else_count(rule: dict[str, Any]) -> int:
    n = 0
    while "else" in rule:
        n, rule = n + 1, rule["else"]
    return n


def ref_text(term: dict[str, Any]) -> str:
    parts = term["value"]
    text = parts[0]["value"]
    for part in parts[1:]:
        value = part["value"]
        text += f".{value}" if part["type"] == "string" and value.isidentifier() else f"[{value!r}]"
    return text


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def with_targets(rule: dict[str, Any]) -> list[str]:
    return [ref_text(w["target"]) for node in _walk(rule) for w in node.get("with", []) if isinstance(node.get("with"), list)]


def strings(rule: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(string terms outside reference paths, string terms inside them); template strings left out."""
    free: set[str] = set()
    in_refs: set[str] = set()

    def visit(node: Any, ref_part: bool = False) -> None:
        if isinstance(node, list):
            for value in node:
                visit(value)
        elif isinstance(node, dict):
            if node.get("type") == "templatestring":
                return
            if node.get("type") == "string" and isinstance(node.get("value"), str):
                (in_refs if ref_part else free).add(node["value"])
                return
            if node.get("type") == "ref" and isinstance(node.get("value"), list):
                for index, part in enumerate(node["value"]):
                    visit(part, ref_part=index > 0)
                return
            for value in node.values():
                visit(value)

    visit(rule)
    return free, in_refs


def _renumbered(node: Any, names: dict[str, str] | None = None) -> Any:
    """The AST with generated variables ($0, $1...) numbered from $0 in order of appearance:
    OPA numbers them per module, so a rule parsed alone gets other numbers."""
    names = {} if names is None else names
    if isinstance(node, dict):
        if node.get("type") == "var" and isinstance(node.get("value"), str) and node["value"].startswith("$"):
            return {**node, "value": names.setdefault(node["value"], f"${len(names)}")}
        return {k: _renumbered(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [_renumbered(v, names) for v in node]
    return node


def _rules_of_each(opa: Any, texts: list[str]) -> list[Any]:
    rows = opa.eval_query('x := [object.get(rego.parse_module("m.rego", t), "rules", []) | some t in input.texts]', {"texts": texts})
    return rows[0]["x"]


def spans_agree(opa: Any, source: str, module: regosource.Module, rules: list[dict[str, Any]]) -> list[str]:
    """Problems with the reader's rule spans: each rule's text, parsed alone, must be the rule
    OPA parses at that place in the whole module, and the text between rules must hold
    nothing but comments (it parses to no rule)."""
    header = "package m\n"
    texts, bounds = [], []
    cursor = module.imports[-1].span.end if module.imports else (module.package_span.end if module.package_span else 0)
    for rule in module.rules:
        texts.append(header + source[cursor : rule.span.start])  # a gap
        texts.append(header + source[rule.span.start : rule.span.end])
        bounds.append(rule)
        cursor = rule.span.end
    texts.append(header + source[cursor:])
    try:
        parsed = _rules_of_each(opa, texts)
    except OpaError:  # some text does not parse at all: find which, one by one
        parsed = []
        for text in texts:
            try:
                parsed.append(_rules_of_each(opa, [text])[0])
            except OpaError:
                parsed.append(None)
    problems = []
    for index, rule in enumerate(bounds):
        gap, alone = parsed[2 * index], parsed[2 * index + 1]
        where = f"{module.file}:{rule.line} rule {rule.name}"
        if gap != []:
            problems.append(f"{where}: the text before it is not only comments")
        if alone is None or len(alone) != 1 or _renumbered(alone[0]) != _renumbered(rules[index]):
            problems.append(f"{where}: its span {rule.span.start}-{rule.span.end} does not hold the rule OPA parses there")
    if parsed[-1] != []:
        problems.append(f"{module.file}: the text after the last rule is not only comments")
    return problems


def disagreements(opa: Any, source: str, file: str = "m.rego") -> list[str]:
    """Everything the reader says about a module that OPA's parser does not."""
    module = regosource.parse_module(source, file)
    ast = parse(opa, source)
    problems = []
    package = ".".join(p["value"] for p in ast["package"]["path"][1:])
    if module.package != package:
        problems.append(f"package {module.package!r} != {package!r}")
    imports = [(ref_text(i["path"]), i.get("alias")) for i in ast.get("imports") or []]
    mine = [(i.path.replace(" ", ""), i.alias) for i in module.imports]
    if mine != imports:
        problems.append(f"imports {mine} != {imports}")
    rules = ast.get("rules") or []
    theirs = [(rule_name(r), rule_kind(r), else_count(r)) for r in rules]
    ours = [(r.name, r.kind, r.else_count) for r in module.rules]
    if ours != theirs:
        problems.append(f"rules (name, kind, else) differ:\n reader {ours}\n opa    {theirs}")
        return problems
    for rule, reference in zip(module.rules, rules):
        targets = [w.target.replace(" ", "") for w in rule.withs]
        if targets != with_targets(reference):
            problems.append(f"{rule.name}:{rule.line}: with targets {targets} != {with_targets(reference)}")
        free, in_refs = strings(reference)
        if not set(rule.strings) <= free | in_refs:
            problems.append(f"{rule.name}:{rule.line}: strings OPA does not see: {sorted(set(rule.strings) - free - in_refs)}")
        if not free <= set(rule.strings):
            problems.append(f"{rule.name}:{rule.line}: strings the reader misses: {sorted(free - set(rule.strings))}")
    problems += spans_agree(opa, source, module, rules)
    return problems
