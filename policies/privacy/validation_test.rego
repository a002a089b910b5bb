# METADATA
# title: Validation tests
# description: >-
#   Every breach of the decision contract is an error naming its field; a valid input
#   conforms; absent and null optional fields, and unknown extra fields, are accepted.
package privacy.validation_test

import data.privacy.validation

# A valid input with changes, merged (object.union: an object given for an object field
# is merged into it, anything else replaces it; null means "absent").
_req(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.contact.email"],
	"data_use": "marketing.communications.email",
	"recipient": {"kind": "third_party"},
}, extra)

_fields(errors) := {e.field | some e in errors}

test_a_valid_input_conforms if {
	validation.conforms with data.privacy.request.document as _req({})
	count(validation.errors) == 0 with data.privacy.request.document as _req({})
}

test_every_optional_field_given_conforms if {
	validation.conforms with data.privacy.request.document as _req({
		"action": "sell",
		"recipient": {"kind": "advertising_partner", "name": "AdCo", "country": "IE", "under_contract": true},
		"subject": {"age": 30.5, "country": "US", "subdivision": "US-CA"},
		"consents": ["marketing"],
		"opt_outs": ["sale"],
		"legal_request": {"verified": true, "matter": "court_order"},
		"identifiability": "pseudonymous",
		"requested_by_subject": false,
	})
}

test_null_optional_fields_conform if {
	validation.conforms with data.privacy.request.document as _req({
		"action": null, "subject": null, "consents": null, "opt_outs": null,
		"legal_request": null, "identifiability": null, "requested_by_subject": null,
	})
}

test_unknown_extra_fields_are_ignored if {
	validation.conforms with data.privacy.request.document as _req({"x_extra": {"a": [1]}, "recipient": {"kind": "public", "x_dept": 1}})
}

test_an_input_that_is_not_an_object_is_one_error if {
	errors := validation.errors with data.privacy.request.document as ["not", "an", "object"]
	_fields(errors) == {"input"}
}

test_missing_required_fields_are_each_named if {
	errors := validation.errors with data.privacy.request.document as {"subject": {"age": 30}}
	_fields(errors) == {"company", "data_categories", "data_use", "recipient"}
}

test_an_unknown_company_is_named if {
	errors := validation.errors with data.privacy.request.document as _req({"company": "no such company"})
	[e] := [e | some e in errors]
	e == {"field": "company", "message": "unknown company 'no such company'"}
}

test_a_value_of_the_wrong_type_is_shown_by_its_type if {
	errors := validation.errors with data.privacy.request.document as _req({"company": 7})
	{"field": "company", "message": "unknown company a value of type number"} in errors
}

test_an_unknown_action_lists_the_contract_actions if {
	errors := validation.errors with data.privacy.request.document as _req({"action": "rent"})
	{"field": "action", "message": "action must be one of disclose, sell"} in errors
}

test_empty_categories_are_an_error if {
	errors := validation.errors with data.privacy.request.document as _req({"data_categories": []})
	_fields(errors) == {"data_categories"}
}

test_an_unknown_category_is_named_by_its_index if {
	errors := validation.errors with data.privacy.request.document as _req({"data_categories": ["user.name", "user.nope"]})
	_fields(errors) == {"data_categories[1]"}
}

test_an_unknown_use_is_an_error if {
	errors := validation.errors with data.privacy.request.document as _req({"data_use": "user.name"})
	_fields(errors) == {"data_use"}
}

test_recipient_must_be_an_object_with_a_known_kind if {
	_fields(validation.errors) == {"recipient"} with data.privacy.request.document as _req({"recipient": "Mailer"})
	_fields(validation.errors) == {"recipient.kind"} with data.privacy.request.document as _req({"recipient": {"kind": "friend"}})
	_fields(validation.errors) == {"recipient.kind"} with data.privacy.request.document as object.union(object.remove(_req({}), ["recipient"]), {"recipient": {"name": "x"}})
}

test_recipient_fields_have_their_types if {
	errors := validation.errors with data.privacy.request.document as _req({"recipient": {"kind": "public", "name": 1, "country": "Germany", "under_contract": "yes"}})
	_fields(errors) == {"recipient.name", "recipient.country", "recipient.under_contract"}
}

test_an_age_outside_0_to_150_is_an_error if {
	_fields(validation.errors) == {"subject.age"} with data.privacy.request.document as _req({"subject": {"age": 151}})
	_fields(validation.errors) == {"subject.age"} with data.privacy.request.document as _req({"subject": {"age": -1}})
	_fields(validation.errors) == {"subject.age"} with data.privacy.request.document as _req({"subject": {"age": "30"}})
	validation.conforms with data.privacy.request.document as _req({"subject": {"age": 150}})
}

test_subject_codes_are_iso_shaped if {
	errors := validation.errors with data.privacy.request.document as _req({"subject": {"country": "de", "subdivision": "California"}})
	_fields(errors) == {"subject.country", "subject.subdivision"}
}

test_subject_must_be_an_object if {
	_fields(validation.errors) == {"subject"} with data.privacy.request.document as _req({"subject": 30})
}

test_consents_must_be_known_uses if {
	_fields(validation.errors) == {"consents"} with data.privacy.request.document as _req({"consents": "marketing"})
	_fields(validation.errors) == {"consents[1]"} with data.privacy.request.document as _req({"consents": ["marketing", "everything"]})
}

test_opt_outs_must_be_known if {
	_fields(validation.errors) == {"opt_outs"} with data.privacy.request.document as _req({"opt_outs": "sale"})
	_fields(validation.errors) == {"opt_outs[0]"} with data.privacy.request.document as _req({"opt_outs": ["all"]})
}

test_a_legal_request_needs_a_verified_flag_and_a_known_matter if {
	_fields(validation.errors) == {"legal_request"} with data.privacy.request.document as _req({"legal_request": "court"})
	_fields(validation.errors) == {"legal_request.verified"} with data.privacy.request.document as _req({"legal_request": {"matter": "court_order"}})
	_fields(validation.errors) == {"legal_request.matter"} with data.privacy.request.document as _req({"legal_request": {"verified": true, "matter": "curiosity"}})
}

test_an_unknown_identifiability_lists_the_contract_levels if {
	errors := validation.errors with data.privacy.request.document as _req({"identifiability": "anonymous"})
	{"field": "identifiability", "message": "identifiability must be one of identifiable, pseudonymous, aggregated"} in errors
}

test_requested_by_subject_must_be_a_boolean if {
	_fields(validation.errors) == {"requested_by_subject"} with data.privacy.request.document as _req({"requested_by_subject": "yes"})
}

test_an_invalid_input_does_not_conform if {
	not validation.conforms with data.privacy.request.document as _req({"data_use": "nope"})
}

test_no_taxonomy_key_holds_the_index_separator if {
	every key in array.concat(data.privacy.taxonomy.data_categories, data.privacy.taxonomy.data_uses) {
		not contains(key, "|")
	}
}

test_the_taxonomy_indexes_join_its_lists if {
	data.privacy.taxonomy.category_index == concat("|", ["", concat("|", data.privacy.taxonomy.data_categories), ""])
	data.privacy.taxonomy.use_index == concat("|", ["", concat("|", data.privacy.taxonomy.data_uses), ""])
}

test_two_keys_joined_or_part_of_a_key_are_not_a_category if {
	not validation.conforms with data.privacy.request.document as _req({"data_categories": ["user.name|user.contact.email"]})
	not validation.conforms with data.privacy.request.document as _req({"data_categories": ["contact.email"]})
	not validation.conforms with data.privacy.request.document as _req({"data_categories": ["user.contact.emai"]})
	not validation.conforms with data.privacy.request.document as _req({"data_categories": [""]})
}

test_two_uses_joined_are_not_a_use if {
	not validation.conforms with data.privacy.request.document as _req({"data_use": "essential|marketing"})
	not validation.conforms with data.privacy.request.document as _req({"consents": ["essential|marketing"]})
	not validation.conforms with data.privacy.request.document as _req({"consents": [3]})
}

test_lists_that_repeat_keys_conform_and_one_unknown_among_them_does_not if {
	validation.conforms with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email", "user.name", "user.name"],
		"consents": ["marketing", "marketing", "essential"],
		"opt_outs": ["sale", "sale"],
	})
	not validation.conforms with data.privacy.request.document as _req({"data_categories": ["user.name", "user.name", "user.nope", "user.name"]})
	not validation.conforms with data.privacy.request.document as _req({"consents": ["marketing", "marketing", 7]})
	not validation.conforms with data.privacy.request.document as _req({"opt_outs": ["sale", "sale", "nope"]})
}

test_the_first_ten_unknown_items_are_named_and_the_rest_counted if {
	bad := [sprintf("user.bogus%d", [n]) | some n in numbers.range(1, 12)]
	errors := validation.errors with data.privacy.request.document as _req({"data_categories": array.concat(["user.name"], bad)})
	_fields(errors) == {sprintf("data_categories[%d]", [i]) | some i in numbers.range(1, 11)}
	{"field": "data_categories[11]", "message": "12 unknown data categories in all; the first 10 are named"} in errors
}

test_past_ten_unknown_consents_or_opt_outs_the_rest_are_counted if {
	bad := [sprintf("bogus%d", [n]) | some n in numbers.range(1, 12)]
	consents := validation.errors with data.privacy.request.document as _req({"consents": bad})
	{"field": "consents[10]", "message": "12 unknown data uses in all; the first 10 are named"} in consents
	opt_outs := validation.errors with data.privacy.request.document as _req({"opt_outs": bad})
	{"field": "opt_outs[10]", "message": "12 unknown opt-outs in all; the first 10 are named"} in opt_outs
}

test_an_unknown_item_far_down_a_long_list_is_named_with_its_index if {
	items := array.concat([k | some _ in numbers.range(1, 120); some k in ["user.name", "user.contact.email"]], ["nope"])
	errors := validation.errors with data.privacy.request.document as _req({"consents": ["marketing"], "data_categories": items})
	_fields(errors) == {"data_categories[240]"}
}

test_lists_of_the_most_items_allowed_conform if {
	most := validation.max_list_items
	validation.conforms with data.privacy.request.document as _req({
		"data_categories": [k | some _ in numbers.range(1, most); k := "user.name"],
		"consents": [k | some _ in numbers.range(1, most); k := "marketing"],
		"opt_outs": [k | some _ in numbers.range(1, most); k := "sale"],
	})
}

test_a_list_one_item_too_long_is_one_error_naming_the_limit if {
	n := validation.max_list_items + 1
	categories := _req({"data_categories": [x | some _ in numbers.range(1, n); x := "user.name"]})
	consents := _req({"consents": [x | some _ in numbers.range(1, n); x := "marketing"]})
	opt_outs := _req({"opt_outs": [x | some _ in numbers.range(1, n); x := "sale"]})
	not validation.conforms with data.privacy.request.document as categories
	not validation.conforms with data.privacy.request.document as consents
	not validation.conforms with data.privacy.request.document as opt_outs
	validation.errors == {_too_long("data_categories")} with data.privacy.request.document as categories
	validation.errors == {_too_long("consents")} with data.privacy.request.document as consents
	validation.errors == {_too_long("opt_outs")} with data.privacy.request.document as opt_outs
}

_too_long(field) := {"field": field, "message": sprintf("%s holds more than %d items", [field, validation.max_list_items])}

test_a_list_too_long_whose_item_past_the_limit_is_false_is_too_long if {
	doc := _req({"consents": array.concat([x | some _ in numbers.range(1, validation.max_list_items); x := "marketing"], [false])})
	not validation.conforms with data.privacy.request.document as doc
	validation.errors == {_too_long("consents")} with data.privacy.request.document as doc
}

test_the_items_of_a_list_too_long_are_not_read if {
	unknown := [sprintf("user.bogus%d", [n]) | some n in numbers.range(1, validation.max_list_items + 1)]
	errors := validation.errors with data.privacy.request.document as _req({"data_categories": unknown})
	_fields(errors) == {"data_categories"}
}
