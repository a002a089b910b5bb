"""Exhaustive bounded check: every point of a finite domain of one-category requests.

The domain is built from the policy set (``invariants.Model``), so it follows whatever
companies are present. ``privacy-pdp verify`` prints its size per company.

**Flows** (``--domain bounded``, the default): company x recipient kind (all 9) x data use
x data category, over the keys the company's package and facts name plus the keys of the
reference lists and of the promises (``assurance.promises``: card numbers, payment
processing, direct marketing, and what any company excepts or never discloses, today
city, country and private content). A rule that matches keys by covers /
overlaps can only tell apart keys it names, so these are the keys where decisions change.

**Contexts**, in *cells* (a cell fixes everything but consent and opt-out):

- the base cell: disclose, identifiable, adult subject of unknown country, recipient under
  contract with no name or country, no legal request; consent none / to the use x opt-out
  none / each opt-out the company's package or facts name (one it never names cannot
  change its decisions);
- one cell per deviation from the base, each with consent none / to the use: sell; sell x
  aggregated; pseudonymous; aggregated; age unknown / child / teen (below the company's
  lowest and highest age thresholds in its facts); a legal request verified / unverified
  on a matter the company names, verified on one it does not name; subject in the EEA
  (DE) / in California (US, US-CA); recipient in a non-adequate country (CN); not under
  contract; recipient named as in the facts.

Every cell is checked for the two *deep* categories (``DEEP_CATEGORIES``: a direct
identifier many clauses permit, and the mobile advertising id); every other category for
the base cell's consent pair only.

**Why this domain.** Measured 2026-11-23 on the 2-core machine (shared with other jobs),
four companies, after the generated company dispatch: regopy answers 200-270 decisions/s,
and a point costs about 1.85 evaluations (the company rules are read only when needed),
i.e. 110-140 points/s. A seeded 3,000-point sample ran at 142 points/s with 1 worker and
118 points/s with 2 (regopy did not scale across threads while another job held a core).
The whole bounded domain (79,614 points for the four companies, 147,499 evaluations) took
728 s with 2 workers, one core being busy with another test run: about 9-10 minutes on an
idle machine. So the domain is sized to ~80,000 points; the full product (consent x
opt-out x legal x age x identifiability x action over key classes) is tens of millions of
points. ``--domain product`` enumerates a product anyway (consent x opt-out x 4 legal x 4
ages x 3 identifiability x 2 actions, base location, one representative per class of keys
that relate alike to every named key) for a very long run; ``--sample N`` checks a seeded
sample of about N points of either.

**Checks.** Invariants 1 (a valid input is never rejected), 2-7 and 10 on every point;
8 (monotonicity) between the points of a cell: dropping the consent or adding an opt-out
never turns a deny into an allow (dropping categories cannot be checked with one category:
the property tests do that); 9 on one noisy variant per flow (lists reversed and doubled,
unknown fields at every level); 11 is left to the property tests. The company rules
(``permits``/``forbids``) are read only when the decision is not exactly the company's
catch-all deny: when it is, invariant 2 holds whatever the rules say.
"""

from __future__ import annotations

import random
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from privacy_pdp.assurance import invariants as inv
from privacy_pdp.core.policyset import PolicySet

ADULT_DEFAULT = 30
DEEP_CATEGORIES = ("user.contact.email", "user.device.advertising_id")
"""Categories checked in every cell of the bounded domain: a direct identifier that many
clauses permit (marketing, service providers, group, legal) and the mobile advertising id
(the ad-partner clauses). Every other category gets the base cell only."""


def key_classes(keys: Sequence[str], basis: Iterable[str]) -> list[str]:
    """One representative per class of keys that relate alike to every basis key."""
    basis = sorted(set(basis))
    chosen: dict[tuple[Any, ...], str] = {}
    in_basis = set(basis)
    for key in keys:
        signature = tuple((inv.covers(b, key), inv.covers(key, b)) for b in basis)
        current = chosen.get(signature)
        if current is None or (key in in_basis and current not in in_basis):
            chosen[signature] = key
    order = {k: i for i, k in enumerate(keys)}
    return sorted(chosen.values(), key=order.__getitem__)


@dataclass(frozen=True)
class Flow:
    company: str
    kind: str
    use: str
    category: str


@dataclass(frozen=True)
class Cell:
    """Everything but consent and opt-out; `opt_outs` are the opt-outs to try besides none."""

    name: str
    fields: tuple[tuple[str, Any], ...]
    opt_outs: tuple[str, ...] = ()


@dataclass
class CompanyDomain:
    company: str
    uses: list[str]
    categories: list[str]
    cells: list[Cell]  # for the deep categories
    deep: list[str]  # categories checked in every cell; the others in the first cell only

    def flows(self, kinds: Sequence[str]) -> Iterator[Flow]:
        for kind in kinds:
            for use in self.uses:
                for category in self.categories:
                    yield Flow(self.company, kind, use, category)

    def cells_for(self, category: str) -> list[Cell]:
        if category in self.deep:
            return self.cells
        return [Cell(self.cells[0].name, self.cells[0].fields)]  # the base, consent none / to the use

    def points(self, flow: Flow) -> int:
        return sum(2 * (1 + len(c.opt_outs)) for c in self.cells_for(flow.category))

    def size(self, kinds: int) -> int:
        return kinds * len(self.uses) * sum(sum(2 * (1 + len(c.opt_outs)) for c in self.cells_for(k)) for k in self.categories)


@dataclass
class Domain:
    kinds: list[str]
    companies: dict[str, CompanyDomain]
    mode: str

    def flows(self) -> list[Flow]:
        return [f for c in self.companies.values() for f in c.flows(self.kinds)]

    def points(self, flow: Flow) -> int:
        return self.companies[flow.company].points(flow)

    @property
    def size(self) -> int:
        return sum(c.size(len(self.kinds)) for c in self.companies.values())


def _legal_options(model: inv.Model, company: str) -> list[tuple[str, Any]]:
    mentioned = list(model.company[company].legal_matters)
    named = mentioned[0] if mentioned else "court_order"
    unnamed = next((m for m in model.legal_matters if m not in mentioned), None)
    options = [
        ("legal verified " + named, {"verified": True, "matter": named}),
        ("legal unverified " + named, {"verified": False, "matter": named}),
    ]
    if unnamed:
        options.append(("legal verified " + unnamed, {"verified": True, "matter": unnamed}))
    return options


def build_domain(model: inv.Model, mode: str = "bounded", companies: Sequence[str] | None = None) -> Domain:
    if mode not in ("bounded", "product"):
        raise ValueError(f"unknown domain {mode!r}")
    result: dict[str, CompanyDomain] = {}
    for company in companies or model.companies:
        facts = model.company[company]
        if mode == "bounded":
            uses = list(model.policy_uses(company))
            categories = list(model.policy_categories(company))
        else:
            uses = key_classes(model.uses, model.policy_uses(company))
            categories = key_classes(model.categories, model.policy_categories(company))
        bands = model.age_bands(company)
        adult = bands["adult"] or ADULT_DEFAULT
        base: dict[str, Any] = {
            "action": "disclose",
            "identifiability": "identifiable",
            "subject": {"age": adult},
            "under_contract": True,
            "legal_request": None,
        }
        opt_outs = tuple(facts.opt_outs)
        cells: list[Cell] = []

        def cell(name: str, change: dict[str, Any], with_opt_outs: tuple[str, ...] = ()) -> None:
            merged = {**base, **change}
            cells.append(Cell(name, tuple(sorted(merged.items())), with_opt_outs))

        if mode == "bounded":
            cell("base", {}, opt_outs)
            cell("sell", {"action": "sell"})
            cell("sell aggregated", {"action": "sell", "identifiability": "aggregated"})
            cell("pseudonymous", {"identifiability": "pseudonymous"})
            cell("aggregated", {"identifiability": "aggregated"})
            for band in ("unknown", "child", "teen"):
                age = bands[band]
                cell(f"age {band}", {"subject": {} if age is None else {"age": age}})
            for name, legal in _legal_options(model, company):
                cell(name, {"legal_request": legal})
            cell("subject in DE", {"subject": {"age": adult, "country": "DE"}})
            cell("subject in US-CA", {"subject": {"age": adult, "country": "US", "subdivision": "US-CA"}})
            cell("recipient in CN", {"recipient_country": "CN"})
            cell("not under contract", {"under_contract": False})
            name = next((n for n in facts.names if not re.search(r"\d", n) and len(n) <= 40 and n[:1].isupper()), None)  # not Rego: a name
            if name:
                cell("recipient named " + name, {"recipient_name": name})
        else:
            legal = [("no legal request", None), *_legal_options(model, company)]
            for action in ("disclose", "sell"):
                for level in ("identifiable", "pseudonymous", "aggregated"):
                    for band, age in bands.items():
                        for legal_name, request in legal:
                            cell(
                                f"{action} {level} age {band} {legal_name}",
                                {
                                    "action": action,
                                    "identifiability": level,
                                    "subject": {} if age is None else {"age": age},
                                    "legal_request": request,
                                },
                                opt_outs,
                            )
        deep = [k for k in DEEP_CATEGORIES if k in set(model.categories)] if mode == "bounded" else list(categories)
        for k in deep:
            if k not in categories:
                categories.append(k)
        result[company] = CompanyDomain(company, uses, categories, cells, deep)
    return Domain(list(model.kinds), result, mode)


def point(flow: Flow, cell: Cell, consent: bool, opt_out: str | None) -> dict[str, Any]:
    fields = dict(cell.fields)
    recipient: dict[str, Any] = {"kind": flow.kind, "under_contract": fields["under_contract"]}
    if fields.get("recipient_country"):
        recipient["country"] = fields["recipient_country"]
    if fields.get("recipient_name"):
        recipient["name"] = fields["recipient_name"]
    doc: dict[str, Any] = {
        "company": flow.company,
        "action": fields["action"],
        "data_categories": [flow.category],
        "data_use": flow.use,
        "recipient": recipient,
        "subject": fields["subject"],
        "consents": [flow.use] if consent else [],
        "opt_outs": [opt_out] if opt_out else [],
        "legal_request": fields["legal_request"],
        "identifiability": fields["identifiability"],
    }
    return doc


@dataclass
class Counterexample:
    invariant: str
    input: Any
    decision: Any
    problem: str
    related_input: Any = None


@dataclass
class Report:
    domain_size: int
    points: int = 0
    evaluations: int = 0
    seconds: float = 0.0
    counterexamples: list[Counterexample] = field(default_factory=list)
    violations_by_invariant: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations_by_invariant

    def add(self, found: Counterexample, keep: int) -> None:
        n = self.violations_by_invariant.get(found.invariant, 0)
        self.violations_by_invariant[found.invariant] = n + 1
        if n < keep:
            self.counterexamples.append(found)


class Checker:
    """Checks flows with one observer (thread-safe when its engine is, as RegoEngine is)."""

    def __init__(self, observer: inv.Observer, model: inv.Model, domain: Domain):
        self.observer = observer
        self.model = model
        self.domain = domain
        self.clauses = observer.clauses()
        self._catch_all: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _expected_catch_all(self, company: str, doc: dict[str, Any]) -> Any:
        with self._lock:
            if company in self._catch_all:
                return self._catch_all[company]
        obs = self.observer.observe(doc)
        expected = None
        if obs.defined and isinstance(obs.catch_all, dict):
            expected = {"allow": False, "reasons": [{**obs.catch_all, "effect": "deny"}], "obligations": []}
        with self._lock:
            self._catch_all[company] = expected
        return expected

    def check_flow(self, flow: Flow) -> tuple[int, int, list[Counterexample]]:
        """Returns (points, evaluations, counterexamples) for every point of the flow."""
        company = self.domain.companies[flow.company]
        found: list[Counterexample] = []
        points = evaluations = 0
        noisy_done = False
        for cell in company.cells_for(flow.category):
            decisions: dict[tuple[bool, str | None], Any] = {}
            for consent in (False, True):
                for opt_out in (None, *cell.opt_outs):
                    doc = point(flow, cell, consent, opt_out)
                    obs, n = self._observe(flow.company, doc)
                    points += 1
                    evaluations += n
                    decisions[(consent, opt_out)] = obs.decision if obs.defined else None
                    for name, problems in inv.point_problems(self.model, self.clauses, doc, obs).items():
                        found += [Counterexample(name, doc, obs.decision, p) for p in problems]
                    if not noisy_done and consent and (opt_out or not cell.opt_outs) and obs.defined:
                        noisy_done = True
                        variant = inv.noisy_variant(doc)
                        other = self.observer.decide(variant)
                        evaluations += 1
                        for p in inv.same_decision("reordering, doubling and unknown fields", obs.decision, other.decision if other.defined else other.error):
                            found.append(Counterexample(inv.ORDER_AND_EXTRAS, variant, other.decision, p, related_input=doc))
            # monotonicity inside the cell
            for opt_out in (None, *cell.opt_outs):
                with_consent, without = decisions[(True, opt_out)], decisions[(False, opt_out)]
                for p in inv.monotone(inv.DROP_CONSENT, with_consent, without):
                    found.append(Counterexample(inv.MONOTONE, point(flow, cell, False, opt_out), without, p,
                                                related_input=point(flow, cell, True, opt_out)))
            for consent in (False, True):
                for opt_out in cell.opt_outs:
                    base, more = decisions[(consent, None)], decisions[(consent, opt_out)]
                    for p in inv.monotone(inv.ADD_OPT_OUT, base, more):
                        found.append(Counterexample(inv.MONOTONE, point(flow, cell, consent, opt_out), more, p,
                                                    related_input=point(flow, cell, consent, None)))
        return points, evaluations, found

    def _observe(self, company: str, doc: dict[str, Any]) -> tuple[inv.Observation, int]:
        decision = self.observer.decide(doc)
        if not decision.defined:
            return decision, 1
        expected = self._expected_catch_all(company, doc)
        if expected is not None and decision.decision == expected:
            # Invariant 2 holds whatever the rules say: skip reading them.
            catch_all = {k: v for k, v in expected["reasons"][0].items() if k != "effect"}
            return inv.Observation(True, decision.decision, catch_all=catch_all), 1
        return self.observer.observe_valid(doc, decision), 2  # and the rules


def sample_flows(domain: Domain, points: int, seed: int) -> list[Flow]:
    """Seeded random flows until their points reach `points` (whole flows, so that the
    relations inside a cell can be checked)."""
    flows = domain.flows()
    random.Random(seed).shuffle(flows)
    chosen, total = [], 0
    for f in flows:
        if total >= points:
            break
        chosen.append(f)
        total += domain.points(f)
    return chosen


def run(
    policy_set: PolicySet,
    *,
    workers: int = 2,
    mode: str = "bounded",
    sample: int | None = None,
    seed: int = 20261123,
    companies: Sequence[str] | None = None,
    keep: int = 5,
    observer: inv.Observer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check every point of the domain (or a seeded sample of about `sample` points)."""
    model = inv.Model.from_policy_set(policy_set)
    domain = build_domain(model, mode, companies)
    observer = observer or inv.Observer.regopy(policy_set)
    checker = Checker(observer, model, domain)
    flows = sample_flows(domain, sample, seed) if sample else domain.flows()
    total = sum(domain.points(f) for f in flows)
    report = Report(domain_size=domain.size)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
        futures = [pool.submit(checker.check_flow, f) for f in flows]
        try:
            for future in as_completed(futures):
                points, evaluations, found = future.result()
                report.points += points
                report.evaluations += evaluations
                for c in found:
                    report.add(c, keep)
                if progress is not None:
                    progress(report.points, total)
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    report.seconds = time.perf_counter() - started
    return report


def describe_domain(model: inv.Model, domain: Domain) -> list[str]:
    lines = []
    for name, c in domain.companies.items():
        deep = sum(2 * (1 + len(x.opt_outs)) for x in c.cells)
        shallow = 2
        lines.append(
            f"{name}: {len(domain.kinds)} kinds x {len(c.uses)} uses x {len(c.categories)} categories"
            f" ({len(c.deep)} of them x {deep} points in {len(c.cells)} cells, the rest x {shallow} points)"
            f" = {c.size(len(domain.kinds)):,} points"
        )
    return lines


class TextProgress:
    """A plain progress line on stderr: updated in place on a terminal, one line per 5%
    otherwise (CI logs)."""

    def __init__(self, stream: Any = sys.stderr):
        self.stream = stream
        self.started = time.perf_counter()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last_step = -1

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.started
        rate = done / elapsed if elapsed else 0.0
        eta = (total - done) / rate if rate else 0.0
        text = f"{done:,}/{total:,} points  {rate:,.0f}/s  eta {eta:,.0f}s"
        if self.tty:
            self.stream.write(f"\r{text}   " + ("\n" if done >= total else ""))
        else:
            step = int(20 * done / total) if total else 20
            if step == self._last_step:
                return
            self._last_step = step
            self.stream.write(text + "\n")
        self.stream.flush()
