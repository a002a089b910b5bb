"""The JSON Schema of the decision input, generated from the policy set's own data.

The Rego validation (privacy.validation) is what fails closed at decision time; this schema
says the same thing for clients and tools, and a test holds the two together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from privacy_pdp.core.policyset import PolicySet

SCHEMA_PATH = Path("schema") / "decision-input.schema.json"

_COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$"}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    """Optional fields may also be null, which means absent."""
    return {"anyOf": [schema, {"type": "null"}]}


def decision_input_schema(policy_set: PolicySet) -> dict[str, Any]:
    privacy = policy_set.data["privacy"]
    taxonomy, reference = privacy["taxonomy"], privacy["reference"]
    companies = list(policy_set.companies)
    use = {"type": "string", "enum": taxonomy["data_uses"]}
    most = reference["max_list_items"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Privacy decision input (contract v1)",
        "type": "object",
        "required": ["company", "data_categories", "data_use", "recipient"],
        "properties": {
            "company": {"type": "string", "enum": companies},
            "action": _optional({"type": "string", "enum": reference["actions"]}),
            "data_categories": {
                "type": "array",
                "minItems": 1,
                "maxItems": most,
                "items": {"type": "string", "enum": taxonomy["data_categories"]},
            },
            "data_use": use,
            "recipient": {
                "type": "object",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string", "enum": reference["recipient_kinds"]},
                    "name": _optional({"type": "string"}),
                    "country": _optional(_COUNTRY),
                    "under_contract": _optional({"type": "boolean"}),
                },
            },
            "subject": _optional(
                {
                    "type": "object",
                    "properties": {
                        "age": _optional({"type": "number", "minimum": 0, "maximum": 150}),
                        "country": _optional(_COUNTRY),
                        "subdivision": _optional({"type": "string", "pattern": "^[A-Z]{2}-[A-Z0-9]{1,3}$"}),
                    },
                }
            ),
            "consents": _optional({"type": "array", "maxItems": most, "items": use}),
            "opt_outs": _optional({"type": "array", "maxItems": most,
                                   "items": {"type": "string", "enum": reference["opt_outs"]}}),
            "legal_request": _optional(
                {
                    "type": "object",
                    "required": ["verified", "matter"],
                    "properties": {
                        "verified": {"type": "boolean"},
                        "matter": {"type": "string", "enum": reference["legal_matters"]},
                    },
                }
            ),
            "identifiability": _optional({"type": "string", "enum": reference["identifiability"]}),
            "requested_by_subject": _optional({"type": "boolean"}),
        },
    }


def render(policy_set: PolicySet) -> str:
    return json.dumps(decision_input_schema(policy_set), indent=1) + "\n"


def write(policy_root: Path, policy_set: PolicySet) -> Path:
    target = policy_root / SCHEMA_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(policy_set), encoding="utf-8")
    return target
