"""/docs and the OpenAPI document: the decision's input model agrees with the contract's
JSON Schema (policies/schema/decision-input.schema.json, generated from the policy set)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from privacy_pdp.server.models import DecisionInput

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "policies" / "schema" / "decision-input.schema.json"


def resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].split("/")[-1]]
    return schema


def shape(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[frozenset[str], bool, dict[str, Any]]:
    """(JSON types, nullable, the non-null branch) of a property schema."""
    schema = resolve(schema, defs)
    branches = [resolve(b, defs) for b in schema.get("anyOf", [schema])]
    nullable = any(b.get("type") == "null" for b in branches)
    real = [b for b in branches if b.get("type") != "null"]
    assert len(real) == 1, schema
    kind = real[0].get("type")
    types = frozenset({"number", "integer"} if kind in ("number", "integer") else {kind})
    return types, nullable, real[0]


def compare(model: dict[str, Any], contract: dict[str, Any], defs: dict[str, Any], where: str) -> None:
    model = resolve(model, defs)
    assert set(model["properties"]) == set(contract["properties"]), where
    assert set(model.get("required", [])) == set(contract.get("required", [])), where
    for name, expected in contract["properties"].items():
        at = f"{where}.{name}"
        m_types, m_null, m_real = shape(model["properties"][name], defs)
        c_types, c_null, c_real = shape(expected, {})
        assert m_types == c_types, at
        assert m_null == c_null, at
        if "enum" in m_real:  # where the model fixes values, they are the contract's
            assert sorted(m_real["enum"]) == sorted(c_real["enum"]), at
        for bound in ("minItems", "minimum", "maximum", "pattern"):
            if bound in c_real:
                assert m_real.get(bound) == c_real[bound], f"{at} {bound}"
        if c_types == {"object"}:
            compare(m_real, c_real, defs, at)


def test_decision_input_model_agrees_with_the_contract_schema() -> None:
    contract = json.loads(SCHEMA_FILE.read_text())
    model = DecisionInput.model_json_schema()
    compare(model, contract, model.get("$defs", {}), "input")


def test_the_check_can_fail() -> None:
    contract = json.loads(SCHEMA_FILE.read_text())
    contract["properties"]["invented"] = {"type": "string"}
    model = DecisionInput.model_json_schema()
    try:
        compare(model, contract, model.get("$defs", {}), "input")
    except AssertionError:
        return
    raise AssertionError("a field missing from the model went unnoticed")


def test_openapi_documents_the_decision(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/data/privacy/decision"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/DecisionRequest"}
    schemas = document["components"]["schemas"]
    assert {"DecisionRequest", "DecisionInput", "DecisionResponse", "Decision", "Reason", "ErrorV1"} <= set(schemas)
    assert "/v1/batch/data/{path}" in document["paths"]
    assert {"/health", "/health/live", "/health/ready", "/v1/status", "/metrics", "/v1/policies"} <= set(document["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
