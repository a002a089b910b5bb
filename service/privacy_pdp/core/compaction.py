"""A compacted regopy plan (``planslots``, ``plantrim``, ``plandata``), written by a child process.

The plan is compiled, saved and compacted in a child, not in the server: rego-cpp's writer of
a saved plan takes about 80 MiB that its allocator keeps for the life of the process (a
worker holds about 106 MiB when it starts serving). The child writes the bundle directory
the server then loads (``RegoEngine``); loading it takes rego-cpp about 55 MiB, which its
allocator keeps too, and that is what a compacted plan costs a worker.

The child also trims the plan (``plantrim``: unreached functions, sure checks, copies, dead
flags, the caching of values worked out once; ``trimmed``), orders the data's keys as the
plan looks them up (``plandata``), drops the statements' source locations, names functions
by number, and probes the result: every entrypoint must answer no input and ``{}`` as the
plan as built does. The probe runs in the child for a second reason: rego-cpp checks a plan
at every query, and regopy 1.5.2 ends the process when that check fails (its error handler
throws again), so a plan it would refuse ends the child, not the server. Run as ``python -m privacy_pdp.core.compaction`` with the
request as JSON on stdin; exit status 0 (the directory holds the compacted plan), 3 (the
plan has a statement the compaction does not know), 4 (the probe failed), or the error on
stderr.

Loading a saved plan is safe in a process only where rego-cpp's library was loaded before
the C++ runtime: ``loading_is_safe``. The library brings an allocator of its own (its own
``operator new`` and ``delete``), and its plan loader hands a path string it allocated to the
C++ runtime, which grows it and frees the old one. When the runtime came with the library it
uses the library's allocator too; when another module loaded the runtime first (say a C++
extension imported earlier), the runtime frees with glibc what the library's allocator
gave, and glibc aborts the process ("free(): invalid size", seen under pytest, where a plugin
loads aiohttp first). The service loads nothing of the kind before regopy.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

import orjson

from privacy_pdp.core import plandata, planslots, plantrim
from privacy_pdp.core.children import module_command
from privacy_pdp.core.policyset import PolicySet

TIMEOUT_SECONDS = 120.0
UNKNOWN_PLAN = 3  # the child's exit status for a plan ``planslots`` leaves as built
ANSWERS_DIFFER = 4  # the compacted plan answered a probe otherwise: not to be served


class CompactionFailed(Exception):
    """The child did not write a compacted plan."""


def write_compacted(directory: str, policy_set: PolicySet, entrypoints: Sequence[str],
                    niceness: int = 0, timeout: float = TIMEOUT_SECONDS,
                    started: Callable[[subprocess.Popen[bytes]], Any] = lambda child: None) -> bool:
    """Write the set's plan for ``entrypoints``, compacted, as a bundle directory in
    ``directory``: True; False when the plan is one ``planslots`` leaves as built. Raises
    CompactionFailed when the child fails otherwise (or is killed: ``started`` is handed the
    child, to stop it if its work is no longer wanted)."""
    request = orjson.dumps({"directory": directory, "modules": policy_set.modules, "data": policy_set.data,
                            "entrypoints": list(entrypoints)})
    # a session of its own: a stop signal to the server's process group is the server's
    with subprocess.Popen(module_command(__name__, niceness), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, start_new_session=True) as child:
        started(child)
        try:
            _, stderr = child.communicate(request, timeout=timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise CompactionFailed(f"compacting the plan took more than {timeout:g} s") from None
    if child.returncode == 0:
        return True
    if child.returncode == UNKNOWN_PLAN:
        return False
    words = stderr.decode(errors="replace").strip().splitlines()
    raise CompactionFailed(f"exit status {child.returncode}{': ' + words[-1][:500] if words else ''}")


def loading_is_safe() -> bool:
    """rego-cpp's library was loaded before the C++ runtime in this process (so the runtime
    came with it and shares its allocator): the order of the dynamic linker's list of loaded
    objects says so. False where that cannot be read (not Linux with glibc)."""
    names: list[str] = []

    def each(info: Any, size: int, data: Any) -> int:
        names.append((info.contents.dlpi_name or b"").decode(errors="replace"))
        return 0

    try:
        iterate = ctypes.CDLL(None).dl_iterate_phdr
    except (OSError, AttributeError):
        return False
    iterate(_PHDR_CALLBACK(each), None)
    rego = next((i for i, name in enumerate(names) if "librego_shared" in name), None)
    runtime = next((i for i, name in enumerate(names) if "libstdc++" in Path(name).name), None)
    return rego is not None and (runtime is None or rego < runtime)


class _PhdrInfo(ctypes.Structure):  # the head of glibc's struct dl_phdr_info
    _fields_ = [("dlpi_addr", ctypes.c_void_p), ("dlpi_name", ctypes.c_char_p),
                ("dlpi_phdr", ctypes.c_void_p), ("dlpi_phnum", ctypes.c_uint16)]


_PHDR_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_PhdrInfo), ctypes.c_size_t, ctypes.c_void_p)


def compact_into(directory: str, policy_set: PolicySet, entrypoints: Sequence[str]) -> int:
    """What the child does (it runs nowhere else in the service): write the compacted plan
    into ``directory`` and probe it; the child's exit status."""
    from privacy_pdp.core.engine import UNDEFINED, RegoEngine

    engine = RegoEngine(policy_set, entrypoints)
    built = engine.pool.take()
    built[0].save_bundle(directory, built[1])
    plan_path, data_path = Path(directory, "plan.json"), Path(directory, "data.json")
    plan = trimmed(orjson.loads(plan_path.read_bytes()))
    data = plandata.hot_first(plan, orjson.loads(data_path.read_bytes())) if plan is not None else None
    plan = planslots.compact(plan) if plan is not None else None
    if plan is None or data is None:
        return UNKNOWN_PLAN
    plan_path.write_bytes(orjson.dumps(plantrim.with_short_names(planslots.without_locations(plan))))
    data_path.write_bytes(orjson.dumps(data))
    # a first probe, here rather than in the server (which would need a second interpreter
    # as built for it): every entrypoint answers no input and {} as the plan as built does
    loaded = engine.load(directory)
    for path in engine.entrypoints:
        for probe in (UNDEFINED, {}):
            if engine.outcome(built, path, probe) != engine.outcome(loaded, path, probe):
                print(f"the compacted plan answers {path} otherwise than the plan as built", file=sys.stderr)
                return ANSWERS_DIFFER
    return 0


def trimmed(plan: dict[str, Any] | None) -> dict[str, Any] | None:
    """The plan as built, less its unreached functions, its sure checks, its dead flags and
    the caching of values worked out once (``plantrim``, ``planslots``); None when a pass
    meets a statement it does not know. Its locals are still numbered as built."""
    for step in (plantrim.without_unreached, plantrim.without_nested_tails, plantrim.without_copies,
                 plantrim.without_sure_checks, plantrim.without_sure_definedness_checks, plantrim.uncached_single_calls,
                 planslots.without_dead_flags):
        if plan is None:
            return None
        plan = step(plan)
    return plan


def _child() -> int:  # pragma: no cover - run in the child; its outcome is checked in the parent
    request = orjson.loads(sys.stdin.buffer.read())
    return compact_into(request["directory"], PolicySet(request["modules"], request["data"], ""), request["entrypoints"])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_child())
