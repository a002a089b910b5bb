"""Apps built for one test module: other settings, another decision log, no policy set."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, ContextManager, Iterator

import pytest
from fastapi.testclient import TestClient

from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.app import create_app
from privacy_pdp.server.settings import Settings
from server.doubles import MemoryDecisionLog

MakeApp = Callable[..., ContextManager[tuple[TestClient, MemoryDecisionLog]]]


@pytest.fixture()
def make_app(policies: PolicySet) -> MakeApp:
    @contextmanager
    def build(policy_set: PolicySet | None = policies, **settings: Any) -> Iterator[tuple[TestClient, MemoryDecisionLog]]:
        log = MemoryDecisionLog()
        options: dict[str, Any] = {"workers": 1, "decision_log_enabled": False, **settings}
        with TestClient(create_app(Settings(**options), policy_set=policy_set, decision_log=log)) as client:
            yield client, log

    return build
