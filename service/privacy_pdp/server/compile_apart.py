"""Compile a policy set in a child process before the server compiles it.

rego-cpp ends the process on a few valid modules (a C++ exception nobody catches: e.g. a rule
read ``with input as ...`` whose package calls a function on ``input``; see
tests/server/test_compile_apart.py). Compiled in the server, such a module from a bundle or
the Policy API would take the service down; compiled here first, it takes down a child, and
the server refuses the set with the engine's last words and keeps serving the last good one.

The child compiles what ``PolicyRuntime.activate`` compiles (the same engine, entrypoints and
packages alone), so a set that passes here compiles there. Before that, when the OPA Go
evaluator is installed, it compiles the set with OPA's own compiler: a set a real OPA refuses
(Rego v0 syntax, an unsafe variable, a builtin called with the wrong arity, a type error) is
refused with OPA's errors, though rego-cpp would take it, so that what this service accepts
a real OPA loads too. Run as
``python -m privacy_pdp.server.compile_apart`` with the request as JSON on stdin; it answers
on stdout: nothing (compiled), or the engine's error as JSON with exit status 1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any, Sequence

import orjson

from privacy_pdp.core.children import module_command
from privacy_pdp.core.engine import CompileError, EngineError, Location
from privacy_pdp.core.policyset import PolicySet

TIMEOUT_SECONDS = 120.0


# sent from outside, not an engine's abort (an interrupted Python ends itself by SIGINT too)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class CompileInterrupted(CompileError):
    """The child was stopped from outside (a stop signal: the service is being stopped), so
    nothing is known of the set."""


def compile_apart(engine: str, policy_set: PolicySet, entrypoints: Sequence[str],
                  timeout: float = TIMEOUT_SECONDS, niceness: int = 0, as_opa: bool = True) -> None:
    """Raise the EngineError compiling ``policy_set`` would raise, or CompileError when the
    engine ends the child's process (or it runs past ``timeout``; CompileInterrupted when a
    stop signal ended it). ``niceness``: the child yields the processor to busier work.
    ``as_opa``: OPA's compiler speaks first (see above); without it, the serving engine alone."""
    request = orjson.dumps({"engine": engine, "modules": policy_set.modules, "data": policy_set.data,
                            "revision": policy_set.revision, "entrypoints": list(entrypoints), "as_opa": as_opa})
    try:
        # a session of its own: a signal to the server's process group (Ctrl-C, a hang-up, a
        # service manager's stop) is the server's to handle, and would otherwise end the compile
        # at any point (even in a native module's import, as a crash that reads as the engine's)
        child = subprocess.run(module_command(__name__, niceness), input=request, capture_output=True, timeout=timeout,
                               start_new_session=True)
    except subprocess.TimeoutExpired:
        raise CompileError(f"compiling the policy set took more than {timeout:g} s") from None
    if child.returncode == 0:
        return
    if child.returncode == 1 and child.stdout:
        raise _error(orjson.loads(child.stdout))
    if -child.returncode in STOP_SIGNALS:
        raise CompileInterrupted(f"compiling the policy set was stopped ({_status(child.returncode)})")
    raise CompileError(f"the {engine} engine stopped ({_status(child.returncode)}) compiling the policy set"
                       f"{_last_words(child.stderr)}")


def _status(code: int) -> str:
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def _last_words(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    return f": {lines[-1][:500]}" if lines else ""


def _error(answer: dict[str, Any]) -> EngineError:
    kind = CompileError if answer.get("kind") == "compile" else EngineError
    return kind(answer["message"], [Location(**where) for where in answer.get("locations", [])])


def _child() -> int:  # pragma: no cover - run in the child; its outcome is checked in the parent
    from privacy_pdp.server.runtime import PolicyRuntime

    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the engine prints goes to stderr; stdout carries the answer alone
    request = orjson.loads(sys.stdin.buffer.read())
    policy_set = PolicySet(request["modules"], request["data"], request["revision"])
    try:
        if request["engine"] != "opa" and request["as_opa"]:
            _as_opa_would(policy_set)
        PolicyRuntime(policy_set, workers=1, entrypoints=request["entrypoints"], engine=request["engine"],
                      cache_entries=0).close()
    except EngineError as exc:
        answer.write(orjson.dumps({
            "kind": "compile" if isinstance(exc, CompileError) else "engine",
            "message": exc.message,
            "locations": [{"file": w.file, "row": w.row, "col": w.col} for w in exc.locations],
        }))
        answer.close()
        return 1
    return 0


def _as_opa_would(policy_set: PolicySet) -> None:  # pragma: no cover - run in the child
    """OPA's compiler refuses the set: its CompileError. Without the OPA Go evaluator
    installed, the serving engine alone decides."""
    from privacy_pdp.core.engine import OpaGoEngine

    try:
        OpaGoEngine(policy_set)
    except CompileError:
        raise
    except (EngineError, OSError):  # the bindings are not installed, or their library does not load here
        return


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_child())
