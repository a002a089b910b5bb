# METADATA
# title: Input validation
# description: >-
#   Checks the decision input against the contract. Every problem becomes an error
#   naming its field; privacy.decision turns any error into a deny (fail closed),
#   whoever calls the policy. Unknown extra fields are ignored.
package privacy.validation

import data.privacy.dispatch
import data.privacy.request

# The contract's enumerations, shared with the input's JSON Schema (privacy-pdp generate).
kinds := data.privacy.reference.recipient_kinds

actions := data.privacy.reference.actions

identifiability_levels := data.privacy.reference.identifiability

# The most items a list of the input may hold: far beyond any real flow (the vocabularies
# have fewer than 100 keys), and a bound on what one input costs, as regopy pays per item
# (about 0.05 ms for an unknown one): a megabyte of list took seconds of an evaluation thread.
# conforms looks for an item past the limit (`not list[max_list_items]`: count and compare
# cost regopy about 15 us a list); one that is false there is caught by the item checks,
# and the errors count.
max_list_items := data.privacy.reference.max_list_items

# METADATA
# title: The input follows the contract
# description: >-
#   The common case, checked in one rule body: regopy pays per rule, per function call
#   and per reference into data (measured: `make bench`, stage "validation"), so the
#   body reads each list once, checks only the optional fields that are present, and the
#   field-by-field errors below are only worked out when this does not hold.
# custom:
#   clause: privacy.fail_closed
conforms if {
	doc := request.document
	_known_company
	categories := doc.data_categories
	is_array(categories)
	categories != []
	not categories[max_list_items]
	every c in categories { # the list itself: a set built from unchecked values costs rego-cpp n² inserts
		_listed(_category_index, c)
	}
	_listed(_use_index, doc.data_use)
	recipient := doc.recipient
	recipient.kind in kinds

	# Optional fields: only those present are checked (an absent one cost regopy a lookup
	# and a call each; measured 0.13 ms per decision saved).
	every key, value in object.filter(recipient, ["name", "country", "under_contract"]) {
		_recipient_field_conforms(key, value)
	}
	every key, value in object.filter(doc, [
		"action", "subject", "consents", "opt_outs", "legal_request", "identifiability", "requested_by_subject",
	]) {
		_optional_conforms(key, value)
	}
}

# Membership in the taxonomy's long lists by one string search: regopy scans a list element
# by element wherever the value sits (about 0.6 us each: 55 us for the 88 categories), where
# `contains` on the list joined is one builtin call (measured: three categories checked in
# 0.04 ms instead of 0.17). The lists are joined in the taxonomy file itself (`generate`),
# not on every decision; a Rego test holds the two together. No key holds "|".
_category_index := data.privacy.taxonomy.category_index

_use_index := data.privacy.taxonomy.use_index

# x is a string and one of the elements of the list joined in index.
_listed(index, x) if {
	is_string(x)
	not contains(x, "|")
	contains(index, concat("", ["|", x, "|"]))
}

# An optional field conforms when it is null (absent) or valid. A value in a list of
# strings is a string: membership checks the type too.
#
# One function per object, its cases an else-chain in the order of how often a field is
# present: regopy tries every body of a function at each call, and stops at the first
# case of an else-chain that holds (measured: about 0.1 ms a decision less than a body per
# field).
_optional_conforms(key, value) if {
	key == "subject"
	_subject_conforms(value)
} else if {
	key == "consents"
	_listed_all(_use_index, value)
} else if {
	key == "identifiability"
	value in identifiability_levels
} else if {
	key == "opt_outs"
	_opt_outs_conform(value)
} else if {
	key == "action"
	value in actions
} else if {
	key == "requested_by_subject"
	is_boolean(value)
} else if {
	key == "legal_request"
	is_boolean(value.verified)
	value.matter in data.privacy.reference.legal_matters
} else if {
	value == null
}

_recipient_field_conforms(key, value) if {
	key == "name"
	is_string(value)
} else if {
	key == "country"
	_country_code(value)
} else if {
	key == "under_contract"
	is_boolean(value)
} else if {
	value == null
}

_subject_conforms(s) if {
	is_object(s)
	every key, value in object.filter(s, ["age", "country", "subdivision"]) {
		_subject_field_conforms(key, value)
	}
}

_subject_field_conforms(key, value) if {
	key == "age"
	_age(value)
} else if {
	key == "country"
	_country_code(value)
} else if {
	key == "subdivision"
	_subdivision_code(value)
} else if {
	value == null
}

# A list of at most max_list_items strings, each an element of the list joined in index.
_listed_all(index, list) if {
	is_array(list)
	not list[max_list_items]
	every x in list {
		_listed(index, x)
	}
}

_opt_outs_conform(list) if {
	is_array(list)
	not list[max_list_items]
	every x in list {
		x in data.privacy.reference.opt_outs
	}
}

# METADATA
# title: Validation errors
# description: One entry per problem found in the input, each naming the field.
# custom:
#   clause: privacy.fail_closed
errors contains _error("input", "the input must be a JSON object") if not _object_document

_object_document if is_object(request.document)

errors contains _error("company", "company is required") if {
	is_object(request.document)
	not _present(request.document, "company")
}

errors contains _error("company", concat("", ["unknown company ", _shown(request.document.company)])) if {
	_present(request.document, "company")
	not _known_company
}

errors contains _error("action", concat("", ["action must be one of ", concat(", ", actions)])) if {
	_present(request.document, "action")
	not request.document.action in actions
}

errors contains _error("data_categories", "data_categories is required") if {
	is_object(request.document)
	not _present(request.document, "data_categories")
}

errors contains _error("data_categories", "data_categories must be a non-empty array") if {
	_present(request.document, "data_categories")
	not _non_empty_array(request.document.data_categories)
}

errors contains _error(sprintf("data_categories[%d]", [i]), concat("", ["unknown data category ", _shown(c)])) if {
	some n, i in _unknown_categories
	n < _named_items
	c := request.document.data_categories[i]
}

errors contains _error(sprintf("data_categories[%d]", [_unknown_categories[_named_items]]), _more_unknown(count(_unknown_categories), "data categories")) if {
	count(_unknown_categories) > _named_items
}

errors contains _too_long("data_categories") if _over_limit(request.document.data_categories)

_unknown_categories := [i | some i; c := request.document.data_categories[i]; not _category(c)] if {
	_within_limit(request.document.data_categories)
}

errors contains _error("data_use", "data_use is required") if {
	is_object(request.document)
	not _present(request.document, "data_use")
}

errors contains _error("data_use", concat("", ["unknown data use ", _shown(request.document.data_use)])) if {
	_present(request.document, "data_use")
	not _use(request.document.data_use)
}

errors contains _error("recipient", "recipient is required") if {
	is_object(request.document)
	not _present(request.document, "recipient")
}

errors contains _error("recipient", "recipient must be an object") if {
	_present(request.document, "recipient")
	not is_object(request.document.recipient)
}

errors contains _error("recipient.kind", "recipient.kind is required") if {
	is_object(request.document.recipient)
	not _present(request.document.recipient, "kind")
}

errors contains _error("recipient.kind", concat("", ["unknown recipient kind ", _shown(request.document.recipient.kind)])) if {
	_present(request.document.recipient, "kind")
	not request.document.recipient.kind in kinds
}

errors contains _error("recipient.name", "recipient.name must be a string") if {
	_present(request.document.recipient, "name")
	not is_string(request.document.recipient.name)
}

errors contains _error("recipient.country", "recipient.country must be an ISO 3166-1 alpha-2 code") if {
	_present(request.document.recipient, "country")
	not _country_code(request.document.recipient.country)
}

errors contains _error("recipient.under_contract", "recipient.under_contract must be a boolean") if {
	_present(request.document.recipient, "under_contract")
	not is_boolean(request.document.recipient.under_contract)
}

errors contains _error("subject", "subject must be an object") if {
	_present(request.document, "subject")
	not is_object(request.document.subject)
}

errors contains _error("subject.age", "subject.age must be a number of years between 0 and 150") if {
	_present(request.document.subject, "age")
	not _age(request.document.subject.age)
}

errors contains _error("subject.country", "subject.country must be an ISO 3166-1 alpha-2 code") if {
	_present(request.document.subject, "country")
	not _country_code(request.document.subject.country)
}

errors contains _error("subject.subdivision", "subject.subdivision must be an ISO 3166-2 code") if {
	_present(request.document.subject, "subdivision")
	not _subdivision_code(request.document.subject.subdivision)
}

errors contains _error("consents", "consents must be an array") if {
	_present(request.document, "consents")
	not is_array(request.document.consents)
}

errors contains _error(sprintf("consents[%d]", [i]), concat("", ["unknown data use ", _shown(c)])) if {
	some n, i in _unknown_consents
	n < _named_items
	c := request.document.consents[i]
}

errors contains _error(sprintf("consents[%d]", [_unknown_consents[_named_items]]), _more_unknown(count(_unknown_consents), "data uses")) if {
	count(_unknown_consents) > _named_items
}

errors contains _too_long("consents") if _over_limit(request.document.consents)

_unknown_consents := [i | some i; c := request.document.consents[i]; not _use(c)] if _within_limit(request.document.consents)

errors contains _error("opt_outs", "opt_outs must be an array") if {
	_present(request.document, "opt_outs")
	not is_array(request.document.opt_outs)
}

errors contains _error(sprintf("opt_outs[%d]", [i]), concat("", ["unknown opt-out ", _shown(o)])) if {
	some n, i in _unknown_opt_outs
	n < _named_items
	o := request.document.opt_outs[i]
}

errors contains _error(sprintf("opt_outs[%d]", [_unknown_opt_outs[_named_items]]), _more_unknown(count(_unknown_opt_outs), "opt-outs")) if {
	count(_unknown_opt_outs) > _named_items
}

errors contains _too_long("opt_outs") if _over_limit(request.document.opt_outs)

_unknown_opt_outs := [i | some i; o := request.document.opt_outs[i]; not o in data.privacy.reference.opt_outs] if {
	_within_limit(request.document.opt_outs)
}

# A list longer than max_list_items is one error, its items unread.
_too_long(field) := _error(field, concat("", [field, " holds more than ", format_int(max_list_items, 10), " items"]))

_over_limit(list) if {
	is_array(list)
	count(list) > max_list_items
}

_within_limit(list) if {
	is_array(list)
	count(list) <= max_list_items
}

# Of a list's unknown items, the first ten are named with their index and the rest counted in
# one more error, at the eleventh's index: every error is a member of a set, and rego-cpp's
# cost to add one grows with the set, so a list of 4,000 unknown values took a minute to
# refuse. (A field that is a prefix of another, "x" beside "x[1]", sorts differently in
# regopy, which compares strings in their escaped form: hence the index.)
_named_items := 10

_more_unknown(total, what) := concat("", [
	format_int(total, 10), " unknown ", what, " in all; the first ", format_int(_named_items, 10), " are named",
])

errors contains _error("legal_request", "legal_request must be an object or null") if {
	_present(request.document, "legal_request")
	not is_object(request.document.legal_request)
}

errors contains _error("legal_request.verified", "legal_request.verified must be a boolean") if {
	is_object(request.document.legal_request)
	not _verified_flag(request.document.legal_request)
}

errors contains _error(
	"legal_request.matter",
	concat("", ["legal_request.matter must be one of the contract's matters, not ", _shown(object.get(request.document.legal_request, "matter", null))]),
) if {
	is_object(request.document.legal_request)
	not _legal_matter(request.document.legal_request)
}

errors contains _error("identifiability", concat("", ["identifiability must be one of ", concat(", ", identifiability_levels)])) if {
	_present(request.document, "identifiability")
	not request.document.identifiability in identifiability_levels
}

errors contains _error("requested_by_subject", "requested_by_subject must be a boolean") if {
	_present(request.document, "requested_by_subject")
	not is_boolean(request.document.requested_by_subject)
}

_error(field, message) := {"field": field, "message": message}

# A value as a message shows it: strings quoted, anything else by its type only (the
# engines print numbers differently, and a message must not depend on the engine).
_shown(x) := concat("", ["'", x, "'"]) if is_string(x)

else := concat("", ["a value of type ", type_name(x)])

# Spelled out as helpers: regopy and OPA disagree on `not x in coll` when x is undefined.
_verified_flag(lr) if is_boolean(lr.verified)

_legal_matter(lr) if lr.matter in data.privacy.reference.legal_matters

# A field counts as present when it is there and not null: null means "absent".
_present(obj, key) if {
	is_object(obj)
	object.get(obj, key, null) != null
}

# The company is one the dispatch names: every folder privacy/companies/<c>/ with a
# facts/data.json (PolicySet.companies; privacy-pdp generate writes the dispatch from
# them, and every company package has a catch_all). Looking the company up as
# data.privacy.companies[c] instead costs regopy a walk of every company package.
_known_company if dispatch.catch_all

_non_empty_array(x) if {
	is_array(x)
	count(x) > 0
}

# By the joined index, as in conforms: a key looked up in the list is a scan of all of it,
# which made each unknown item of a long list cost regopy about 0.1 ms.
_category(c) if _listed(_category_index, c)

_use(u) if _listed(_use_index, u)

_country_code(c) if {
	is_string(c)
	regex.match(`^[A-Z]{2}$`, c)
}

_subdivision_code(c) if {
	is_string(c)
	regex.match(`^[A-Z]{2}-[A-Z0-9]{1,3}$`, c)
}

_age(a) if {
	is_number(a)
	a >= 0
	a <= 150
}
