"""`privacy-pdp logs verify`: the chain across rotated files; any edited byte is found and
named by file:line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from decision_log.common import event, run, settings
from typer.testing import CliRunner

from privacy_pdp.cli import app
from privacy_pdp.server.decision_log import DecisionLog, DecisionLogUnavailable, canonical, seal
from privacy_pdp.server.decision_log.segments import list_segments
from privacy_pdp.server.decision_log.verify import verify_directory


def _write_log(directory: Path, count: int = 90) -> list[Path]:
    async def scenario() -> None:
        async with DecisionLog.from_settings(settings(directory, max_file_bytes=16 * 1024)) as log:
            for i in range(count):
                await log.record(event(i, note="caf\u00e9 \u0434\u0430"))  # non-ASCII: \\u escapes in the file

    run(scenario())
    files = [s.path for s in list_segments(directory)]
    assert len(files) >= 3
    return files


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["logs", "verify", *args])
    return result.exit_code, result.output


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def test_an_intact_log_verifies_across_files(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    code, output = _cli(str(tmp_path))
    assert code == 0, output
    assert f"OK 90 events in {len(files)} file(s)" in output


def test_one_edited_byte_is_found_and_named(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    target = files[1]
    data = bytearray(target.read_bytes())
    position = data.index(b'"n":') + 4  # the digit of a number in the middle file's first event
    data[position] = ord("7") if data[position] != ord("7") else ord("8")
    target.write_bytes(bytes(data))
    code, output = _cli(str(tmp_path))
    assert code == 1
    assert f"BROKEN {target.name}:{_line_of(data, position)}: hash does not match" in output


@pytest.mark.parametrize("seed", range(3))
def test_any_single_byte_edit_is_found_at_its_line(tmp_path: Path, seed: int) -> None:
    files = _write_log(tmp_path, 60)
    originals = {f: f.read_bytes() for f in files}
    rng = random.Random(seed)
    for _ in range(60):
        target = rng.choice(files[:-1])  # the newest file's last byte is tested apart
        data = bytearray(originals[target])
        position = rng.randrange(len(data))
        data[position] = rng.choice([b for b in range(256) if b != data[position]])
        target.write_bytes(bytes(data))
        report = verify_directory(tmp_path)
        target.write_bytes(originals[target])
        assert report.first_break is not None, f"edit at {target.name} byte {position} not found"
        assert (report.first_break.file, report.first_break.line) == (target.name, _line_of(data, position))


def test_an_edited_escape_is_found_though_it_parses_the_same(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    data = files[0].read_bytes()
    assert b"\\u00e9" in data
    files[0].write_bytes(data.replace(b"\\u00e9", b"\\u00E9", 1))
    report = verify_directory(tmp_path)
    assert report.first_break is not None and "canonical" in report.first_break.reason


def test_removed_reordered_and_inserted_events_break_the_chain(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    lines = files[1].read_bytes().splitlines(keepends=True)

    files[1].write_bytes(b"".join(lines[:2] + lines[3:]))  # line 3 removed
    assert (verify_directory(tmp_path).first_break.file, verify_directory(tmp_path).first_break.line) == (files[1].name, 3)

    files[1].write_bytes(b"".join([lines[1], lines[0], *lines[2:]]))  # two swapped
    assert verify_directory(tmp_path).first_break.line == 1

    forged = seal("0" * 64, canonical(event(999)))[1]  # a well-formed event, wrong place
    files[1].write_bytes(b"".join([lines[0], forged, *lines[1:]]))
    broken = verify_directory(tmp_path).first_break
    assert broken.line == 2 and "prev_hash" in broken.reason

    files[1].write_bytes(b"".join(lines))
    assert verify_directory(tmp_path).ok


def test_a_removed_middle_file_breaks_the_chain_at_the_next(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    files[1].unlink()
    code, output = _cli(str(tmp_path))
    assert code == 1 and f"BROKEN {files[2].name}:1" in output


def test_pruned_oldest_files_need_allow_pruned(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    files[0].unlink()
    code, output = _cli(str(tmp_path))
    assert code == 1 and "--allow-pruned" in output
    code, output = _cli(str(tmp_path), "--allow-pruned")
    assert code == 0, output


def test_a_crash_cut_last_line_verifies_and_a_restart_cuts_it(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    newest = files[-1]
    last_hash = verify_directory(tmp_path).last_hash
    next_line = seal(last_hash, canonical(event(1000)))[1]
    with open(newest, "ab") as f:
        f.write(next_line[:57])  # what a write cut short by kill -9 leaves
    code, output = _cli(str(tmp_path))
    assert code == 0 and "partial last line" in output and "OK 90 events" in output

    async def restart() -> None:
        async with DecisionLog.from_settings(settings(tmp_path, max_file_bytes=16 * 1024)) as log:
            await log.record(event(1001))

    run(restart())
    report = verify_directory(tmp_path)
    assert report.ok and report.events == 91 and not report.notes


def test_the_newest_files_last_newline_edited_is_found_and_blocks_a_restart(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    data = bytearray(files[-1].read_bytes())
    data[-1] = ord("x")
    files[-1].write_bytes(bytes(data))
    report = verify_directory(tmp_path)
    assert report.first_break is not None and report.first_break.file == files[-1].name

    async def restart() -> None:
        await DecisionLog.from_settings(settings(tmp_path)).start()

    with pytest.raises(DecisionLogUnavailable, match="logs verify"):
        run(restart())
    assert files[-1].read_bytes() == bytes(data)  # the evidence is left in place


def test_garbage_after_the_last_event_is_found(tmp_path: Path) -> None:
    files = _write_log(tmp_path)
    with open(files[-1], "ab") as f:
        f.write(b"garbage")
    assert verify_directory(tmp_path).first_break is not None


def test_an_empty_or_missing_directory_fails(tmp_path: Path) -> None:
    assert _cli(str(tmp_path))[0] == 1
    assert _cli(str(tmp_path / "nope"))[0] == 2


@pytest.mark.parametrize("edited", ["top", "worker-1"])
def test_a_directory_served_by_one_process_then_several_has_every_chain_checked(tmp_path: Path, edited: str) -> None:
    top = _write_log(tmp_path)  # one process first, then a process per core in worker-<n> slots
    slot = _write_log(tmp_path / "worker-1")
    code, output = _cli(str(tmp_path))
    assert code == 0, output
    assert output.count("OK 90 events") == 2 and "worker-1:" in output
    target = (top if edited == "top" else slot)[0]
    data = bytearray(target.read_bytes())
    position = data.index(b'"n":') + 4
    data[position] = ord("7") if data[position] != ord("7") else ord("8")
    target.write_bytes(bytes(data))
    code, output = _cli(str(tmp_path))
    assert code == 1
    assert f"BROKEN {target.name}:{_line_of(data, position)}: hash does not match" in output
