"""Settings: PDP_ variables, options on top, and errors that name the variable."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from privacy_pdp.cli import app
from privacy_pdp.server.settings import SettingsError, load_settings


def test_environment_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_WORKERS", "3")
    monkeypatch.setenv("PDP_MAX_NESTING_DEPTH", "10")
    settings = load_settings(workers=None)
    assert (settings.workers, settings.max_nesting_depth) == (3, 10)
    assert load_settings(workers=5).workers == 5  # an option wins over the variable


@pytest.mark.parametrize("variable, value", [
    ("PDP_WORKERS", "many"), ("PDP_WORKERS", "0"), ("PDP_MAX_BODY_BYTES", "-1"), ("PDP_DECISION_LOG_ENABLED", "maybe"),
])
def test_a_wrong_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"^{variable}: "):
        load_settings()


def test_a_wrong_option_names_the_option() -> None:
    with pytest.raises(SettingsError, match="^--workers: "):
        load_settings(workers=0)


def test_policy_writes_need_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_POLICY_API_WRITES", "true")
    with pytest.raises(SettingsError, match="PDP_POLICY_API_TOKEN"):
        load_settings()
    monkeypatch.setenv("PDP_POLICY_API_TOKEN", "x")
    assert load_settings().policy_api_writes


def test_serve_reports_a_bad_variable_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDP_WORKERS", "lots")
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "PDP_WORKERS" in result.output


def test_serve_reports_a_missing_policy_directory(tmp_path) -> None:
    result = CliRunner().invoke(app, ["serve", "--policies", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "not a directory" in result.output
