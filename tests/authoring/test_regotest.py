"""The Rego test runner: per-test lines, the closing summary, and failure exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from privacy_pdp.core import policyset

from privacy_pdp.authoring import regotest

POLICY = """package demo

allow if input.user == "alice"

greeting := g if {
\tg := concat(" ", ["hello", input.user])
}
"""

GOOD_TESTS = """package demo_test

import data.demo

test_alice_is_allowed if {
\tdemo.allow with input as {"user": "alice"}
}

test_bob_is_not_allowed if {
\tnot demo.allow with input as {"user": "bob"}
}
"""

BROKEN_TEST = """
test_bob_is_allowed if {
\tdemo.allow with input as {"user": "bob"}
}
"""


def write_tree(root: Path, tests: str) -> Path:
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "demo.rego").write_text(POLICY)
    (root / "demo" / "demo_test.rego").write_text(tests)
    return root


def run_cli(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "privacy_pdp", "test", str(root)], capture_output=True, text=True, timeout=120
    )


def test_passing_suite_prints_lines_and_summary_and_exits_zero(tmp_path: Path) -> None:
    result = run_cli(write_tree(tmp_path, GOOD_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "2 passed, 0 failed"
    assert any(line.startswith("PASS") and "demo/demo_test.rego:5" in line for line in lines)


def test_broken_test_fails_the_run(tmp_path: Path) -> None:
    result = run_cli(write_tree(tmp_path, GOOD_TESTS + BROKEN_TEST))
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] == "2 passed, 1 failed"
    assert any(line.startswith("FAIL") and "test_bob_is_allowed" in line for line in result.stdout.splitlines())


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    result = run_cli(write_tree(tmp_path, GOOD_TESTS + "\ntest_oops if {\n\tx := \n}\n"))
    assert result.returncode != 0
    assert "demo/demo_test.rego:" in result.stdout + result.stderr


def test_a_crash_in_the_child_is_reported_not_fatal() -> None:
    # regopy aborts the process on some inputs (e.g. `with input as` over a rule that
    # calls a function); the runner keeps regopy in a child process for that reason.
    import os

    assert regotest._in_child(os.abort) is None


CRASHING_POLICY = """package demo

shout(s) := upper(s)

greeting := g if {
\tg := shout(input.user)
}
"""

# regopy 1.5.2 aborts on the last test (a `with input as` in a function, over a rule that
# calls a function), and took every test run beside it down with it
CRASHING_TESTS = """package demo_test

import data.demo

test_shout if {
\tdemo.shout("a") == "A"
}

test_sum if {
\t1 + 1 == 2
}

test_count if {
\tcount([1, 2, 3]) == 3
}

test_crash if {
\tevery x in ["alice", "bob"] {
\t\t_greets(x)
\t}
}

_greets(x) if {
\tdemo.greeting == upper(x) with input as {"user": x}
}
"""


def test_a_test_regopy_aborts_on_is_found_and_the_others_still_run(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "demo.rego").write_text(CRASHING_POLICY)
    (tmp_path / "demo" / "demo_test.rego").write_text(CRASHING_TESTS)
    result = run_cli(tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "3 passed, 1 failed"
    failed = [line for line in lines if line.startswith(("FAIL", "DISAGREE", "ERROR"))]
    assert len(failed) == 1 and "test_crash" in failed[0]
    assert regotest.REGOPY_ABORTED in result.stdout


DIFFERING_POLICY = """package privacy

decision := [o | some o in _found]

_found contains {"k": "b"} if input.x

_found contains {"k": "a", "z": 1} if input.x
"""

DIFFERING_TEST = """package privacy_test

import data.privacy

test_two_findings if {
\tcount(privacy.decision) == 2 with input as {"x": true}
}
"""


def test_replay_catches_engines_deciding_differently(tmp_path: Path) -> None:
    # regopy and OPA order a set of objects with different keys differently; a test that
    # passes under OPA must still fail when regopy's decision document is not identical.
    (tmp_path / "privacy").mkdir()
    (tmp_path / "privacy" / "decision.rego").write_text(DIFFERING_POLICY)
    (tmp_path / "privacy" / "decision_test.rego").write_text(DIFFERING_TEST)
    [result] = regotest.run(policyset.load_directory(tmp_path))
    assert result.outcomes["opa"] == "pass"
    assert result.outcomes["regopy"] == "fail"
    assert "decide differently" in result.errors["regopy"]


def test_with_values_are_wrapped_for_capture() -> None:
    source = 'test_a if {\n\td := p.x with input as f({\n\t\t"a": "}",\n\t}) with data.y as 2\n}\n'
    wrapped = regotest.with_capture(source)
    assert 'with input as __pdp_capture("test_a", "input", f({\n\t\t"a": "}",\n\t}))' in wrapped
    assert 'with data.y as __pdp_capture("test_a", "data.y", 2)' in wrapped


def test_engines_agree_on_each_test(tmp_path: Path) -> None:
    results = regotest.run(policyset.load_directory(write_tree(tmp_path, GOOD_TESTS + BROKEN_TEST)))
    # demo tests use `with`: OPA runs them, regopy replays what they substitute
    assert {r.test.name: r.outcomes for r in results} == {
        "test_alice_is_allowed": {"opa": "pass", "regopy": "pass"},
        "test_bob_is_not_allowed": {"opa": "pass", "regopy": "pass"},
        "test_bob_is_allowed": {"opa": "fail", "regopy": "fail"},
    }


def test_disagreement_is_a_failure() -> None:
    test = regotest.RegoTest("x_test.rego", 1, "x_test", "test_y")
    result = regotest.TestResult(test, {"regopy": "pass", "opa": "fail"})
    assert result.status == "DISAGREE"
    assert not result.passed
    assert regotest.summary([result]) == "0 passed, 1 failed"


def test_regopy_runs_direct_tests_without_the_with_rules() -> None:
    source = "package t_test\n\ntest_a if {\n\ttrue\n}\n\ntest_b if {\n\tx with input as 1\n}\n\nhelper := 1\n"
    stripped = regotest.without_with_rules(source)
    assert stripped.count("\n") == source.count("\n")
    assert "test_a if" in stripped and "helper := 1" in stripped
    assert "test_b" not in stripped and "with" not in stripped
