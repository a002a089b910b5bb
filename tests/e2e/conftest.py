"""End-to-end: the `serve` command in a child process on a free loopback port, for what needs
a real socket (real OPA clients, load)."""

from __future__ import annotations

from typing import Iterator

import pytest

from conftest import POLICIES, Server, server_env

TOKEN = "e2e-policy-token"


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = server_env(tmp_path_factory.mktemp("decision-logs"))
    env.update({"PDP_POLICY_API_WRITES": "true", "PDP_POLICY_API_TOKEN": TOKEN, "PDP_WORKERS": "2"})
    running = Server(POLICIES, env=env)
    yield running
    exit_code = running.process.poll()
    running.stop()
    # A server that died under one test fails the tests after it with "connection refused":
    # say here why it died.
    assert exit_code is None, f"the e2e server died (exit code {exit_code}):\n{running.read_output()[-4000:]}"
