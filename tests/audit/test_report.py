"""The audit report in a real browser: headless Chromium renders it, and the DOM shows all
four companies, every clause of the catalogue, and a decision matrix whose every cell is
what the engines answer for the same request."""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from privacy_pdp.audit.matrix import REPORT_CONTEXTS, cell_input
from privacy_pdp.audit.explain import catalogue_of
from privacy_pdp.audit.vocabulary import Vocabulary
from privacy_pdp.core.engine import OpaGoEngine, RegoEngine
from privacy_pdp.core.policyset import PolicySet

from .bundles import build, write_key_pair
from .chromium import dump_dom, screenshot

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "bundles" / "dist" / "report-screenshot.png"
CONTEXTS = {c.name: c for c in REPORT_CONTEXTS}


@dataclass
class Square:
    company: str
    kind: str
    use: str
    category: str
    context: str
    allow: bool
    verdict: str
    clauses: set[str]
    obligations: set[str]


@dataclass
class ReportDom(HTMLParser):
    """What the test reads back from the rendered DOM."""

    sections: set[str] = field(default_factory=set)
    clauses: dict[str, dict[str, str]] = field(default_factory=dict)
    squares: list[Square] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)
    _stack: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _field: str | None = None

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section" and "data-company" in a:
            self.sections.add(a["data-company"])
        if tag == "article" and "data-clause" in a:
            self.clauses[a["data-clause"]] = a
        if tag == "dd" and "data-field" in a:
            self._field = a["data-field"]
        if tag == "i" and "data-g" in a:
            table = next(x for t, x in reversed(self._stack) if t == "table")
            row = next(x for t, x in reversed(self._stack) if t == "tr")
            cell = next(x for t, x in reversed(self._stack) if t == "td")
            self.squares.append(Square(
                table["data-company"], cell["data-kind"], row["data-use"], a["data-g"], a["data-x"],
                a["data-a"] == "1", a["data-v"], set(a.get("data-c", "").split()), set(a.get("data-o", "").split())))
        if tag not in ("i", "br", "meta", "img", "input"):
            self._stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break
        if tag == "dd":
            self._field = None

    def handle_data(self, data: str) -> None:
        if self._field:
            self.header[self._field] = self.header.get(self._field, "") + data


@dataclass(frozen=True)
class Reported:
    html: Path
    source: Path  # the signed bundle the report is of


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Reported:
    """The report of a signed bundle of policies/, verified with its public key, as
    `make report` writes for the default bundle."""
    directory = tmp_path_factory.mktemp("report")
    target = directory / "report.html"
    private, public = write_key_pair(directory, "signer")
    source = build(ROOT / "policies", directory / "privacy.tar.gz", private)
    result = subprocess.run([sys.executable, "-m", "privacy_pdp", "report", str(source), "--verification-key", str(public),
                             "-o", str(target)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return Reported(target, source)


@pytest.fixture(scope="module")
def report_file(reported: Reported) -> Path:
    return reported.html


@pytest.fixture(scope="module")
def dom(report_file: Path) -> ReportDom:
    parsed = ReportDom()
    parsed.feed(dump_dom(report_file))
    return parsed


def test_report_is_self_contained(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    for outside in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert outside not in html, f"the report must not reach outside itself ({outside!r} found)"


def test_dom_shows_every_company_and_clause(dom: ReportDom, policies: PolicySet) -> None:
    companies = Vocabulary.of(policies).companies
    assert set(companies) == {"kallu", "callsapp", "callbridge", "callmatikpro"}
    assert dom.sections == set(companies)
    catalogue = catalogue_of(policies)
    assert set(dom.clauses) == set(catalogue)
    for clause_id, entry in catalogue.items():
        assert dom.clauses[clause_id]["data-status"] == entry["status"]
        if entry["status"] == "encoded":
            assert int(dom.clauses[clause_id]["data-rules"]) > 0, f"{clause_id}: no implementing rule shown"



def test_header_names_revision_digest_and_signature(dom: ReportDom, reported: Reported) -> None:
    from privacy_pdp.bundle.load import load_bundle_file

    loaded = load_bundle_file(reported.source, skip_verify=True)
    assert dom.header["revision"] == loaded.revision
    assert dom.header["sha-256"] == hashlib.sha256(reported.source.read_bytes()).hexdigest()
    assert dom.header["signature"].startswith("verified: signed by key audit")


def _expected(result: Any) -> tuple[bool, set[str], set[str]]:
    allow = result["allow"] is True
    wanted = "allow" if allow else "deny"
    clauses = {r["clause"] for r in result["reasons"] if r["effect"] == wanted}
    obligations = {f"{o['code']}@{o['clause']}" for o in result["obligations"]}
    return allow, clauses, obligations


def test_matrix_cells_are_the_engines_answers(dom: ReportDom, policies: PolicySet, opa: OpaGoEngine) -> None:
    vocabulary = Vocabulary.of(policies)
    assert len(dom.squares) == 4 * len(vocabulary.recipient_kinds) * 8 * 6 * len(REPORT_CONTEXTS)
    assert {s.verdict for s in dom.squares} >= {"allow", "allow_obliged", "forbidden", "not_permitted"}
    inputs = [cell_input(s.company, s.kind, s.use, s.category, CONTEXTS[s.context], vocabulary) for s in dom.squares]
    for square, request in zip(dom.squares, inputs):  # every cell against the reference engine
        got = (square.allow, square.clauses, square.obligations)
        assert got == _expected(opa.evaluate("privacy/decision", request).value), request
    rego = RegoEngine(policies, entrypoints=["privacy/decision"])  # and a sample against the service's engine
    for index in random.Random(5).sample(range(len(inputs)), 150):
        square = dom.squares[index]
        expected = _expected(rego.evaluate("privacy/decision", inputs[index]).value)
        assert (square.allow, square.clauses, square.obligations) == expected, inputs[index]


def test_screenshot_is_saved(report_file: Path) -> None:
    if SCREENSHOT.exists():
        SCREENSHOT.unlink()
    shot = screenshot(report_file, SCREENSHOT)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a blank page compresses far below this
    shutil.copy(shot, report_file.with_suffix(".png"))
