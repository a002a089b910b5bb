"""Both engines: compile errors with file:line, undefined vs defined, evaluation errors."""

from __future__ import annotations

import pytest

from privacy_pdp.core.engine import CompileError, EvaluationError, OpaGoEngine, RegoEngine, ref_for
from privacy_pdp.core.policyset import PolicySet

ENGINES = [RegoEngine, OpaGoEngine]


@pytest.mark.parametrize("engine_type", ENGINES)
def test_syntax_error_names_file_and_line(engine_type) -> None:
    source = "package p\n\nx := 1\n\ny := 1 +* 2\n\nz := 3\n"
    with pytest.raises(CompileError) as raised:
        engine_type(PolicySet({"p/broken.rego": source}, {}))
    assert "p/broken.rego:5" in str(raised.value)


@pytest.mark.parametrize("engine_type", ENGINES)
def test_defined_and_undefined(engine_type) -> None:
    engine = engine_type(PolicySet({"p.rego": "package p\n\nx := input.a\n"}, {"d": {"v": 1}}))
    assert engine.evaluate("p/x", {"a": 3}).value == 3
    assert not engine.evaluate("p/x", {"b": 3}).defined
    assert engine.evaluate("d/v").value == 1
    assert not engine.evaluate("p/nothing").defined


@pytest.mark.parametrize("engine_type", ENGINES)
def test_a_false_document_is_false_not_undefined(engine_type) -> None:
    # rego-cpp fails a query whose lone expression is false; OPA's Data API answers false
    engine = engine_type(PolicySet({"p.rego": "package p\n\nd := {\"allow\": false}\n\nf := input.a == 1\n"},
                                   {"off": False}))
    assert engine.evaluate("p/d/allow").value is False
    assert engine.evaluate("p/f", {"a": 2}).value is False
    assert engine.evaluate("off").value is False
    assert engine.evaluate("p/f", {"a": 1}).value is True
    assert not engine.evaluate("p/g").defined


@pytest.mark.parametrize("engine_type", ENGINES)
def test_nan_in_the_input_is_an_evaluation_error_not_null(engine_type) -> None:
    engine = engine_type(PolicySet({"p.rego": "package p\n\nx := input.a == null\n"}, {}))
    assert engine.evaluate("p/x", {"a": None}).value is True
    with pytest.raises(EvaluationError, match="NaN"):
        engine.evaluate("p/x", {"a": float("nan")})


@pytest.mark.parametrize("engine_type", ENGINES)
def test_conflict_is_an_evaluation_error(engine_type) -> None:
    engine = engine_type(PolicySet({"p.rego": "package p\n\nx := 1 if input.a\n\nx := 2 if input.a\n"}, {}))
    with pytest.raises(EvaluationError):
        engine.evaluate("p/x", {"a": True})


def test_ref_for_quotes_odd_segments() -> None:
    assert ref_for("privacy/decision") == "data.privacy.decision"
    assert ref_for("a/0/b-c") == 'data.a[0]["b-c"]'
    assert ref_for("") == "data"


def test_regopy_engine_is_usable_from_many_threads(policies) -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine = RegoEngine(policies)
    request = {
        "company": "kallu",
        "data_categories": ["user.contact.email"],
        "data_use": "marketing.communications.email",
        "recipient": {"kind": "third_party"},
    }
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: engine.evaluate("privacy/decision", request).value, range(40)))
    assert all(r == results[0] for r in results)
    assert results[0]["allow"] is False


@pytest.mark.parametrize("engine_type", ENGINES)
def test_lone_surrogates_are_replaced_not_fatal(engine_type) -> None:
    engine = engine_type(PolicySet({"p.rego": "package p\n\nx := input.a\n"}, {}))
    assert engine.evaluate("p/x", {"a": "x\ud800y"}).value == "x\ufffdy"


@pytest.mark.parametrize("engine_type", ENGINES)
def test_numbers_strings_and_nesting_survive_the_round_trip(engine_type) -> None:
    engine = engine_type(PolicySet({"p.rego": "package p\n\nx := input\n"}, {}))
    value = {"i": 12345678901, "f": 1.5, "b": False, "n": None, "s": "é\u2028", "l": [1, [2, {"k": "v"}]]}
    assert engine.evaluate("p/x", value).value == value


def test_input_floats_are_read_to_15_significant_digits() -> None:
    from privacy_pdp.core.engine import canonical_numbers

    assert canonical_numbers({"a": [150.00000000000003, 0.30000000000000004, 1e-20, 7, True, "1.5"]}) == {
        "a": [150.0, 0.3, 1e-20, 7, True, "1.5"]
    }
    assert canonical_numbers([1.7e308, -1.7e308, 2.225073858507203e-309]) == [1e308, -1e308, 0.0]


# rego-cpp compares floats at about 16 digits, OPA exactly; regopy's set_input prints floats
# with 6 decimals. Both engines must still read these the same way.
EDGE_FLOATS = [150.00000000000003, 149.99999999999997, 150.0000001, 150.000000000001, 0.3000001, 1e-7, -1e-20, 30.5,
               2.225073858507203e-309, 1.7e308]


@pytest.mark.parametrize("number", EDGE_FLOATS)
def test_engines_compare_edge_floats_alike(number: float) -> None:
    source = "package p\n\nr := [input.a <= 150, input.a < 150, input.a >= 0, input.a == 0.3, input.a > 0]\n"
    policy = PolicySet({"p.rego": source}, {})
    assert RegoEngine(policy).evaluate("p/r", {"a": number}).value == OpaGoEngine(policy).evaluate("p/r", {"a": number}).value


def test_an_age_a_hair_above_150_is_decided_alike(rego, opa) -> None:
    # found by tests/assurance/test_differential.py: regopy took it as 150, OPA as above 150
    doc = {"company": "callbridge", "data_categories": ["system"], "data_use": "analytics",
           "recipient": {"kind": "first_party"}, "subject": {"age": 150.00000000000003}}
    assert rego.evaluate("privacy/decision", doc).value == opa.evaluate("privacy/decision", doc).value
    above = {**doc, "subject": {"age": 150.0000001}}
    for engine in (rego, opa):
        assert engine.evaluate("privacy/decision", above).value["reasons"][0]["field"] == "subject.age"
