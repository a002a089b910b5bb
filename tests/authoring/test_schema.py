"""The committed JSON Schema of the input matches the policy data, and agrees with Rego."""

from __future__ import annotations

import json

import jsonschema
import pytest

from privacy_pdp.authoring import schema

from conftest import POLICIES

MOST_ITEMS = json.loads((POLICIES / "privacy" / "reference" / "data.json").read_text())["max_list_items"]

VALID = {
    "company": "kallu",
    "action": "disclose",
    "data_categories": ["user.contact.email", "user.device.advertising_id"],
    "data_use": "marketing.communications.email",
    "recipient": {"kind": "third_party", "name": "X", "country": "DE", "under_contract": False},
    "subject": {"age": 30, "country": "DE", "subdivision": None},
    "consents": ["marketing"],
    "opt_outs": ["sale"],
    "legal_request": None,
    "identifiability": "identifiable",
}

INVALID = [
    ("company", {**VALID, "company": "acme"}),
    ("data_categories", {**VALID, "data_categories": []}),
    ("data_categories[0]", {**VALID, "data_categories": ["user.nope"]}),
    ("data_use", {**VALID, "data_use": 5}),
    ("recipient.kind", {**VALID, "recipient": {"kind": "friend"}}),
    ("recipient.country", {**VALID, "recipient": {"kind": "public", "country": "Germany"}}),
    ("subject.age", {**VALID, "subject": {"age": "thirty"}}),
    ("consents[0]", {**VALID, "consents": ["everything"]}),
    ("opt_outs[0]", {**VALID, "opt_outs": ["all"]}),
    ("legal_request.matter", {**VALID, "legal_request": {"verified": True, "matter": "curiosity"}}),
    ("identifiability", {**VALID, "identifiability": "anonymous"}),
    ("action", {**VALID, "action": "rent"}),
    ("opt_outs", {**VALID, "opt_outs": ["sale"] * (MOST_ITEMS + 1)}),
]


def test_committed_schema_is_current(policies) -> None:
    committed = (POLICIES / schema.SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == schema.render(policies), "run `privacy-pdp generate` to regenerate"


def test_valid_input_passes_schema_and_rego(policies, rego) -> None:
    jsonschema.validate(VALID, schema.decision_input_schema(policies))
    reasons = rego.evaluate("privacy/decision", VALID).value["reasons"]
    assert all(r["code"] != "invalid_input" for r in reasons)


@pytest.mark.parametrize(("field", "document"), INVALID, ids=[f for f, _ in INVALID])
def test_invalid_input_fails_schema_and_is_denied_naming_the_field(policies, rego, opa, field, document) -> None:
    assert not jsonschema.Draft202012Validator(schema.decision_input_schema(policies)).is_valid(document)
    for engine in (rego, opa):
        decision = engine.evaluate("privacy/decision", document).value
        assert decision["allow"] is False
        assert field in {r.get("field") for r in decision["reasons"] if r["code"] == "invalid_input"}
