"""The Rego tests' coverage as Cobertura XML, the coverage format CI systems read.

One ``<package>`` per Rego package, one ``<class>`` per policy file (``filename`` relative
to ``<source>``, the policy directory), its ``<lines>`` the lines OPA places a rule head or
an expression on (``authoring.coverage``), and one ``<method>`` per rule definition, its
head line hit when some test defined the rule. Hits are 1 or 0: OPA reports whether a
line ran, not how often. Rego has no branches in Cobertura's sense: branch rates are 0.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

from privacy_pdp.authoring.coverage import CoverageReport, FileCoverage, Figure


def document(report: CoverageReport, source: str = ".") -> ET.Element:
    lines = report.lines
    top = ET.Element("coverage", {
        "line-rate": _rate(lines),
        "branch-rate": "0",
        "lines-covered": str(lines.covered),
        "lines-valid": str(lines.total),
        "branches-covered": "0",
        "branches-valid": "0",
        "complexity": "0",
        "version": "privacy-pdp",
        "timestamp": str(int(time.time() * 1000)),
    })
    ET.SubElement(ET.SubElement(top, "sources"), "source").text = source
    packages = ET.SubElement(top, "packages")
    by_package: dict[str, list[FileCoverage]] = {}
    for file in report.files:
        by_package.setdefault(file.package or file.file, []).append(file)
    for name, files in sorted(by_package.items()):
        figure = Figure(sum(f.line_figure.covered for f in files), sum(f.line_figure.total for f in files))
        package = ET.SubElement(packages, "package", {"name": name, "line-rate": _rate(figure),
                                                      "branch-rate": "0", "complexity": "0"})
        classes = ET.SubElement(package, "classes")
        for file in files:
            _class(classes, file)
    return top


def write(path: Path | str, report: CoverageReport, source: str = ".") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(document(report, source))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def _class(parent: ET.Element, file: FileCoverage) -> None:
    element = ET.SubElement(parent, "class", {
        "name": file.file.rsplit("/", 1)[-1],
        "filename": file.file,
        "line-rate": _rate(file.line_figure),
        "branch-rate": "0",
        "complexity": "0",
    })
    methods = ET.SubElement(element, "methods")
    for rule in file.rules:
        method = ET.SubElement(methods, "method", {
            "name": rule.name,
            "signature": f"{rule.kind}@{rule.line}",
            "line-rate": "1" if rule.covered else "0",
            "branch-rate": "0",
            "complexity": "0",
        })
        ET.SubElement(ET.SubElement(method, "lines"), "line", {"number": str(rule.line), "hits": _hits(rule.covered)})
    lines = ET.SubElement(element, "lines")
    for number, covered in sorted(file.lines.items()):
        ET.SubElement(lines, "line", {"number": str(number), "hits": _hits(covered), "branch": "false"})


def _rate(figure: Figure) -> str:
    return f"{figure.percent / 100:.4f}"


def _hits(covered: bool) -> str:
    return "1" if covered else "0"
