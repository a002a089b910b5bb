"""A real OPA client (PyPI opa-python-client) against the running service, unchanged."""

from __future__ import annotations

import pytest
from opa_client.errors import PolicyNotFoundError
from opa_client.opa import OpaClient

from conftest import Server

REQUEST = {
    "company": "kallu",
    "data_categories": ["user.contact.email"],
    "data_use": "marketing.communications.email",
    "recipient": {"kind": "third_party"},
}


@pytest.fixture()
def opa_client(server: Server):
    client = OpaClient(host="127.0.0.1", port=server.port)
    yield client
    client.close_connection()


def test_connection_and_health(opa_client: OpaClient) -> None:
    assert opa_client.check_connection()
    assert opa_client.check_health() is True


def test_query_rule_returns_the_decision(opa_client: OpaClient) -> None:
    body = opa_client.query_rule(input_data=REQUEST, package_path="privacy", rule_name="decision")
    assert body["result"]["allow"] is False
    assert "kallu.sharing.direct_marketing" in {r["clause"] for r in body["result"]["reasons"]}


def test_get_data_reads_the_catalogue_and_raises_on_undefined(opa_client: OpaClient) -> None:
    assert "privacy.fail_closed" in opa_client.get_data("privacy/clauses")["result"]
    with pytest.raises(PolicyNotFoundError):
        opa_client.get_data("privacy/no_such_document")


def test_policies_are_listed_with_packages_and_rules(opa_client: OpaClient) -> None:
    assert "privacy/decision.rego" in opa_client.get_policies_list()
    info = opa_client.get_policies_info()["privacy/decision.rego"]
    assert info["path"].endswith("/data/privacy")
    assert any(rule.endswith("/data/privacy/decision") for rule in info["rules"])
