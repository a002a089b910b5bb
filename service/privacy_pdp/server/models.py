"""Pydantic models of what goes over the wire, for the OpenAPI document (/docs).

They document; they do not validate the Data API: a malformed decision input is the policy's
to answer (a deny with ``invalid_input`` reasons), so the routes read raw JSON. The allowed
values of most fields come from the policy set's data (``policies/schema`` has them); a test
holds ``DecisionInput`` to that JSON Schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Recipient(BaseModel):
    kind: str = Field(description="first_party, corporate_family, service_provider, advertising_partner, "
                      "law_enforcement, acquirer, business_customer, third_party, other_users, public")
    name: str | None = Field(None, description="free text; checked against named entities in the company's data")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 of where the recipient holds the data",
                                pattern="^[A-Z]{2}$")
    under_contract: bool | None = Field(None, description="bound by a contract (DPA) to act for the company")


class Subject(BaseModel):
    age: float | None = Field(None, ge=0, le=150, description="years; unknown age is read clause by clause")
    country: str | None = Field(None, pattern="^[A-Z]{2}$")
    subdivision: str | None = Field(None, pattern="^[A-Z]{2}-[A-Z0-9]{1,3}$", description="ISO 3166-2, e.g. US-CA")


class LegalRequest(BaseModel):
    verified: bool
    matter: str = Field(description="required_by_law, court_order, legal_proceedings, legal_rights, "
                        "criminal_investigation, terrorism, illegal_activity, national_security, fraud_prevention")


class DecisionInput(BaseModel):
    """A data flow: which company's user data, which categories, for which use, to whom."""

    model_config = ConfigDict(json_schema_extra={"example": {
        "company": "kallu",
        "data_categories": ["user.contact.email"],
        "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party", "name": "Mailer Ltd"},
    }})

    company: str = Field(description="kallu, callsapp, callbridge, callmatikpro")
    action: Literal["disclose", "sell"] | None = Field(None, description="default disclose")
    data_categories: list[str] = Field(min_length=1, description="fideslang data-category keys")
    data_use: str = Field(description="a fideslang data-use key")
    recipient: Recipient
    subject: Subject | None = None
    consents: list[str] | None = Field(None, description="data-use keys consented to (opt-in)")
    opt_outs: list[str] | None = Field(None, description="sale, advertising_id, personalized_advertising, "
                                       "marketing_communications, group_account_link, all_correspondence")
    legal_request: LegalRequest | None = None
    identifiability: Literal["identifiable", "pseudonymous", "aggregated"] | None = Field(None, description="default identifiable")
    requested_by_subject: bool | None = Field(None, description="the subject asked for this very disclosure")


class Reason(_Open):
    effect: Literal["allow", "deny"]
    code: str
    clause: str = Field(description="an id in the clause catalogue (GET /v1/data/privacy/clauses)")
    message: str


class Obligation(_Open):
    code: str
    clause: str
    message: str


class Decision(_Open):
    allow: bool
    reasons: list[Reason]
    obligations: list[Obligation]


class Warning(BaseModel):
    code: str
    message: str


class ProvenanceBundle(BaseModel):
    revision: str


class Provenance(BaseModel):
    version: str
    build_commit: str
    build_timestamp: str
    build_hostname: str
    bundles: dict[str, ProvenanceBundle] | None = None


class DecisionRequest(BaseModel):
    input: DecisionInput


class DecisionResponse(BaseModel):
    result: Decision | None = Field(None, description="absent when undefined")
    decision_id: str
    provenance: Provenance | None = None
    metrics: dict[str, int] | None = None
    warning: Warning | None = None


class DataRequest(BaseModel):
    input: Any = Field(None, description="any JSON value; absent or null: no input (api_usage_warning)")


class DataResponse(BaseModel):
    result: Any = Field(None, description="the document; absent when undefined")
    decision_id: str
    provenance: Provenance | None = None
    metrics: dict[str, int] | None = None
    warning: Warning | None = None


class ErrorLocation(BaseModel):
    file: str
    row: int
    col: int


class ErrorDetail(_Open):
    code: str
    message: str
    location: ErrorLocation | None = None


class ErrorV1(BaseModel):
    code: str
    message: str
    errors: list[ErrorDetail] | None = None


class QueryRequest(BaseModel):
    query: str = Field(description="`r0 := data.privacy.decision with input as {...}; ...`")
    input: Any = None


class BatchRequest(BaseModel):
    inputs: dict[str, Any] = Field(description="id -> input")
    common_input: dict[str, Any] | None = Field(None, description="merged into each input; the input's keys win")


class BatchItem(_Open):
    decision_id: str | None = None
    result: Any = None
    metrics: dict[str, int] | None = None
    provenance: Provenance | None = None
    code: str | None = Field(None, description="on a failed item: internal_error")
    message: str | None = None
    http_status_code: Literal["200", "500"] | None = Field(None, description="on 207 answers")


class BatchResponse(BaseModel):
    batch_decision_id: str
    responses: dict[str, BatchItem]
    metrics: dict[str, int] | None = None
    warning: Warning | None = None


class HealthResponse(BaseModel):
    error: str | None = None
    code: str | None = None
    message: str | None = None


class Result(BaseModel):
    result: Any


class PolicyModule(BaseModel):
    id: str
    raw: str
    ast: dict[str, Any]


class PolicyList(BaseModel):
    result: list[PolicyModule]


class PolicyGet(BaseModel):
    result: PolicyModule


class Empty(BaseModel):
    metrics: dict[str, int] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorV1, "description": "invalid_parameter: a malformed request"},
    500: {"model": ErrorV1, "description": "internal_error: evaluation failed"},
    503: {"model": ErrorV1, "description": "the decision could not be recorded (fail closed)"},
}
