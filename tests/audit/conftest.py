"""Fixtures of the audit tests: the catalogue, vocabulary and a decision function."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from privacy_pdp.audit.explain import catalogue_of
from privacy_pdp.audit.vocabulary import Vocabulary
from privacy_pdp.core.engine import RegoEngine
from privacy_pdp.core.policyset import PolicySet


@pytest.fixture(scope="session")
def catalogue(policies: PolicySet) -> dict[str, dict[str, Any]]:
    return catalogue_of(policies)


@pytest.fixture(scope="session")
def vocabulary(policies: PolicySet) -> Vocabulary:
    return Vocabulary.of(policies)


@pytest.fixture(scope="session")
def decide(rego: RegoEngine) -> Callable[[dict[str, Any]], Any]:
    return lambda request: rego.evaluate("privacy/decision", request).value
