"""A policy set from outside the process is compiled in a child first: a module rego-cpp
aborts on takes down the child, and the server refuses it and keeps serving."""

from __future__ import annotations

import dataclasses

import pytest

from privacy_pdp.core.engine import CompileError, engine_for
from privacy_pdp.core.policyset import PolicySet
from privacy_pdp.server.compile_apart import compile_apart

from server.test_policies_api import TOKEN

# Valid Rego (OPA compiles it) on which rego-cpp 1.5 throws an uncaught C++ exception while
# compiling: a rule read `with input as` from a package that calls a function on input.
ABORTS = {
    "probe/called.rego": "package probe.called\n\nimport rego.v1\n\nf(x) := x\n\ny := f(input)\n",
    "probe/reader.rego": ("package probe.reader\n\nimport rego.v1\n\n"
                          "z := v if {\n\tv := data.probe.called.y with input as 1\n}\n"),
}


def _with(policies: PolicySet, modules: dict[str, str]) -> PolicySet:
    return dataclasses.replace(policies, modules={**policies.modules, **modules}, revision="probe")


@pytest.mark.parametrize("niceness", [0, 10])  # 10: the start-up check of worker processes
def test_a_set_the_engine_aborts_on_is_refused_with_its_last_words(policies: PolicySet, niceness: int) -> None:
    with pytest.raises(CompileError) as refused:
        compile_apart("regopy", _with(policies, ABORTS), ("privacy/decision",), niceness=niceness)
    assert "regopy engine stopped (SIGABRT)" in refused.value.message
    assert "rego-localref" in refused.value.message  # what rego-cpp said on its way out


def test_the_reference_engine_compiles_the_same_set(policies: PolicySet) -> None:
    engine = engine_for("opa", _with(policies, ABORTS))
    assert engine.evaluate("probe/reader/z").value == 1  # valid Rego: the abort is rego-cpp's


def test_a_compile_error_comes_back_with_its_file_and_line(policies: PolicySet) -> None:
    bad = _with(policies, {"bad.rego": "package bad\n\nimport rego.v1\n\nx := \n"})
    with pytest.raises(CompileError) as refused:
        compile_apart("regopy", bad, ())
    assert {(where.file, where.row) for where in refused.value.locations} == {("bad.rego", 6)}
    with pytest.raises(CompileError) as by_opa:
        engine_for("opa", bad)
    assert refused.value.message == by_opa.value.message  # OPA's compiler speaks first
    with pytest.raises(CompileError) as by_regopy:
        compile_apart("opa", bad, ())  # served by OPA: no second opinion; regopy's own error here
    assert by_regopy.value.message
    with pytest.raises(CompileError) as in_process:
        engine_for("regopy", bad)
    assert [str(where) for where in in_process.value.locations] == ["bad.rego:5:3"]


# Modules rego-cpp compiles (and would serve) that a real OPA refuses: each is refused with
# OPA's error, so that what the service accepts an OPA loads too.
OPA_REFUSES = {
    "v0 rule body": ("package b\n\nallow { true }\n", "rego_parse_error"),
    "unsafe variable": ("package b\n\nx := y\n", "rego_unsafe_var_error"),
    "wrong arity": ("package b\n\np := count(1, 2)\n", "rego_type_error"),
}


@pytest.mark.parametrize("case", sorted(OPA_REFUSES))
def test_a_module_opa_refuses_is_refused_though_regopy_takes_it(policies: PolicySet, case: str) -> None:
    source, code = OPA_REFUSES[case]
    engine_for("regopy", _with(policies, {"b.rego": source}))  # rego-cpp alone would serve it
    with pytest.raises(CompileError) as refused:
        compile_apart("regopy", _with(policies, {"b.rego": source}), ("privacy/decision",))
    assert f"b.rego:3: {code}" in refused.value.message


def test_a_good_set_passes(policies: PolicySet) -> None:
    compile_apart("regopy", policies, ("privacy/decision", "system/log"))
    compile_apart("regopy", policies, ("privacy/decision",), niceness=10)


def test_a_policy_write_the_engine_aborts_on_is_a_400_and_the_server_keeps_serving(make_app) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with make_app(policy_api_writes=True, policy_api_token=TOKEN) as (client, _):
        assert client.put("/v1/policies/probe/called.rego", content=ABORTS["probe/called.rego"],
                          headers=auth).status_code == 200
        refused = client.put("/v1/policies/probe/reader.rego", content=ABORTS["probe/reader.rego"], headers=auth)
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_parameter"
        assert "SIGABRT" in refused.json()["errors"][0]["message"]
        assert "probe/reader.rego" not in [p["id"] for p in client.get("/v1/policies").json()["result"]]
        answer = client.post("/v1/data/privacy/decision", json={"input": {}})
        assert answer.status_code == 200 and answer.json()["result"]["allow"] is False


def test_without_the_opa_bindings_the_serving_engine_alone_decides(policies: PolicySet, tmp_path, monkeypatch) -> None:
    shadow = tmp_path / "opa_bindings"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('not installed here')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the child imports this instead of the real bindings
    source, _ = OPA_REFUSES["v0 rule body"]
    compile_apart("regopy", _with(policies, {"b.rego": source}), ("privacy/decision",))  # rego-cpp takes it
    with pytest.raises(CompileError):
        compile_apart("regopy", _with(policies, {"bad.rego": "package bad\n\nimport rego.v1\n\nx := \n"}), ())
