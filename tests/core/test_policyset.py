"""Reading a policy directory laid out as an OPA bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacy_pdp.core.policyset import PolicySetError, load_directory


def test_data_is_merged_at_its_directory_path(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "data.json").write_text('{"x": 1}')
    (tmp_path / "data.json").write_text('{"top": true}')
    (tmp_path / "a" / "p.rego").write_text("package a\n")
    (tmp_path / "a" / "p_test.rego").write_text("package a_test\n")
    loaded = load_directory(tmp_path)
    assert loaded.data == {"top": True, "a": {"b": {"x": 1}}}
    assert list(loaded.modules) == ["a/p.rego"]
    assert list(loaded.test_modules) == ["a/p_test.rego"]
    assert loaded.revision


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_text('{\n  "x": \n}')
    with pytest.raises(PolicySetError, match=r"data.json:3"):
        load_directory(tmp_path)


def test_clashing_data_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "data.json").write_text('{"x": 1}')
    (tmp_path / "data.json").write_text('{"a": {"x": 2}}')
    with pytest.raises(PolicySetError, match="defined twice"):
        load_directory(tmp_path)


def test_revision_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "p.rego").write_text("package p\n")
    first = load_directory(tmp_path).revision
    (tmp_path / "p.rego").write_text("package p\n\nx := 1\n")
    assert load_directory(tmp_path).revision != first


def test_a_file_that_is_not_utf8_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "p.rego").write_bytes(b'package p\n\nx := "caf\xe9"\n')
    with pytest.raises(PolicySetError, match=r"^p.rego:3:10: not UTF-8 text \(byte 0xe9\)$"):
        load_directory(tmp_path)
    (tmp_path / "p.rego").write_text("package p\n\nx := 1\n")
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "data.json").write_bytes(b'{"a": "\xff"}')
    with pytest.raises(PolicySetError, match=r"^q/data.json:1:8: not UTF-8 text \(byte 0xff\)$"):
        load_directory(tmp_path)
