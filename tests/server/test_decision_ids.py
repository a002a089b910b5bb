"""Decision ids: random version-4 UUIDs, read from the OS in blocks, never repeated."""

from __future__ import annotations

import os
import uuid

from privacy_pdp.server.decide import new_id


def test_ids_are_unique_version_4_uuids_across_many_blocks() -> None:
    ids = [new_id() for _ in range(5000)]  # about twenty reads of the OS's random source
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text


def test_a_forked_child_does_not_repeat_its_parents_ids() -> None:
    new_id()  # the parent holds a block it has not used up
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, then out without running anything of pytest's
        os.close(read)
        os.write(write, "\n".join(new_id() for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = set(pipe.read().split("\n"))
    os.waitpid(pid, 0)
    parent = {new_id() for _ in range(50)}
    assert len(child) == 50 and not child & parent
