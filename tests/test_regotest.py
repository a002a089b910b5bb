"""The Rego test runner: per-test lines, the closing summary, and failure exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from privacy_pdp import policyset, regotest

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


def test_regopy_abort_is_reported_not_fatal(tmp_path: Path) -> None:
    # regopy 1.5.2 aborts on `with input as` over a rule that calls a function; the
    # runner must survive it and fail the run with a message.
    crashing = GOOD_TESTS + '\ntest_greeting if {\n\tdemo.greeting == "hello bob" with input as {"user": "bob"}\n}\n'
    result = run_cli(write_tree(tmp_path, crashing))
    assert result.returncode == 1
    assert "regopy aborted" in result.stdout


def test_engines_agree_on_each_test(tmp_path: Path) -> None:
    results = regotest.run(policyset.load_directory(write_tree(tmp_path, GOOD_TESTS + BROKEN_TEST)))
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
