"""The Rego test results as JUnit XML, the format CI systems read test reports in.

One ``<testsuite>`` per test package, one ``<testcase>`` per test (``classname`` the
package, ``file`` and ``line`` where the test is written). A test that fails, or on which
the engines disagree, has a ``<failure>``; one that could not be evaluated an ``<error>``.
The failure's text holds what the human output shows, values in full: the expression that
failed and the values it saw, or, for a replayed decision, both engines' documents.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable

from privacy_pdp.authoring.regotest import TestResult


def document(results: Iterable[TestResult], root: str = "", name: str = "privacy-pdp rego tests") -> ET.Element:
    """The <testsuites> element; root prefixes each test's file (the policy directory)."""
    results = list(results)
    suites: dict[str, list[TestResult]] = {}
    for result in results:
        suites.setdefault(result.test.package, []).append(result)
    top = ET.Element("testsuites", _counts(name, results))
    top.set("timestamp", time.strftime("%Y-%m-%dT%H:%M:%S"))
    for package, members in suites.items():
        suite = ET.SubElement(top, "testsuite", _counts(package, members))
        suite.set("file", _path(root, members[0].test.file))
        for result in members:
            _testcase(suite, result, root)
    return top


def write(path: Path | str, results: Iterable[TestResult], root: str = "") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(document(results, root))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def _testcase(suite: ET.Element, result: TestResult, root: str) -> None:
    test = result.test
    case = ET.SubElement(suite, "testcase", {
        "name": test.name,
        "classname": test.package,
        "file": _path(root, test.file),
        "line": str(test.line),
        "time": f"{result.seconds:.6f}",
    })
    status = result.status
    if status == "PASS":
        return
    kind = "error" if status == "ERROR" else "failure"
    details = [f"{name}: {outcome}" for name, outcome in sorted(result.outcomes.items())]
    details += [f"{name}: {message}" for name, message in sorted(set(result.errors.items()))]
    if result.failure is not None:
        details += result.failure.lines(limit=None)
    element = ET.SubElement(case, kind, {"message": xml_text(_message(result)), "type": status.lower()})
    element.text = xml_text("\n".join(details))


def _message(result: TestResult) -> str:
    """One line: what failed."""
    if result.failure is not None:
        return result.failure.lines(limit=200)[0]
    if result.errors:
        first = sorted(result.errors.items())[0]
        return f"{first[0]}: {first[1].splitlines()[0] if first[1] else ''}"
    if result.status == "DISAGREE":
        return "the engines disagree: " + ", ".join(f"{n}={o}" for n, o in sorted(result.outcomes.items()))
    return "the test does not hold (false or undefined)"


def _counts(name: str, results: list[TestResult]) -> dict[str, str]:
    return {
        "name": name,
        "tests": str(len(results)),
        "failures": str(sum(r.status in ("FAIL", "DISAGREE") for r in results)),
        "errors": str(sum(r.status == "ERROR" for r in results)),
        "skipped": "0",
        "time": f"{sum(r.seconds for r in results):.6f}",
    }


def xml_text(text: str) -> str:
    """text without the characters XML 1.0 cannot hold (engine messages may carry them)."""
    return "".join(ch if ch in "\t\n\r" or (" " <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd")
                   or ch >= "\U00010000" else "\ufffd" for ch in text)


def _path(root: str, file: str) -> str:
    return f"{root.rstrip('/')}/{file}" if root else file
