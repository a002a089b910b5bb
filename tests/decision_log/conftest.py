"""Decision-log fixtures: a collector that is up for the test's length."""

from __future__ import annotations

from typing import Iterator

import pytest

from decision_log.common import Collector


@pytest.fixture
def collector() -> Iterator[Collector]:
    c = Collector()
    c.start()
    yield c
    c.stop()
