"""Where the service's own log lines go when it is served: stderr, beside uvicorn's."""

from __future__ import annotations

import logging

PACKAGE_LOGGER = "privacy_pdp"


def log_to_stderr(level: str | int) -> None:
    """The service's own log lines (bundle activations and refusals, decision-log trouble)
    on stderr, with a time, the logger's name and the process (several serve one port).
    Called once per process: by ``serve`` for one, by each worker process for several."""
    package = logging.getLogger(PACKAGE_LOGGER)
    if any(getattr(h, "privacy_pdp_stderr", False) for h in package.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"))
    handler.privacy_pdp_stderr = True  # type: ignore[attr-defined]
    package.addHandler(handler)
    package.setLevel(level if isinstance(level, int) else getattr(logging, level.upper(), logging.INFO))
