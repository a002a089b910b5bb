"""replay and diff: exactly the decisions one changed rule affects, grouped by clause, and a
non-zero exit so that CI can gate the change."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from privacy_pdp.audit.impact import ALLOW_TO_DENY, DENY_TO_ALLOW, REASONS_CHANGED, compare
from privacy_pdp.audit.replay import replay
from privacy_pdp.core.policyset import PolicySet, load_directory

from .bundles import build
from .synthetic_log import write_log

ROOT = Path(__file__).resolve().parents[2]
KALLU = "privacy/companies/kallu/kallu.rego"
GROUP_RULE = '''	request.recipient_kind == "corporate_family"
	_purpose_use
	reason := {
		"code": "group_disclosure",'''
CHANGED_RULE = '''	request.recipient_kind == "corporate_family"
	_purpose_use
	request.under_contract == true
	reason := {
		"code": "group_disclosure",'''
JUNK = [
    b"not json at all\n",
    b"[1, 2, 3]\n",
    b'{"decision_id": "e-1", "path": "privacy/decision", "error": {"code": "internal_error", "message": "x"}}\n',
    b'{"decision_id": "e-2", "path": "privacy/decision", "erased": ["/input"], "result": {"allow": false}}\n',
    b'{"decision_id": "e-3", "path": "privacy/decision", "input": {"company": "kallu"}, "res',  # cut by a crash
]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "privacy_pdp", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def changed_policies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's policies with one rule changed: Kallu's group disclosure now also
    needs the recipient under contract."""
    target = tmp_path_factory.mktemp("changed") / "policies"
    shutil.copytree(ROOT / "policies", target)
    module = target / KALLU
    source = module.read_text(encoding="utf-8")
    assert source.count(GROUP_RULE) == 1
    module.write_text(source.replace(GROUP_RULE, CHANGED_RULE), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def changed_bundle(changed_policies: Path) -> Path:
    """The changed set as a bundle file, as a CI job would replay it."""
    return build(changed_policies, changed_policies.parent / "changed.tar.gz")


@pytest.fixture(scope="module")
def decision_log(tmp_path_factory: pytest.TempPathFactory, policies: PolicySet) -> tuple[Path, list[dict[str, Any]]]:
    directory = tmp_path_factory.mktemp("log") / "decisions"
    events = write_log(directory, policies, events=10_000, distinct=1_000)
    last = sorted(directory.glob("*.jsonl"))[-1]
    with last.open("ab") as handle:
        handle.write(b"".join(JUNK))
    return directory, events


def affected(event: dict[str, Any]) -> str | None:
    """What the changed rule does to a logged decision, worked out from the event alone:
    allowed with group_disclosure among its permits and no contract -> it loses that permit."""
    result = event["result"]
    permits = {r["code"] for r in result["reasons"] if r["effect"] == "allow"}
    if not result["allow"] or "group_disclosure" not in permits:
        return None
    if event["input"]["recipient"].get("under_contract") is True:
        return None
    return ALLOW_TO_DENY if permits == {"group_disclosure"} else REASONS_CHANGED


def test_replay_of_10000_decisions_reports_exactly_what_the_rule_changes(decision_log, changed_bundle):
    directory, events = decision_log
    expected = {e["decision_id"]: kind for e in events if (kind := affected(e))}
    assert len(expected) > 50 and ALLOW_TO_DENY in expected.values()
    result = run_cli("replay", str(directory), "--bundle", str(changed_bundle), "--json", "--examples", "2")
    assert result.returncode == 1, result.stderr  # allows turned into denies: CI must stop
    report = json.loads(result.stdout)
    assert report["read"] == 10_000 + len(JUNK)
    assert report["evaluated"] == 10_000
    assert sum(report["skipped"].values()) == len(JUNK)
    assert {c["id"]: c["kind"] for c in report["changes"]} == expected
    assert {c["company"] for c in report["changes"]} == {"kallu"}
    assert all(c["clauses"] == ["kallu.disclosure.group"] for c in report["changes"])
    assert report["flips"] == sum(1 for k in expected.values() if k == ALLOW_TO_DENY)


def test_replay_text_groups_by_company_and_clause(decision_log, changed_policies, tmp_path):
    directory, events = decision_log
    small = tmp_path / "small"
    small.mkdir()
    # the first segment's first 300 lines: enough to hold some affected decisions
    lines = sorted(directory.glob("*.jsonl"))[0].read_bytes().splitlines(keepends=True)[:300]
    (small / "decisions-000001.jsonl").write_bytes(b"".join(lines))
    ids = {json.loads(line)["decision_id"] for line in lines}
    wanted = [e for e in events if e["decision_id"] in ids and affected(e)]
    result = run_cli("replay", str(small), "--bundle", str(changed_policies))
    assert result.returncode == (1 if any(affected(e) == ALLOW_TO_DENY for e in wanted) else 0), result.stderr
    assert f"changed: {len(wanted)} " in result.stdout
    assert "kallu.disclosure.group:" in result.stdout
    assert "allow→deny" in result.stdout


def test_replay_under_the_same_policy_changes_nothing(decision_log, policies, tmp_path):
    directory, _ = decision_log
    small = tmp_path / "same"
    small.mkdir()
    lines = sorted(directory.glob("*.jsonl"))[0].read_bytes().splitlines(keepends=True)[:200]
    (small / "decisions-000001.jsonl").write_bytes(b"".join(lines))
    impact = replay(small, policies, "same")
    assert impact.evaluated == 200 and impact.changes == [] and impact.flips == 0


def test_diff_over_the_matrix_names_the_changed_rule(changed_policies):
    result = run_cli("diff", "policies", str(changed_policies), "--company", "kallu", "--contexts", "report", "--json",
                     "--kind", "corporate_family", "--kind", "first_party", "--kind", "service_provider")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["read"] == 3 * 8 * 6 * 2  # kinds x uses x categories x contexts
    assert report["changes"], "the changed rule must show in the matrix"
    for change in report["changes"]:
        assert change["kind"] == affected({"input": change["input"], "result": change["old"]}), change
        assert change["clauses"] == ["kallu.disclosure.group"]
    assert any(c["kind"] == ALLOW_TO_DENY for c in report["changes"])


def test_compare_kinds():
    allow = {"allow": True, "reasons": [{"effect": "allow", "clause": "a.p", "code": "p"}], "obligations": []}
    forbid = {"allow": False, "reasons": [{"effect": "deny", "clause": "a.f", "code": "f"}], "obligations": []}
    default = {"allow": False, "reasons": [{"effect": "deny", "clause": "a.all", "code": "no_permitting_clause"}],
               "obligations": []}
    assert compare(allow, forbid) == (ALLOW_TO_DENY, ["a.f"])
    assert compare(allow, default) == (ALLOW_TO_DENY, ["a.p"])
    assert compare(forbid, allow) == (DENY_TO_ALLOW, ["a.f"])
    assert compare(default, allow) == (DENY_TO_ALLOW, ["a.p"])
    assert compare(allow, None) == (ALLOW_TO_DENY, ["a.p"])  # undefined is a deny
    assert compare(allow, allow) == (None, [])
    obliged = {**allow, "obligations": [{"clause": "a.o", "code": "o"}]}
    assert compare(allow, obliged) == ("obligations_changed", ["a.o"])


def test_replay_of_a_log_without_decisions_fails(tmp_path):
    (tmp_path / "decisions-000001.jsonl").write_bytes(b"".join(JUNK))
    result = run_cli("replay", str(tmp_path), "--bundle", "policies")
    assert result.returncode == 2 and "no decision events" in result.stderr
