"""Observing the policy: the decision and the company's own rules, in one evaluation.

The company rules (``permits``, ``forbids``, ``catch_all``) are read through an
observation module added in memory to the policy set (``with_observer``): one evaluation
answers the decision and the company's four rules together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from privacy_pdp.core.engine import EngineError, OpaGoEngine, RegoEngine
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.core.regosource import is_identifier

OBSERVATION_PATH = "privacy_pdp_observe/observation"
RULES_PATH = "privacy_pdp_observe/rules"
OBSERVER_FILE = "privacy_pdp_observe.rego"
OBSERVER_MODULE = """\
package privacy_pdp_observe

# Added in memory by privacy_pdp.assurance.observe (never written to the policy directory): the
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
    return OBSERVER_MODULE + "".join(_RULES_FOR.format(c=c) for c in companies if is_identifier(c))


def with_observer(policy_set: PolicySet) -> PolicySet:
    return PolicySet({**policy_set.modules, OBSERVER_FILE: observer_module(policy_set.companies)}, policy_set.data,
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
