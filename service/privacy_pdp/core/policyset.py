"""A policy set: Rego modules and the data document they read.

Read from a directory laid out as an OPA bundle: every ``*.rego`` file is a module,
and every ``data.json`` is merged into the data document at its directory's path
(``privacy/reference/data.json`` becomes ``data.privacy.reference``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class PolicySetError(Exception):
    """A policy set that cannot be read: names the file."""


@dataclass(frozen=True)
class PolicySet:
    modules: dict[str, str]
    data: dict[str, Any]
    revision: str = ""
    test_modules: dict[str, str] = field(default_factory=dict)

    @property
    def companies(self) -> tuple[str, ...]:
        """The companies of the set, sorted: every ``privacy/companies/<c>/`` with a
        ``facts/data.json`` (privacy.validation knows a company by the same mark). The one
        place the tools (dispatch, schema, invariants, mutation, verify) learn them from."""
        found = self.data.get("privacy", {}).get("companies", {})
        if not isinstance(found, dict):
            return ()
        return tuple(sorted(c for c, v in found.items() if isinstance(v, dict) and isinstance(v.get("facts"), dict)))

    @staticmethod
    def company_module(company: str) -> str:
        """Where a company's package lives in the set."""
        return f"privacy/companies/{company}/{company}.rego"

    def has_package(self, package: str) -> bool:
        """Some module of the set declares this package (e.g. ``system.log``)."""
        from privacy_pdp.core.outline import package_of

        return any(package_of(source) == package for source in self.modules.values())

    def with_tests(self) -> PolicySet:
        """The same set with its test modules counted as modules."""
        return PolicySet({**self.modules, **self.test_modules}, self.data, self.revision)


def is_test_module(path: str) -> bool:
    return path.endswith("_test.rego")


def decode_text(name: str, content: bytes) -> str:
    """A policy file's text; PolicySetError naming the file, line and column of the first
    byte that is not UTF-8 (OPA reads Rego and JSON as UTF-8 only)."""
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = content[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise PolicySetError(f"{name}:{line}:{column}: not UTF-8 text (byte 0x{content[exc.start]:02x})") from None


def load_directory(root: Path | str) -> PolicySet:
    root = Path(root)
    if not root.is_dir():
        raise PolicySetError(f"{root}: not a directory")
    modules: dict[str, str] = {}
    tests: dict[str, str] = {}
    data: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".rego":
            text = decode_text(rel, path.read_bytes())
            (tests if is_test_module(rel) else modules)[rel] = text
        elif path.name == "data.json":
            try:
                value = json.loads(decode_text(rel, path.read_bytes()))
            except json.JSONDecodeError as exc:
                raise PolicySetError(f"{rel}:{exc.lineno}:{exc.colno}: {exc.msg}") from exc
            merge_at(data, list(path.parent.relative_to(root).parts), value, rel)
    return PolicySet(modules, data, revision=_digest(modules, tests, data), test_modules=tests)


def merge_at(document: dict[str, Any], path: list[str], value: Any, origin: str) -> None:
    """Deep-merge value into document at path; a clash between two files is an error."""
    if not path:
        if not isinstance(value, dict):
            raise PolicySetError(f"{origin}: a root data file must hold an object")
        for key, item in value.items():
            _merge_key(document, key, item, origin)
        return
    node = document
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise PolicySetError(f"{origin}: data path {'/'.join(path)} crosses a non-object value")
    _merge_key(node, path[-1], value, origin)


def _merge_key(node: dict[str, Any], key: str, value: Any, origin: str) -> None:
    if key not in node:
        node[key] = value
    elif isinstance(node[key], dict) and isinstance(value, dict):
        for k, v in value.items():
            _merge_key(node[key], k, v, origin)
    else:
        raise PolicySetError(f"{origin}: data key {key!r} is defined twice")


def _digest(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
