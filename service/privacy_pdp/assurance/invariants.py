"""The promises every decision keeps, as predicates over a request and its answers.

One implementation, used by the property tests (tests/test_invariants.py), the exhaustive
bounded check (``privacy_pdp.assurance.verify``) and the mutation check (``privacy_pdp.assurance.mutation``).

Everything company-independent is read from the policy set itself (``Model``): the
companies present, the vocabulary, the reference lists, and the keys, names, countries and
ages the company packages and their facts mention, so that the machinery follows whatever
policies are present. The few company-specific promises (which companies never give data
to third parties for marketing, which ones need a verified legal request, ...) are the
readings of the clause catalogue, kept as constants below.

A predicate returns a list of problems (strings); an empty list means the promise holds.
Predicates for invariants 2-7 assume a valid input (``fail_closed`` checks validity).

The company rules themselves (``permits``, ``forbids``, ``catch_all``) are read through an
observation module added in memory to the policy set (``with_observer``): one evaluation
answers the decision and the company's four rules together.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from privacy_pdp.core.engine import EngineError, OpaGoEngine, RegoEngine
from privacy_pdp.core.policyset import PolicySet

# --- invariant names (used in reports) -------------------------------------------------

FAIL_CLOSED = "1 fail_closed"
DEFAULT_DENY = "2 default_deny"
THIRD_PARTY_MARKETING = "3 no_third_party_direct_marketing_without_consent"
NO_SALE = "4 no_sale_of_identifiable_data"
LAW_ENFORCEMENT = "5 law_enforcement_needs_a_legal_request"
AD_PARTNER_IDENTIFIERS = "6a advertising_partner_gets_no_direct_identifiers"
CARD_NUMBERS = "6b card_numbers_only_for_payment_processing"
PRIVATE_CONTENT = "7 callsapp_never_discloses_private_content"
MONOTONE = "8 monotonicity"
ORDER_AND_EXTRAS = "9 order_duplicates_and_extra_fields_ignored"
EXPLAINED = "10 explanations"
ISOLATION = "11 company_isolation"

# --- company-specific readings of the clause catalogue ---------------------------------

FIRST_PARTY_KINDS = frozenset({"first_party", "service_provider"})
"""Recipients that do not count as a third party for direct marketing."""

DIRECT_MARKETING = "marketing.communications"
NO_THIRD_PARTY_MARKETING_EVEN_WITH_CONSENT = frozenset({"callmatikpro", "callsapp"})
"""callmatikpro.sale.never (never to outside parties); CallsApp never provides it."""

LAW_ENFORCEMENT_KIND = "law_enforcement"
LAW_ENFORCEMENT_NEEDS_VERIFIED = frozenset({"callsapp", "callbridge"})
"""callsapp.disclosure.law_enforcement (verified request), callbridge.disclosure.public_authorities (lawful request)."""
LAW_ENFORCEMENT_NEVER = frozenset({"callmatikpro"})
"""callmatikpro.absent: no law-enforcement clause, so the catch-all denies."""

AD_PARTNER_KIND = "advertising_partner"
AD_PARTNER_IDENTIFIER_EXCEPTIONS: dict[str, frozenset[str]] = {
    # callsapp.sharing.advertising_id: ad partners get the ad id plus language, country and
    # city; the catalogue's reading keeps city and country as the only contact-address keys.
    "callsapp": frozenset({"user.contact.address.city", "user.contact.address.country"}),
}
CARD_NUMBERS_KEY = "user.financial.credit_card"
PAYMENT_USE = "essential.service.payment_processing"

PRIVATE_CONTENT_NEVER: dict[str, str] = {"callsapp": "user.content.private"}
"""callsapp.content.no_access: CallsApp never reads private content, so never discloses it."""

# Keys the invariants themselves name: the bounded domain and the strategies cover them.
INVARIANT_CATEGORY_KEYS = ("user.financial.credit_card", "user.content.private", "user.contact.address.city",
                           "user.contact.address.country")
INVARIANT_USE_KEYS = ("marketing.communications", "essential.service.payment_processing")


# --- vocabulary ----------------------------------------------------------------------------


def covers(parent: str, key: str) -> bool:
    """key is parent or one of its descendants (privacy.vocabulary.covers)."""
    return key == parent or key.startswith(parent + ".")


def overlaps(a: str, b: str) -> bool:
    return covers(a, b) or covers(b, a)


# --- what the policy set says about itself ----------------------------------------------

_COUNTRY = re.compile(r"[A-Z]{2}")
_SUBDIVISION = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
_EXTRA_COUNTRIES = ("US", "GB", "CH", "RU", "CN", "IN", "BR", "AU", "CA", "JP", "SG", "PK", "IE", "DE", "FR")


def rego_strings(source: str) -> list[str]:
    """The string literals of a Rego module, comments left out."""
    found: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "#":
            end = source.find("\n", i)
            i = n if end < 0 else end
        elif ch == '"':
            j, buf = i + 1, []
            while j < n and source[j] != '"' and source[j] != "\n":
                if source[j] == "\\" and j + 1 < n:
                    buf.append(source[j : j + 2])
                    j += 2
                else:
                    buf.append(source[j])
                    j += 1
            try:
                found.append(json.loads('"' + "".join(buf) + '"'))
            except json.JSONDecodeError:
                found.append("".join(buf))
            i = j + 1
        elif ch == "`":
            end = source.find("`", i + 1)
            end = n if end < 0 else end
            found.append(source[i + 1 : end])
            i = end + 1
        else:
            i += 1
    return found


def json_leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from json_leaves(v, path + (str(k),))
    elif isinstance(value, list):
        for v in value:
            yield from json_leaves(v, path)
    else:
        yield path, value


@dataclass(frozen=True)
class CompanyFacts:
    name: str
    categories: tuple[str, ...]  # taxonomy category keys the package or its facts mention
    uses: tuple[str, ...]  # taxonomy use keys the package or its facts mention
    opt_outs: tuple[str, ...]  # reference opt-outs the package or its facts mention
    legal_matters: tuple[str, ...]
    names: tuple[str, ...]  # free-text names in the facts (group companies, vendors)
    countries: tuple[str, ...]
    subdivisions: tuple[str, ...]
    ages: tuple[int, ...]  # age thresholds in the facts (numbers under a key naming an age)
    unknown_keys: tuple[str, ...]  # dotted literals that look like taxonomy keys but are not in it


@dataclass(frozen=True)
class Model:
    """The vocabulary and lists the machinery generates from, read from a policy set."""

    companies: tuple[str, ...]
    categories: tuple[str, ...]
    uses: tuple[str, ...]
    kinds: tuple[str, ...]
    opt_outs: tuple[str, ...]
    legal_matters: tuple[str, ...]
    eea: tuple[str, ...]
    adequacy: tuple[str, ...]
    direct_identifiers: tuple[str, ...]
    reference: dict[str, Any]
    company: dict[str, CompanyFacts]
    global_categories: tuple[str, ...]  # reference and invariant keys
    global_uses: tuple[str, ...]

    @classmethod
    def from_policy_set(cls, policy_set: PolicySet) -> Model:
        privacy = policy_set.data.get("privacy", {})
        taxonomy = privacy.get("taxonomy", {})
        reference = privacy.get("reference", {})
        categories = tuple(taxonomy.get("data_categories", ()))
        uses = tuple(taxonomy.get("data_uses", ()))
        cat_set, use_set = set(categories), set(uses)
        companies = tuple(
            sorted(c for c, v in privacy.get("companies", {}).items() if isinstance(v, dict) and isinstance(v.get("facts"), dict))
        )
        opt_outs = tuple(reference.get("opt_outs", ()))
        matters = tuple(reference.get("legal_matters", ()))
        ref_strings = [v for _, v in json_leaves(reference) if isinstance(v, str)]
        global_categories = tuple(sorted({s for s in ref_strings if s in cat_set} | set(INVARIANT_CATEGORY_KEYS) & cat_set))
        global_uses = tuple(sorted({s for s in ref_strings if s in use_set} | set(INVARIANT_USE_KEYS) & use_set))
        known_words = set(reference.get("recipient_kinds", ())) | set(opt_outs) | set(matters) | cat_set | use_set
        per_company: dict[str, CompanyFacts] = {}
        for company in companies:
            strings: list[str] = []
            prefix = f"privacy/companies/{company}/"
            for path, source in sorted(policy_set.modules.items()):
                if path.startswith(prefix) or f"/{company}/" in path or path.endswith(f"/{company}.rego"):
                    strings += rego_strings(source)
            facts = privacy["companies"][company]["facts"]
            leaves = list(json_leaves(facts))
            fact_strings = [v for _, v in leaves if isinstance(v, str)]
            strings += fact_strings
            ages = sorted(
                {
                    int(v)
                    for p, v in leaves
                    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 120
                    and any(t in ("age", "ages") for part in p for t in re.split(r"[_\-\s]", part.lower()))
                }
            )
            names = sorted(
                {
                    s
                    for s in fact_strings
                    if s not in known_words and re.search(r"[A-Za-z]", s) and not _COUNTRY.fullmatch(s)
                    and not _SUBDIVISION.fullmatch(s) and not re.fullmatch(r"[a-z0-9_.]+", s) and len(s) < 80
                }
            )
            looks_like_key = {s for s in strings if re.fullmatch(r"(user|system|essential|marketing|analytics|functional|personalize|third_party_sharing|employment|finance|collect|operations|sales|train_ai_system)(\.[a-z0-9_]+)+", s)}
            per_company[company] = CompanyFacts(
                name=company,
                categories=tuple(sorted({s for s in strings if s in cat_set})),
                uses=tuple(sorted({s for s in strings if s in use_set})),
                opt_outs=tuple(o for o in opt_outs if o in set(strings)),
                legal_matters=tuple(m for m in matters if m in set(strings)),
                names=tuple(names),
                countries=tuple(sorted({s for s in strings if _COUNTRY.fullmatch(s)})),
                subdivisions=tuple(sorted({s for s in strings if _SUBDIVISION.fullmatch(s)})),
                ages=tuple(ages),
                unknown_keys=tuple(sorted(looks_like_key - cat_set - use_set)),
            )
        return cls(
            companies=companies,
            categories=categories,
            uses=uses,
            kinds=tuple(reference.get("recipient_kinds", ())),
            opt_outs=opt_outs,
            legal_matters=matters,
            eea=tuple(reference.get("eea", ())),
            adequacy=tuple(reference.get("eu_adequacy", ())),
            direct_identifiers=tuple(reference.get("direct_identifiers", ())),
            reference=reference,
            company=per_company,
            global_categories=global_categories,
            global_uses=global_uses,
        )

    # convenience views
    def policy_categories(self, company: str | None = None) -> tuple[str, ...]:
        keys = set(self.global_categories)
        for c in [company] if company else self.companies:
            keys |= set(self.company[c].categories)
        return tuple(k for k in self.categories if k in keys)

    def policy_uses(self, company: str | None = None) -> tuple[str, ...]:
        keys = set(self.global_uses)
        for c in [company] if company else self.companies:
            keys |= set(self.company[c].uses)
        return tuple(k for k in self.uses if k in keys)

    def names(self) -> tuple[str, ...]:
        return tuple(sorted({n for c in self.companies for n in self.company[c].names}))

    def countries(self) -> tuple[str, ...]:
        found = set(self.eea) | set(self.adequacy) | set(_EXTRA_COUNTRIES)
        for c in self.companies:
            found |= set(self.company[c].countries)
        return tuple(sorted(found))

    def subdivisions(self) -> tuple[str, ...]:
        found = {"US-CA", "US-NY", "US-TX", "CA-QC", "DE-BY"}
        for c in self.companies:
            found |= set(self.company[c].subdivisions)
        return tuple(sorted(found))

    def age_thresholds(self, company: str | None = None) -> tuple[int, ...]:
        found = {13, 16, 18}
        for c in [company] if company else self.companies:
            found |= set(self.company[c].ages)
        return tuple(sorted(found))

    def age_bands(self, company: str) -> dict[str, int | None]:
        """unknown, child, teen, adult for this company: below its lowest age threshold,
        below its highest one, and well above it (defaults 13 and 18 when the facts name none)."""
        ages = sorted(self.company[company].ages) if company in self.company else []
        low, high = (ages[0], ages[-1]) if ages else (13, 18)
        if high == low:  # one threshold: a child well below it, a teen just below 18 (or it)
            low, high = min(low, 13), max(high, 18)
        return {"unknown": None, "child": max(low - 1, 0), "teen": high - 1, "adult": max(high + 12, 30)}


# --- observing the policy -----------------------------------------------------------------

OBSERVATION_PATH = "privacy_pdp_observe/observation"
RULES_PATH = "privacy_pdp_observe/rules"
OBSERVER_FILE = "privacy_pdp_observe.rego"
OBSERVER_MODULE = """\
package privacy_pdp_observe

# Added in memory by privacy_pdp.assurance.invariants (never written to the policy directory): the
# decision and the company's own rules, read by name as privacy.decision reads them, for
# a valid input only (privacy.decision never evaluates a company's rules otherwise).

import data.privacy
import data.privacy.request

# The company's rules are read only when the decision took the input as valid, as
# privacy.decision reads them; the decision is worked out once per query.
observation := {"decision": d, "rules": rules} if {
	d := privacy.decision
	not _rejected(d)
} else := {"decision": privacy.decision, "rules": null}

_rejected(d) if {
	some r in d.reasons
	r.code == "invalid_input"
}

# The company's rules alone (for inputs known to be valid, e.g. the bounded check),
# read by static paths (appended per company by with_observer): a dynamic key
# (data.privacy.companies[c]) makes regopy evaluate every company's rules.
"""


_RULES_FOR = """
rules := {{
	"permits": [r | some r in data.privacy.companies.{c}.permits],
	"forbids": [r | some r in data.privacy.companies.{c}.forbids],
	"obligations": [o | some o in data.privacy.companies.{c}.obligations],
	"catch_all": [r | r := data.privacy.companies.{c}.catch_all],
}} if request.company == "{c}"
"""


def observer_module(companies: Iterable[str]) -> str:
    return OBSERVER_MODULE + "".join(_RULES_FOR.format(c=c) for c in companies if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", c))


def with_observer(policy_set: PolicySet) -> PolicySet:
    companies = Model.from_policy_set(policy_set).companies
    return PolicySet({**policy_set.modules, OBSERVER_FILE: observer_module(companies)}, policy_set.data,
                     policy_set.revision, dict(policy_set.test_modules))


@dataclass(frozen=True)
class Observation:
    defined: bool
    decision: Any = None
    permits: list[Any] = field(default_factory=list)
    forbids: list[Any] = field(default_factory=list)
    obligations: list[Any] = field(default_factory=list)
    catch_all: Any = None
    error: str | None = None


class Observer:
    """Evaluates the observation (and the plain decision) with one engine."""

    def __init__(self, engine: Any):
        self.engine = engine
        self._clauses: dict[str, Any] | None = None

    @classmethod
    def regopy(cls, policy_set: PolicySet) -> Observer:
        return cls(RegoEngine(with_observer(policy_set), entrypoints=(OBSERVATION_PATH, RULES_PATH, "privacy/decision", "privacy/clauses")))

    @classmethod
    def opa(cls, policy_set: PolicySet) -> Observer:
        return cls(OpaGoEngine(with_observer(policy_set)))

    def observe(self, doc: Any) -> Observation:
        result = _evaluated(self.engine, OBSERVATION_PATH, doc)
        if isinstance(result, Observation):
            return result
        return observation_of(result.value["decision"], result.value["rules"])

    def observe_valid(self, doc: Any, decision: Observation | None = None) -> Observation:
        """For an input known to be valid: the decision (unless given) and the company's rules,
        queried apart (cheaper under regopy than the combined observation)."""
        decision = decision or self.decide(doc)
        if not decision.defined:
            return decision
        try:
            rules = self.engine.evaluate(RULES_PATH, doc)
        except Exception as exc:  # noqa: BLE001
            return Observation(False, error=f"engine error reading the company rules: {getattr(exc, 'message', exc)}")
        return observation_of(decision.decision, rules.value if rules.defined else None)

    def decide(self, doc: Any) -> Observation:
        """The plain decision (privacy/decision), as production evaluates it."""
        return decide_with(self.engine, doc)

    def clauses(self) -> dict[str, Any]:
        if self._clauses is None:
            result = self.engine.evaluate("privacy/clauses")
            self._clauses = result.value if result.defined else {}
        return self._clauses


def observation_of(decision: Any, rules: Any) -> Observation:
    if not isinstance(rules, dict):
        return Observation(True, decision)
    catch_all = rules["catch_all"][0] if rules["catch_all"] else None
    return Observation(True, decision, rules["permits"], rules["forbids"], rules["obligations"], catch_all)


def decide_with(engine: Any, doc: Any) -> Observation:
    result = _evaluated(engine, "privacy/decision", doc)
    return result if isinstance(result, Observation) else Observation(True, result.value)


def _evaluated(engine: Any, path: str, doc: Any) -> Any:
    """The defined evaluation of path, or a failed Observation saying why there is none."""
    try:
        result = engine.evaluate(path, doc)
    except EngineError as exc:
        return Observation(False, error=f"engine error: {exc.message}")
    except Exception as exc:  # noqa: BLE001 - e.g. regopy printing output that is not JSON
        return Observation(False, error=f"engine failure: {type(exc).__name__}: {exc}")
    if not result.defined:
        return Observation(False, error="the decision is undefined")
    return result


# --- the request, normalised as privacy.request does ---------------------------------------


def _get(obj: Any, key: str, fallback: Any) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    return fallback if value is None else value


@dataclass(frozen=True)
class Flow:
    company: str
    action: str
    categories: tuple[str, ...]
    use: str
    kind: str
    consents: tuple[str, ...]
    opt_outs: tuple[str, ...]
    legal_request: dict[str, Any] | None
    identifiability: str


def flow_of(doc: dict[str, Any]) -> Flow:
    recipient = _get(doc, "recipient", {})
    legal = doc.get("legal_request")
    return Flow(
        company=doc["company"],
        action=_get(doc, "action", "disclose"),
        categories=tuple(doc["data_categories"]),
        use=doc["data_use"],
        kind=recipient["kind"],
        consents=tuple(_get(doc, "consents", [])),
        opt_outs=tuple(_get(doc, "opt_outs", [])),
        legal_request=legal if isinstance(legal, dict) else None,
        identifiability=_get(doc, "identifiability", "identifiable"),
    )


def short(value: Any, limit: int = 600) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _invalid_reasons(decision: Any) -> list[Any]:
    if not isinstance(decision, dict):
        return []
    return [r for r in decision.get("reasons") or [] if isinstance(r, dict) and r.get("code") == "invalid_input"]


def _allowed(decision: Any) -> bool:
    return isinstance(decision, dict) and decision.get("allow") is True


# --- the predicates -------------------------------------------------------------------------


def fail_closed(obs: Observation, valid: bool, fields: Iterable[str] = ()) -> list[str]:
    """1. Every input gets a defined decision without an engine error; an invalid one is a
    deny with an invalid_input reason (naming the field, when the caller knows it); a valid
    one carries no invalid_input reason."""
    if not obs.defined:
        return [obs.error or "no decision"]
    decision = obs.decision
    if not isinstance(decision, dict) or not isinstance(decision.get("allow"), bool):
        return [f"the decision is not a decision document: {short(decision)}"]
    invalid = _invalid_reasons(decision)
    if valid:
        return [f"a valid input was rejected: {short(invalid)}"] if invalid else []
    problems = []
    if decision["allow"] is not False:
        problems.append("an invalid input was allowed")
    if not invalid:
        problems.append(f"an invalid input has no invalid_input reason: {short(decision.get('reasons'))}")
    wanted = set(fields)
    if wanted and invalid and not wanted & {r.get("field") for r in invalid}:
        problems.append(f"no invalid_input reason names {sorted(wanted)}: {short(invalid)}")
    return problems


def default_deny(obs: Observation) -> list[str]:
    """2. No permit and no forbid: a deny citing exactly the company's catch-all."""
    if not obs.defined:
        return [obs.error or "no decision"]
    if _invalid_reasons(obs.decision) or obs.permits or obs.forbids:
        return []
    if not isinstance(obs.catch_all, dict):
        return ["the company has no catch_all reason"]
    expected = {"allow": False, "reasons": [{**obs.catch_all, "effect": "deny"}], "obligations": []}
    if obs.decision != expected:
        return [f"no clause decided, yet the answer is {short(obs.decision)} (expected the catch-all {obs.catch_all.get('clause')})"]
    return []


def _denied(rule: str, decision: Any) -> list[str]:
    return [f"{rule}, yet allowed: {short(decision.get('reasons'))}"] if _allowed(decision) else []


def third_party_marketing(flow: Flow, decision: Any) -> list[str]:
    """3. No third-party direct marketing without express consent (never for some companies)."""
    if flow.kind in FIRST_PARTY_KINDS or not overlaps(flow.use, DIRECT_MARKETING):
        return []
    if flow.company in NO_THIRD_PARTY_MARKETING_EVEN_WITH_CONSENT:
        return _denied(f"{flow.company} gives no data to a {flow.kind} for direct marketing ({flow.use})", decision)
    if not any(covers(c, flow.use) for c in flow.consents):
        return _denied(f"direct marketing ({flow.use}) by a {flow.kind} without consent covering it", decision)
    return []


def no_sale(flow: Flow, decision: Any) -> list[str]:
    """4. No sale of identifiable personal data."""
    if flow.action == "sell" and flow.identifiability == "identifiable":
        return _denied("sale of identifiable personal data", decision)
    return []


def law_enforcement(flow: Flow, decision: Any) -> list[str]:
    """5. Law enforcement needs a legal request (verified for some; never for others)."""
    if flow.kind != LAW_ENFORCEMENT_KIND:
        return []
    if flow.company in LAW_ENFORCEMENT_NEVER:
        return _denied(f"{flow.company} never discloses to law enforcement", decision)
    if flow.legal_request is None:
        return _denied("disclosure to law enforcement without a legal request", decision)
    if flow.company in LAW_ENFORCEMENT_NEEDS_VERIFIED and flow.legal_request.get("verified") is not True:
        return _denied(f"{flow.company} discloses to law enforcement only on a verified request", decision)
    return []


def ad_partner_identifiers(flow: Flow, decision: Any, direct_identifiers: Iterable[str]) -> list[str]:
    """6a. advertising_partner never gets direct identifiers (CallsApp: city and country excepted)."""
    if flow.kind != AD_PARTNER_KIND:
        return []
    excepted = AD_PARTNER_IDENTIFIER_EXCEPTIONS.get(flow.company, frozenset())
    hits = sorted({c for c in flow.categories if c not in excepted for d in direct_identifiers if overlaps(c, d)})
    return _denied(f"direct identifiers {hits} to an advertising partner", decision) if hits else []


def card_numbers(flow: Flow, decision: Any) -> list[str]:
    """6b. Card numbers go nowhere except for payment processing."""
    hits = [c for c in flow.categories if overlaps(c, CARD_NUMBERS_KEY)]
    if hits and not covers(PAYMENT_USE, flow.use):
        return _denied(f"card numbers ({hits}) for {flow.use}", decision)
    return []


def private_content(flow: Flow, decision: Any) -> list[str]:
    """7. CallsApp never discloses private content."""
    key = PRIVATE_CONTENT_NEVER.get(flow.company)
    if key is None:
        return []
    hits = [c for c in flow.categories if overlaps(c, key)]
    return _denied(f"{flow.company} discloses private content ({hits})", decision) if hits else []


def explained(decision: Any, clauses: dict[str, Any]) -> list[str]:
    """10. Every deny has a deny reason, every allow an allow reason and no deny reason; every
    cited clause is catalogued; obligations only on allows, each citing a catalogued clause."""
    if not isinstance(decision, dict):
        return [f"not a decision: {short(decision)}"]
    problems = []
    reasons = decision.get("reasons")
    obligations = decision.get("obligations")
    if not isinstance(reasons, list) or not isinstance(obligations, list):
        return [f"reasons and obligations must be arrays: {short(decision)}"]
    effects = [r.get("effect") if isinstance(r, dict) else None for r in reasons]
    if decision.get("allow") is True:
        if "allow" not in effects:
            problems.append("an allow with no allow reason")
        if "deny" in effects:
            problems.append(f"an allow with a deny reason: {short(reasons)}")
    else:
        if "deny" not in effects:
            problems.append(f"a deny with no deny reason: {short(reasons)}")
        if obligations:
            problems.append(f"obligations on a deny: {short(obligations)}")
    for r in reasons:
        if not isinstance(r, dict) or not isinstance(r.get("code"), str) or not isinstance(r.get("message"), str):
            problems.append(f"a reason without code and message: {short(r)}")
        elif r.get("clause") not in clauses:
            problems.append(f"reason cites an uncatalogued clause {r.get('clause')!r}")
    for o in obligations:
        if not isinstance(o, dict) or o.get("clause") not in clauses:
            problems.append(f"obligation cites an uncatalogued clause: {short(o)}")
    return problems


def point_problems(model: Model, clauses: dict[str, Any], doc: dict[str, Any], obs: Observation) -> dict[str, list[str]]:
    """Invariants 1 (valid side), 2-7 and 10 on one valid input and its observation."""
    found: dict[str, list[str]] = {}

    def note(name: str, problems: list[str]) -> None:
        if problems:
            found.setdefault(name, []).extend(problems)

    note(FAIL_CLOSED, fail_closed(obs, valid=True))
    if not obs.defined or _invalid_reasons(obs.decision):
        return found
    flow = flow_of(doc)
    decision = obs.decision
    note(DEFAULT_DENY, default_deny(obs))
    note(THIRD_PARTY_MARKETING, third_party_marketing(flow, decision))
    note(NO_SALE, no_sale(flow, decision))
    note(LAW_ENFORCEMENT, law_enforcement(flow, decision))
    note(AD_PARTNER_IDENTIFIERS, ad_partner_identifiers(flow, decision, model.direct_identifiers))
    note(CARD_NUMBERS, card_numbers(flow, decision))
    note(PRIVATE_CONTENT, private_content(flow, decision))
    note(EXPLAINED, explained(decision, clauses))
    return found


# --- relations between two decisions ---------------------------------------------------------

ADD_OPT_OUT = "add an opt-out"
DROP_CONSENT = "drop a consent"
DROP_CATEGORIES = "drop categories"


def monotone(change: str, before: Any, after: Any) -> list[str]:
    """8. after is before's input with one change: adding an opt-out or dropping a consent
    never turns a deny into an allow; dropping categories never turns an allow into a deny."""
    if change in (ADD_OPT_OUT, DROP_CONSENT):
        if _allowed(after) and not _allowed(before):
            return [f"{change} turned a deny into an allow: {short(after.get('reasons'))}"]
    elif change == DROP_CATEGORIES:
        if _allowed(before) and not _allowed(after):
            return [f"{change} turned an allow into a deny: {short(after.get('reasons') if isinstance(after, dict) else after)}"]
    else:
        raise ValueError(change)
    return []


def monotone_variants(doc: dict[str, Any], allowed: bool, opt_outs: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The one-step changes of doc that could break monotonicity given its outcome."""
    if not allowed:
        present = set(_get(doc, "opt_outs", []))
        for o in opt_outs:
            if o not in present:
                yield ADD_OPT_OUT, {**doc, "opt_outs": [*_get(doc, "opt_outs", []), o]}
        consents = list(_get(doc, "consents", []))
        for i in range(len(consents)):
            yield DROP_CONSENT, {**doc, "consents": consents[:i] + consents[i + 1 :]}
        if len(consents) > 1:
            yield DROP_CONSENT, {**doc, "consents": []}
    else:
        categories = list(doc["data_categories"])
        if len(categories) > 1:
            for i in range(len(categories)):
                yield DROP_CATEGORIES, {**doc, "data_categories": categories[:i] + categories[i + 1 :]}
            for c in dict.fromkeys(categories):
                yield DROP_CATEGORIES, {**doc, "data_categories": [c]}


def same_decision(change: str, before: Any, after: Any) -> list[str]:
    """9. Reordering or duplicating list entries and adding unknown fields leave the decision as it was."""
    if before != after:
        return [f"{change} changed the decision from {short(before)} to {short(after)}"]
    return []


def noisy_variant(doc: dict[str, Any]) -> dict[str, Any]:
    """A fixed variant of a valid input: lists reversed and doubled, unknown fields added at
    the top level and inside recipient, subject and legal_request."""
    out: dict[str, Any] = {**doc}
    for key in ("data_categories", "consents", "opt_outs"):
        value = doc.get(key)
        if isinstance(value, list):
            out[key] = list(reversed(value)) + list(value)
    out["x_unknown_field"] = {"nested": [1, "two", None]}
    out["recipient"] = {**doc["recipient"], "x_department": "sales"}
    subject = doc.get("subject")
    out["subject"] = {**(subject if isinstance(subject, dict) else {}), "x_locale": "de-DE"}
    legal = doc.get("legal_request")
    if isinstance(legal, dict):
        out["legal_request"] = {**legal, "x_reference": "case 42"}
    return out


# --- company isolation ----------------------------------------------------------------------


def scramble(value: Any, mode: str) -> Any:
    """Another company's facts, changed throughout: lists emptied ("empty") or given extra
    entries ("grow"), strings and numbers and booleans changed."""
    if isinstance(value, dict):
        return {k: scramble(v, mode) for k, v in value.items()}
    if isinstance(value, list):
        return [] if mode == "empty" else [scramble(v, mode) for v in value] + ["x-scrambled", "user", "marketing", "third_party"]
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1000
    if isinstance(value, str):
        return "x-scrambled-" + value
    return value


def with_scrambled_facts(policy_set: PolicySet, company: str, mode: str) -> PolicySet:
    data = json.loads(json.dumps(policy_set.data))
    facts = data["privacy"]["companies"][company]["facts"]
    data["privacy"]["companies"][company]["facts"] = scramble(facts, mode)
    return PolicySet(dict(policy_set.modules), data, policy_set.revision + f"+scrambled-{company}-{mode}")


def isolated(company: str, other: str, before: Any, after: Any) -> list[str]:
    """11. A decision for company does not change when other's facts change."""
    if before != after:
        return [f"changing {other}'s facts changed a {company} decision from {short(before)} to {short(after)}"]
    return []

