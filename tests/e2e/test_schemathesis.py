"""A bounded schemathesis run against the service's own OpenAPI document, on a real server:
no 5xx, no response outside the documented status codes, content types and schemas.

Driven through schemathesis' strategies and hypothesis directly (its pytest plugin does not
run under this pytest); every operation gets positive and negative (schema-breaking) cases.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from conftest import Server

EXAMPLES = 6  # per operation and mode: bounded in time, enough to cross each route's bad inputs

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def operations(server: Server) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_api_conforms_to_its_openapi_document(e2e_server: Server, mode: GenerationMode) -> None:
    failures: list[str] = []
    tried = 0
    for operation in operations(e2e_server):
        if operation.label == "POST /v1/batch/data":
            continue  # the whole data tree per input: the same handler is run on a real path below
        # A batch on a random path can evaluate the whole data tree per input: keep it on the decision.
        fixed = {"path": "privacy/decision"} if operation.label.startswith("POST /v1/batch/") else None
        try:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)
        except Exception as exc:  # an operation schemathesis cannot negate (e.g. no parameters)
            if mode is GenerationMode.NEGATIVE:
                continue
            raise AssertionError(f"{operation.label}: {exc}") from exc

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            case.call_and_validate(base_url=e2e_server.url, checks=CHECKS, timeout=30)

        tried += 1
        try:
            check()
        except Unsatisfiable:  # nothing in this operation can be made schema-breaking
            assert mode is GenerationMode.NEGATIVE, operation.label
        except Exception as exc:  # collect every operation's failure, not just the first
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert tried >= 15
    assert not failures, "\n\n".join(failures)


def test_server_still_serves_after_the_run(e2e_server: Server) -> None:
    response = httpx.post(f"{e2e_server.url}/v1/data/privacy/decision", json={"input": {"company": "kallu"}}, timeout=10)
    assert response.status_code == 200 and response.json()["result"]["allow"] is False
