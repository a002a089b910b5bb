"""Helpers and the test shared by the per-company seed-decision files."""

from __future__ import annotations

from typing import Any

import httpx

ADULT_DE = {"age": 34, "country": "DE"}
ADULT_US = {"age": 34, "country": "US", "subdivision": "US-NY"}
LEGAL = "essential.legal_obligation"
EMAIL_MKT = "marketing.communications.email"
ADS = "marketing.advertising.third_party.targeted"


def req(company: str, categories: list[str], use: str, kind: str, **extra: Any) -> dict[str, Any]:
    recipient = {"kind": kind, **extra.pop("recipient", {})}
    return {"company": company, "data_categories": categories, "data_use": use, "recipient": recipient, **extra}


def check_seed_decision(client: httpx.Client, document, allow, clause, obligation) -> None:
    response = client.post("/v1/data/privacy/decision", json={"input": document})
    assert response.status_code == 200
    decision = response.json()["result"]
    assert decision["allow"] is allow, decision
    assert all(r["code"] != "invalid_input" for r in decision["reasons"]), decision
    if clause is not None:
        assert clause in {r["clause"] for r in decision["reasons"]}, decision
    if obligation is not None:
        assert obligation in {o["code"] for o in decision["obligations"]}, decision
