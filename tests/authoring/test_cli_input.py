"""`eval` and `explain` read an input file as the service reads a body: what it cannot read
is one clear line and exit status 2, never a traceback, and never a NaN read as null."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from privacy_pdp.cli import app as cli_app

from conftest import POLICIES

BAD_FILES = {
    "nan.json": (b'{"company": "kallu", "subject": {"age": NaN}}', "input is not JSON: NaN is not a JSON number"),
    "big.json": (b'{"company": "kallu", "subject": {"age": 1e400}}', "input is not JSON: number 1e400 is out of range"),
    "twice.json": (b'{"company": "kallu", "company": "callsapp"}', 'input is not JSON: duplicate key "company"'),
    "binary.json": (b'{"company": "\xff"}', "not UTF-8 text (byte 13)"),
    "deep.json": (b"[" * 100_000, "input is not JSON: nested too deeply"),
}


@pytest.mark.parametrize("command", [["eval", "privacy/decision"], ["explain"]])
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_an_input_file_that_cannot_be_read_is_one_clear_line(tmp_path: Path, command: list[str], name: str) -> None:
    content, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(cli_app, [*command, "--policies", str(POLICIES), "--input", str(path)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # typer's exit, not an uncaught error
    assert result.output.strip() == f"error: {path}: {message}"


@pytest.mark.parametrize("command", [["eval", "privacy/decision"], ["explain"]])
def test_a_missing_input_file_is_named(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "nowhere.json"
    result = CliRunner().invoke(cli_app, [*command, "--policies", str(POLICIES), "--input", str(missing)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.output.strip() == f"error: {missing}: No such file or directory"


@pytest.mark.parametrize("command", [["check"], ["lint"], ["test"], ["eval", "privacy/decision", "--policies"]])
def test_a_directory_without_rego_is_an_error_not_a_pass(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "data.json").write_text("{}")
    result = CliRunner().invoke(cli_app, [*command, str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"error: {tmp_path}: no Rego modules here (is it the policy directory?)"
