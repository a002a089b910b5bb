"""A synthetic decision log of real decisions: requests drawn from the contract's
vocabulary, each answered by the policy, written as the server's decision log writes them
(OPA-format events, hash-chained JSON lines in numbered segments)."""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from privacy_pdp.audit.matrix import evaluate_all
from privacy_pdp.audit.vocabulary import Vocabulary
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.decision_log.chain import GENESIS, canonical, seal
from privacy_pdp.server.decision_log.segments import segment_name

USES = ("essential.service", "essential.service.payment_processing", "essential.fraud_detection",
        "essential.legal_obligation", "analytics.reporting", "personalize", "functional.service",
        "marketing.advertising.third_party.targeted", "marketing.communications.email", "third_party_sharing.legal_obligation")
CATEGORIES = ("user.contact.email", "user.name", "user.device.advertising_id", "user.behavior.call_detail_records",
              "user.location.precise", "user.financial.credit_card", "user.content.private", "user.content.public",
              "user.device.ip_address", "user.demographic.language")


def random_request(rng: random.Random, vocabulary: Vocabulary) -> dict[str, Any]:
    use = rng.choice(USES)
    request: dict[str, Any] = {
        "company": rng.choice(vocabulary.companies),
        "data_categories": rng.sample(CATEGORIES, rng.choice((1, 1, 1, 2))),
        "data_use": use,
        "recipient": {"kind": rng.choice(vocabulary.recipient_kinds)},
    }
    if rng.random() < 0.5:
        request["recipient"]["under_contract"] = True
    if rng.random() < 0.3:
        request["recipient"]["name"] = rng.choice(("AdCo Ltd", "Mailer Ltd", "Acme Payments"))
    if rng.random() < 0.8:
        request["subject"] = {"age": rng.choice((12, 15, 34, 52)), "country": rng.choice(("DE", "US", "AL", "GB"))}
    if rng.random() < 0.4:
        request["consents"] = [rng.choice(vocabulary.use_and_parents(use))]
    if rng.random() < 0.15:
        request["opt_outs"] = [rng.choice(vocabulary.opt_outs)]
    if rng.random() < 0.2:
        request["legal_request"] = {"verified": rng.random() < 0.7, "matter": rng.choice(vocabulary.legal_matters)}
    if rng.random() < 0.3:
        request["identifiability"] = rng.choice(vocabulary.identifiability)
    if rng.random() < 0.05:
        request["action"] = "sell"
    return request


def write_log(directory: Path, policy_set: PolicySet, events: int, distinct: int, seed: int = 12,
              per_segment: int = 4000) -> list[dict[str, Any]]:
    """Write `events` decisions drawn from `distinct` requests; returns the events written."""
    rng = random.Random(seed)
    vocabulary = Vocabulary.of(policy_set)
    pool = [random_request(rng, vocabulary) for _ in range(distinct)]
    results = evaluate_all(policy_set, pool)
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    written: list[dict[str, Any]] = []
    directory.mkdir(parents=True, exist_ok=True)
    prev = GENESIS
    lines: list[bytes] = []
    for n in range(events):
        index = rng.randrange(distinct)
        event = {
            "labels": {"id": "3f0c2a9e-0000-4000-8000-000000000001", "version": "0.1.0"},
            "decision_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "bundles": {"privacy": {"revision": policy_set.revision}},
            "path": "privacy/decision",
            "requested_by": "127.0.0.1:5000",
            "timestamp": (start + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "input": json.loads(json.dumps(pool[index])),
            "result": results[index],
            "metrics": {"timer_rego_query_eval_ns": 1200000},
        }
        prev, line = seal(prev, canonical(event))
        lines.append(line)
        written.append(event)
    for number, start_index in enumerate(range(0, len(lines), per_segment), 1):
        (directory / segment_name(number)).write_bytes(b"".join(lines[start_index:start_index + per_segment]))
    return written
