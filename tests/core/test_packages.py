"""A package compiled on its own answers as it does in the whole set, and a package that
reads other packages is never taken alone."""

from __future__ import annotations

import uuid

import pytest

from privacy_pdp.core.engine import RegoEngine
from privacy_pdp.core.packages import input_fields, package_alone
from privacy_pdp.core.policyset import PolicySet


def _set(**modules: str) -> PolicySet:
    return PolicySet({f"{name}.rego": source for name, source in modules.items()}, {"ref": {"x": [1]}}, "r")


def test_the_decision_logs_package_stands_alone(policies: PolicySet) -> None:
    alone = package_alone(policies, "system.log")
    assert alone is not None
    assert set(alone.modules) == {"system/log.rego"}
    assert alone.data == {}  # the policies keep no data under system/log


def test_a_package_alone_keeps_the_data_under_its_own_path_only() -> None:
    data = {"system": {"log": {"limits": {"n": 3}}, "other": 1}, "privacy": {"big": list(range(100))}}
    alone = package_alone(PolicySet({"a.rego": "package system.log\n\nx := data.system.log.limits.n\n"}, data, "r"),
                          "system.log")
    assert alone is not None and alone.data == {"system": {"log": {"limits": {"n": 3}}}}
    assert RegoEngine(alone, ("system/log/x",)).evaluate("system/log/x").value == 3


@pytest.mark.parametrize("body", [
    "x := data.other.y",
    "import data.other\n\nx := other.y",
    "x := data[input.p]",
    "x := data",
    "x := count(data.system) > 0",
])
def test_a_package_reading_outside_itself_is_not_taken_alone(body: str) -> None:
    assert package_alone(_set(a=f"package system.log\n\n{body}\n", b="package other\n\ny := 1\n"), "system.log") is None


@pytest.mark.parametrize("body", [
    "x := data.system.log.y\n\ny := 1",
    "import data.system.log.y\n\nx := y",
    "x := input.data.z  # data.other in a comment",
    'x := "data.other"',
])
def test_a_package_reading_itself_its_input_or_a_field_named_data_stands_alone(body: str) -> None:
    assert package_alone(_set(a=f"package system.log\n\n{body}\n", b="package other\n\ny := 1\n"), "system.log") is not None


def test_no_module_no_package() -> None:
    assert package_alone(_set(b="package other\n\ny := 1\n"), "system.log") is None


def test_alone_the_mask_answers_as_in_the_whole_set(policies: PolicySet) -> None:
    alone = package_alone(policies, "system.log")
    assert alone is not None
    whole, small = RegoEngine(policies, ["system/log"]), RegoEngine(alone, ["system/log"])
    inputs = [
        {"company": "kallu", "data_categories": ["user.name"], "data_use": "marketing", "recipient": {"kind": "public"}},
        {"company": "kallu", "user_email": "a@b", "recipient": {"kind": "other_users", "name": "Bob", "id": 7}},
        {"subject": {"age": 3, "pet": "cat"}, "legal_request": {"verified": True, "matter": "x", "note": "/%"}},
        "not an object",
    ]
    for doc in inputs:
        event = {"decision_id": str(uuid.uuid4()), "path": "privacy/decision", "input": doc, "result": {"allow": False}}
        assert small.evaluate("system/log", event) == whole.evaluate("system/log", event), doc


@pytest.mark.parametrize(("body", "fields"), [
    ("x := input.input.company\n\ny := count(input.result)", {"input", "result"}),
    ("x := f(input.input)\n\nf(doc) := doc.data.input", {"input"}),
    ("x := y\n\ny := 1", set()),
    ("x := f(input)\n\nf(e) := e.input", None),
    ('x := input["input"]', None),
    ("x := y with input as {}\n\ny := 1", None),
])
def test_the_input_fields_a_package_reads(body: str, fields) -> None:
    found = input_fields({"a.rego": f"package system.log\n\n{body}\n"})
    assert found == (None if fields is None else frozenset(fields))


def test_the_decision_logs_package_reads_only_the_events_input(policies: PolicySet) -> None:
    # mask := erasures(input.input): a repeated decision's mask comes from the cache
    alone = package_alone(policies, "system.log")
    assert alone is not None and input_fields(alone.modules) == frozenset({"input"})
