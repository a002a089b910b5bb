"""One compiled set per company for the privacy decision.

regopy's cost per query grows with every rule compiled into its bundle, evaluated or not
(a trivial rule: 0.13 ms in an empty bundle, 0.28 ms beside the privacy modules). A decision
about company X reads X's package alone (``privacy.dispatch`` picks it by ``input.company``),
so a set holding the shared modules, X's package and a dispatch rendered for X alone decides
every input naming X as the whole set does, in about a quarter less time. An input that names
no company of the set (an invalid one) is decided alike by every such set and the whole one:
no dispatch rule holds for it in any of them.

That reasoning needs the dispatch to be the only way into a company package: ``company_sets``
checks that no other module refers to ``data.privacy.companies`` and no company package to
another's, and that the dispatch is the generated one. Otherwise it returns None, and the set
is compiled whole.
"""

from __future__ import annotations

from typing import Any

from privacy_pdp.core import dispatch
from privacy_pdp.core.engine import UNDEFINED, Engine, Evaluation, Pool
from privacy_pdp.core.outline import package_of
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regotokens import tokenize

DECISION_PATH = "privacy/decision"
COMPANIES_PATH = ("data", "privacy", "companies")


def company_sets(policy_set: PolicySet) -> dict[str, PolicySet] | None:
    """Company -> the set that decides that company's inputs, or None when the split would
    not be sound (see the module's docstring) or there is nothing to split."""
    companies = policy_set.companies
    if len(companies) < 2 or policy_set.modules.get(dispatch.DISPATCH_MODULE) != dispatch.render(companies):
        return None
    owner: dict[str, str | None] = {}  # module -> the company whose package it is (None: shared)
    for path, source in policy_set.modules.items():
        package = package_of(source) or ""
        owner[path] = next((c for c in companies if package == f"privacy.companies.{c}"
                            or package.startswith(f"privacy.companies.{c}.")), None)
        if path == dispatch.DISPATCH_MODULE:
            continue
        if not all(company is not None and company == owner[path] for company in _companies_read(source)):
            return None
    sets = {}
    for company in companies:
        modules = {path: source for path, source in policy_set.modules.items() if owner[path] in (None, company)}
        modules[dispatch.DISPATCH_MODULE] = dispatch.render([company])
        sets[company] = PolicySet(modules, _data_for(policy_set.data, company), policy_set.revision)
    return sets


def _companies_read(source: str) -> list[str | None]:
    """The companies a module's references into ``data.privacy.companies`` name (None for a
    reference that names none: the whole document, or a computed key)."""
    tokens = [t for t in tokenize(source) if t.kind != "comment"]
    found: list[str | None] = []
    for i, token in enumerate(tokens):
        if token.kind != "ident" or token.text != "data" or (i > 0 and tokens[i - 1].text == "."):
            continue
        path = ["data"]
        j = i + 1
        while j + 1 < len(tokens) and tokens[j].text == "." and tokens[j + 1].kind == "ident":
            path.append(tokens[j + 1].text)
            j += 2
        if tuple(path[:3]) == COMPANIES_PATH:
            found.append(path[3] if len(path) > 3 else None)
        elif tuple(path) == COMPANIES_PATH[: len(path)]:
            found.append(None)  # data, data.privacy or data.privacy.companies read whole or by a computed key
    return found


def _data_for(data: dict[str, Any], company: str) -> dict[str, Any]:
    """The data document with only this company's part under privacy.companies."""
    privacy = dict(data.get("privacy", {}))
    companies = privacy.get("companies", {})
    privacy["companies"] = {company: companies[company]} if company in companies else {}
    return {**data, "privacy": privacy}


class ByCompanyEngine:
    """``privacy/decision`` from the set of the input's company; every other path (and any
    path of an engine compiled whole) from the whole set. Holds an engine per set."""

    def __init__(self, whole: Engine, by_company: dict[str, Engine]):
        self.name = whole.name
        self.policy_set = whole.policy_set
        self.whole = whole
        self.by_company = by_company
        self._fallback = next(iter(by_company.values()))  # an input naming no company: any set decides it alike

    @property
    def pools(self) -> tuple[Pool, ...]:
        """The company sets' pools: what decisions run on, and what the server compiles for
        each worker. The whole set's pool keeps the interpreter compiled up front, for the
        other paths (rarer: a second one is compiled only when two run at once)."""
        return tuple(pool for engine in self.by_company.values() for pool in engine.pools)

    def engine_for_input(self, path: str, input: Any) -> Engine:
        if path.strip("/") != DECISION_PATH:
            return self.whole
        company = input.get("company") if isinstance(input, dict) else None
        return self.by_company.get(company, self._fallback) if isinstance(company, str) else self._fallback

    def evaluate(self, path: str, input: Any = UNDEFINED) -> Evaluation:
        return self.engine_for_input(path, input).evaluate(path, input)
