package system.log_test

import data.system.log
import rego.v1

# Each test evaluates a rule on an event `with input as`: the runner runs these under OPA
# (regopy cannot evaluate rules that call functions under `with input as`). A test without
# `with` would make the runner build every test module in regopy at once, which does not
# finish. tests/decision_log/test_policy_mask.py holds regopy to OPA on these rules.
_event(document) := {
	"decision_id": "4ca636c1-55e4-417a-b1d8-4aceb67960d1",
	"path": "privacy/decision",
	"input": document,
	"result": {"allow": false, "reasons": [], "obligations": []},
}

_contract := {
	"company": "callsapp",
	"action": "disclose",
	"data_categories": ["user.device.advertising_id"],
	"data_use": "marketing.advertising.third_party.targeted",
	"recipient": {"kind": "advertising_partner", "name": "AdCo Ltd", "country": "US", "under_contract": true},
	"subject": {"age": 34, "country": "DE", "subdivision": null},
	"consents": ["marketing.advertising"],
	"opt_outs": [],
	"legal_request": {"verified": true, "matter": "court_order"},
	"identifiability": "pseudonymous",
	"requested_by_subject": false,
}

test_contract_fields_are_kept if {
	log.mask == set() with input as _event(_contract)
}

test_field_outside_the_contract_is_erased if {
	log.mask == {"/input/user_email"} with input as _event(object.union(_contract, {"user_email": "ann@example.com"}))
}

test_nested_field_outside_the_contract_is_erased if {
	document := object.union(_contract, {
		"recipient": {"kind": "service_provider", "phone": "+1 555 0100"},
		"subject": {"age": 40, "ssn": "078-05-1120"},
		"legal_request": {"matter": "court_order", "officer": "J. Smith"},
	})
	log.mask == {"/input/recipient/phone", "/input/subject/ssn", "/input/legal_request/officer"} with input as _event(document)
}

test_name_of_a_person_recipient_is_erased if {
	document := object.union(_contract, {"recipient": {"kind": "other_users", "name": "Ann Example"}})
	log.mask == {"/input/recipient/name"} with input as _event(document)
}

test_name_of_a_company_recipient_is_kept if {
	document := object.union(_contract, {"recipient": {"kind": "service_provider", "name": "Cloud Ltd"}})
	log.mask == set() with input as _event(document)
}

test_key_with_slash_or_percent_is_encoded if {
	log.mask == {"/input/a%2Fb", "/input/50%25"} with input as _event({"company": "kallu", "a/b": 1, "50%": 2})
}

test_event_without_an_object_input_erases_nothing if {
	log.mask == set() with input as _event("a string")
	log.mask == set() with input as {"decision_id": "x", "path": "privacy/clauses"}
}

test_result_is_never_erased if {
	erased := log.mask with input as _event(object.union(_contract, {"extra": true}))
	count(erased) == 1
	every pointer in erased {
		startswith(pointer, "/input/")
	}
}

test_nothing_is_dropped_by_default if {
	log.drop == false with input as _event(object.union(_contract, {"recipient": {"kind": "other_users", "name": "Ann"}}))
}

# The cheap common case must not keep what the walk erases: a key spelled like a nested
# path, a person recipient without a name, an extra key beside the contract's nested ones.
test_a_key_spelled_like_a_nested_path_is_erased if {
	log.mask == {"/input/recipient%2Fkind"} with input as _event(object.union(_contract, {"recipient/kind": "public"}))
}

test_a_person_recipient_without_a_name_erases_nothing if {
	# object.union merges nested objects: the recipient is replaced whole
	document := object.union(object.remove(_contract, ["recipient"]), {"recipient": {"kind": "other_users", "country": "DE"}})
	log.mask == set() with input as _event(document)
}

test_a_non_object_part_erases_nothing_below_it if {
	log.mask == set() with input as _event(object.union(_contract, {"subject": [1, 2], "legal_request": null}))
}

test_contract_paths_are_the_contract_fields if {
	top := {f | some f in log.contract_fields; not f in object.keys(log.nested_fields)}
	nested := {concat("/", [part, f]) | some part in object.keys(log.nested_fields); some f in log.nested_fields[part]}
	{p | some p in log.contract_paths} == top | nested
}

test_many_fields_outside_the_contract_log_the_contract_view_instead if {
	extra := {sprintf("x%d", [i]): i | some i in numbers.range(1, 101)}
	m := log.mask with input as _event(object.union(_contract, extra))
	m == {{"op": "upsert", "path": "/input", "value": _contract}}
}

test_many_nested_fields_outside_the_contract_log_the_contract_view_without_a_persons_name if {
	extra := {sprintf("x%d", [i]): i | some i in numbers.range(1, 101)}
	others := object.remove(_contract, ["recipient"])
	doc := object.union(others, {"recipient": object.union({"kind": "other_users", "name": "Ann"}, extra)})
	m := log.mask with input as _event(doc)
	m == {{"op": "upsert", "path": "/input", "value": object.union(others, {"recipient": {"kind": "other_users"}})}}
}

test_up_to_the_limit_each_outside_field_is_erased_by_name if {
	extra := {sprintf("x%d", [i]): i | some i in numbers.range(1, 100)}
	m := log.mask with input as _event(object.union(_contract, extra))
	count(m) == 100
	"/input/x100" in m
}
