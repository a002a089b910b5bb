"""A real OPA client (PyPI opa-python-client 3.0.0) against the running service, unchanged:
every call it has."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests
from opa_client.errors import ConnectionsError, DeleteDataError, PolicyNotFoundError, RegoParseError
from opa_client.opa import OpaClient
from prometheus_client.parser import text_string_to_metric_families

from conftest import Server
from e2e.conftest import TOKEN

REQUEST = {
    "company": "kallu",
    "data_categories": ["user.contact.email"],
    "data_use": "marketing.communications.email",
    "recipient": {"kind": "third_party"},
}
PROBE = "package probe\n\nimport rego.v1\n\nanswer := 42\n"


@pytest.fixture()
def opa_client(e2e_server: Server) -> Iterator[OpaClient]:
    client = OpaClient(host="127.0.0.1", port=e2e_server.port, timeout=10)
    yield client
    client.close_connection()


@pytest.fixture()
def admin(e2e_server: Server) -> Iterator[OpaClient]:
    client = OpaClient(host="127.0.0.1", port=e2e_server.port, token=TOKEN, timeout=10)
    yield client
    client.close_connection()


def test_connection_health_and_readiness(opa_client: OpaClient) -> None:
    assert opa_client.check_connection()
    assert opa_client.check_health() is True
    assert opa_client.check_health(query={"bundles": True}) is True
    assert opa_client.check_health(query={"plugins": True}) is True
    assert opa_client.check_health(diagnostic_url=f"http://127.0.0.1:{opa_client.port}/health/ready") is True
    opa_client.wait_for_ready(timeout=5)


def test_query_rule_returns_the_decision(opa_client: OpaClient) -> None:
    body = opa_client.query_rule(input_data=REQUEST, package_path="privacy", rule_name="decision")
    assert body["result"]["allow"] is False
    assert "kallu.sharing.direct_marketing" in {r["clause"] for r in body["result"]["reasons"]}
    assert body["decision_id"]
    with_metrics = opa_client.query_rule(input_data=REQUEST, package_path="privacy", rule_name="decision",
                                         query_params={"metrics": True, "provenance": True})
    assert "timer_server_handler_ns" in with_metrics["metrics"]
    assert with_metrics["provenance"]["bundles"]["privacy"]["revision"]


def test_get_data_reads_the_catalogue_and_raises_on_undefined(opa_client: OpaClient) -> None:
    assert "privacy.fail_closed" in opa_client.get_data("privacy/clauses")["result"]
    with pytest.raises(PolicyNotFoundError):
        opa_client.get_data("privacy/no_such_document")


def test_policies_are_listed_with_packages_and_rules(opa_client: OpaClient) -> None:
    assert "privacy/decision.rego" in opa_client.get_policies_list()
    info = opa_client.get_policies_info()["privacy/decision.rego"]
    assert info["path"].endswith("/data/privacy")
    assert any(rule.endswith("/data/privacy/decision") for rule in info["rules"])
    assert "package privacy" in opa_client.get_policy("privacy/decision.rego")["result"]["raw"]
    with pytest.raises(PolicyNotFoundError):
        opa_client.get_policy("no/such.rego")


def test_policy_to_file(opa_client: OpaClient, tmp_path) -> None:
    assert opa_client.policy_to_file("privacy/decision.rego", path=str(tmp_path), filename="decision.rego")
    assert "package privacy" in (tmp_path / "decision.rego").read_text()


def test_status_config_and_metrics(opa_client: OpaClient) -> None:
    status = opa_client.get_status()["result"]
    assert status["plugins"]["bundle"]["state"] == "OK"
    assert status["bundles"]["privacy"]["active_revision"]
    assert opa_client.get_config()["result"]["default_decision"] == "/privacy/decision"
    names = {family.name for family in text_string_to_metric_families(opa_client.get_metrics())}
    assert {"http_request_duration_seconds", "pdp_decisions", "pdp_decision_log_dropped"} <= names


def test_bulk_and_ad_hoc_queries(opa_client: OpaClient) -> None:
    consented = {**REQUEST, "consents": ["marketing"]}
    answers = opa_client.bulk_query_rule({"a": REQUEST, "b": consented}, "privacy", "decision")
    assert answers["a"]["allow"] is False and answers["b"]["allow"] is True
    assert opa_client.bulk_query_rule([REQUEST], "privacy", "decision")[0]["allow"] is False
    body = opa_client.ad_hoc_query("x := data.privacy.decision", input_data=REQUEST)
    assert body["result"][0]["x"]["allow"] is False
    with pytest.raises(requests.HTTPError):
        opa_client.ad_hoc_query("x := input.company")


def test_policy_writes_need_the_token(opa_client: OpaClient, admin: OpaClient, tmp_path) -> None:
    with pytest.raises(Exception):  # 401 unauthorized without the token
        opa_client.update_policy_from_string(PROBE, "probe.rego")
    assert admin.update_policy_from_string(PROBE, "probe.rego") is True
    assert admin.get_data("probe/answer")["result"] == 42
    source = tmp_path / "probe.rego"
    source.write_text(PROBE.replace("42", "43"))
    assert admin.update_policy_from_file(str(source), "probe.rego") is True
    assert admin.get_data("probe/answer")["result"] == 43
    with pytest.raises(RegoParseError):
        admin.update_policy_from_string("package probe\n\nanswer := {\n", "probe.rego")
    assert admin.get_data("probe/answer")["result"] == 43  # the last good set still serves
    with pytest.raises(Exception):
        opa_client.delete_policy("probe.rego")
    assert admin.delete_policy("probe.rego") is True
    with pytest.raises(PolicyNotFoundError):
        admin.get_data("probe/answer")


def test_data_writes_are_refused_clearly(opa_client: OpaClient) -> None:
    for call in (lambda: opa_client.update_or_create_data({"a": 1}, "privacy/extra"),
                 lambda: opa_client.patch_data("privacy/extra", [{"op": "add", "path": "/a", "value": 1}])):
        with pytest.raises(Exception) as caught:
            call()
        assert "owned by bundle" in str(caught.value) or "400" in str(caught.value)
    with pytest.raises(DeleteDataError):
        opa_client.delete_data("privacy/reference")


def test_compile_is_refused_clearly(opa_client: OpaClient) -> None:
    with pytest.raises(requests.HTTPError, match="404"):
        opa_client.compile_query("data.privacy.decision.allow == true")


def test_unreachable_server_is_a_connection_error() -> None:
    with pytest.raises(ConnectionsError):
        OpaClient(host="127.0.0.1", port=1, retries=0, timeout=1).check_connection()
