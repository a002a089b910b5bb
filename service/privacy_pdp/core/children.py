"""Work run apart from the server, in a child process of the same Python."""

from __future__ import annotations

import sys


def module_command(module: str, niceness: int = 0) -> list[str]:
    """The command that runs ``module`` as ``__main__`` in a child, its niceness raised by
    ``niceness`` before anything of the module is imported."""
    start = f"import os, runpy; os.nice({int(niceness)}); runpy.run_module({module!r}, run_name='__main__')"
    return [sys.executable, "-c", start]
