"""uvicorn's access log: off unless asked for (every decision is in the decision log)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from conftest import POLICIES, Server, server_env

REQUEST_LINE = '"POST /v1/data/privacy/decision HTTP/1.1" 200'


@pytest.mark.parametrize(("setting", "logged"), [(None, False), ("true", True)])
def test_a_line_per_request_only_with_the_access_log_on(tmp_path: Path, setting: str | None, logged: bool) -> None:
    env = server_env(tmp_path / "decisions")
    if setting is not None:
        env["PDP_ACCESS_LOG"] = setting
    server = Server(POLICIES, env=env)
    try:
        answer = httpx.post(f"{server.url}/v1/data/privacy/decision", json={"input": {"company": "kallu"}}, timeout=10)
        assert answer.status_code == 200
    finally:
        server.stop()
    assert (REQUEST_LINE in server.read_output()) is logged
