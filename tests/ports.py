"""Ports for the servers tests start in child processes.

A port the kernel hands out for ``bind(0)`` lies in the ephemeral range, the same range it
draws from for outgoing connections: between picking the port and the child binding it, one
of the test's own client connections can take it ("address already in use"). Picking below
that range leaves only other listeners to collide with, and a bind check rules out those
that already listen.
"""

from __future__ import annotations

import random
import socket

_RANGE = range(20000, 32768)  # below Linux's default ephemeral range (32768-60999)


def free_port() -> int:
    for _ in range(200):
        port = random.choice(_RANGE)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_RANGE.start}-{_RANGE.stop - 1}")
