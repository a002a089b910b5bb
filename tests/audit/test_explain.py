"""explain and why-not: clause, quote and source for every reason; single changes found by
evaluating the policy."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from privacy_pdp.audit.explain import explain
from privacy_pdp.audit.whynot import apply, why_not

ROOT = Path(__file__).resolve().parents[2]

THIRD_PARTY_MARKETING = {
    "company": "kallu",
    "data_categories": ["user.contact.email"],
    "data_use": "marketing.communications.email",
    "recipient": {"kind": "third_party", "name": "Mailer Ltd"},
}

# CallsApp's ad identifier to an ad partner, denied because the data is identifiable.
CALLSAPP_AD_ID = {
    "company": "callsapp",
    "data_categories": ["user.device.advertising_id"],
    "data_use": "marketing.advertising.third_party.targeted",
    "recipient": {"kind": "advertising_partner"},
    "subject": {"age": 34},
    "identifiability": "identifiable",
}


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "privacy_pdp", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_explain_names_the_clause_and_quotes_the_source(decide, catalogue):
    decision = decide(THIRD_PARTY_MARKETING)
    explanation = explain(decision, catalogue)
    assert explanation.decision == "deny" and not explanation.allow
    by_id = {r.clause.id: r for r in explanation.reasons}
    reason = by_id["kallu.sharing.direct_marketing"]
    entry = catalogue["kallu.sharing.direct_marketing"]
    assert reason.clause.title == entry["title"]
    assert reason.clause.quote == entry["quote"] and "without your express consent" in reason.clause.quote
    assert reason.clause.lines == entry["source"]["lines"]
    assert reason.clause.document == entry["source"]["document"]
    assert reason.effect == "deny" and reason.code == "third_party_marketing_without_consent"


def test_explain_cli_text_and_json(tmp_path):
    request = tmp_path / "input.json"
    request.write_text(json.dumps({"input": THIRD_PARTY_MARKETING}))
    shown = run_cli("explain", "-i", str(request), "--policies", "policies")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("DENY")
    assert "kallu.sharing.direct_marketing" in shown.stdout
    assert "We will not, without your express consent, supply your personal information" in " ".join(shown.stdout.split())
    assert "001_65e8ea80c184f64b.txt, line 45" in shown.stdout
    machine = run_cli("explain", "-i", "-", "--json", stdin=json.dumps(THIRD_PARTY_MARKETING))
    body = json.loads(machine.stdout)
    assert body["explanation"]["decision"] == "deny"
    assert {r["clause"]["id"] for r in body["explanation"]["reasons"]} == {r["clause"] for r in body["result"]["reasons"]}


def test_explain_cli_refuses_bad_input(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    result = run_cli("explain", "-i", str(bad))
    assert result.returncode == 2 and "not JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_explain_is_fail_closed_on_odd_documents(catalogue):
    odd = explain({"allow": "yes", "reasons": [{"clause": "nowhere.x", "code": "c"}, 7]}, catalogue)
    assert odd.decision == "deny" and not odd.allow
    assert [r.clause.known for r in odd.reasons] == [False]
    with pytest.raises(ValueError):
        explain(["not", "a", "decision"], catalogue)


def test_why_not_names_identifiability_and_the_permitting_clause(decide, catalogue, vocabulary):
    decision = decide(CALLSAPP_AD_ID)
    assert decision["allow"] is False
    started = time.perf_counter()
    answer = why_not(decide, CALLSAPP_AD_ID, decision, catalogue, vocabulary)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"why-not took {elapsed:.2f} s"
    assert answer.direction == "to_allow"
    by_change = {(a.change.field, json.dumps(a.change.value)): a for a in answer.alternatives}
    lowered = by_change[("identifiability", '"pseudonymous"')]
    assert lowered.allow and [c.id for c in lowered.clauses] == ["callsapp.sharing.advertising_id"]
    assert lowered.clauses[0].title == catalogue["callsapp.sharing.advertising_id"]["title"]
    # Every alternative is the policy's own answer for the changed request.
    for alternative in answer.alternatives:
        again = decide(apply(CALLSAPP_AD_ID, alternative.change))
        assert again["allow"] is True
        assert {c.id for c in alternative.clauses} == {r["clause"] for r in again["reasons"]}


def test_why_not_on_an_allow_finds_what_denies(decide, catalogue, vocabulary):
    allowed = {**CALLSAPP_AD_ID, "identifiability": "pseudonymous"}
    decision = decide(allowed)
    assert decision["allow"] is True
    answer = why_not(decide, allowed, decision, catalogue, vocabulary)
    assert answer.direction == "to_deny"
    changes = {(a.change.field, json.dumps(a.change.value)) for a in answer.alternatives}
    assert ("identifiability", '"identifiable"') in changes
    assert ("opt_outs", '["advertising_id"]') in changes or ("action", '"sell"') in changes
    assert all(not a.allow and a.clauses for a in answer.alternatives)


def test_why_not_cli(tmp_path):
    result = run_cli("explain", "-i", "-", "--why-not", stdin=json.dumps(CALLSAPP_AD_ID))
    assert result.returncode == 0, result.stderr
    assert "the data made pseudonymous" in result.stdout
    assert "callsapp.sharing.advertising_id" in result.stdout.split("Why not?")[1]
