# METADATA
# title: Decision-log masking and dropping
# description: >-
#   What this service writes about a decision in its decision log, in OPA's form
#   (decision_logs mask_decision / drop_decision). The input of both rules is the
#   decision-log event (decision_id, path, input, result, ...), not the decision input.
#   The log keeps what an auditor needs to replay a decision (every field of the decision
#   contract) and nothing a client added beside it; a recipient who is a natural person is
#   logged without a name. Masking changes the logged event, never the answer.
package system.log

import rego.v1

# The fields of the decision contract (policies/schema/decision-input.schema.json; a
# Python test holds the two together). Values under any other key are erased. Lists, not
# sets: the package is queried whole for every new decision, and regopy builds a set
# literal at a cost (measured: the whole query 0.35 ms instead of 0.40).
contract_fields := [
	"company", "action", "data_categories", "data_use", "recipient", "subject",
	"consents", "opt_outs", "legal_request", "identifiability", "requested_by_subject",
]

nested_fields := {
	"recipient": ["kind", "name", "country", "under_contract"],
	"subject": ["age", "country", "subdivision"],
	"legal_request": ["verified", "matter"],
}

# The same fields as json.filter paths, spelled out (a comprehension would be rebuilt on
# every query); a Rego test holds them to contract_fields and nested_fields.
contract_paths := [
	"company", "action", "data_categories", "data_use", "consents", "opt_outs", "identifiability",
	"requested_by_subject", "recipient/kind", "recipient/name", "recipient/country",
	"recipient/under_contract", "subject/age", "subject/country", "subject/subdivision",
	"legal_request/verified", "legal_request/matter",
]

# METADATA
# title: Erase what a decision does not use
# description: >-
#   JSON pointers the decision log erases: input fields outside the decision contract
#   (a client may send user ids or e-mail addresses beside the contract's fields; no rule
#   reads them, so the log need not keep them), and the recipient's name when the
#   recipient is another user (a person's name is personal data; a company's name stays,
#   the audit needs it).
#   Reads the event's input alone (input.input), so that the service can cache the mask of
#   a repeated decision: the mask of an event depends on nothing else.
mask := set() if {
	# The common case, cheaply (one builtin call instead of the walk below): the input
	# holds only the contract's fields and the recipient is not a person.
	json.filter(input.input, contract_paths) == input.input
	input.input.recipient.kind != "other_users"
} else := erasures(input.input) if {
	_few_outside(input.input)
} else := {{"op": "upsert", "path": "/input", "value": _contract_view(input.input)}}

# A pointer per field outside the contract, up to this many in the input or in one of its
# parts; beyond, the input is logged as its contract view instead (one rule, the same
# fields kept): a mask is a set, and rego-cpp's cost to add a member grows with the set, so
# 4,000 extra fields took 5 s to mask.
max_pointers := 100

_few_outside(doc) if not is_object(doc)

_few_outside(doc) if {
	is_object(doc)
	count(object.remove(doc, contract_fields)) <= max_pointers
	every part, fields in nested_fields {
		_few_in(object.get(doc, part, null), fields)
	}
}

_few_in(value, _) if not is_object(value)

_few_in(value, fields) if {
	is_object(value)
	count(object.remove(value, fields)) <= max_pointers
}

# The input's contract fields, without a person recipient's name.
_contract_view(doc) := json.filter(doc, contract_paths) if not _person_recipient(doc)

_contract_view(doc) := json.filter(doc, [p | some p in contract_paths; p != "recipient/name"]) if _person_recipient(doc)

_person_recipient(doc) if doc.recipient.kind == "other_users"

# An event without an input has nothing to erase.
default mask := set()

# METADATA
# title: Drop no decision
# description: >-
#   Every decision is logged: an audit trail with gaps cannot show that a flow was never
#   decided. Add a rule here (drop if { ... } on the event) to drop events, as in OPA.
default drop := false

# The pointers to erase for one decision input. A key holding "/" or "%" is written
# percent-encoded, so that the pointer names that key and nothing else.
erasures(doc) := (outside | nested_outside) | person_names if {
	# object.remove leaves what is outside the contract: one builtin call where a walk
	# over every key cost regopy a statement per key (usually nothing is left)
	outside := {_pointer([key]) |
		is_object(doc)
		some key in object.keys(object.remove(doc, contract_fields))
	}
	nested_outside := {_pointer([part, key]) |
		is_object(doc)
		some part in object.keys(nested_fields) # regopy: no `some k, v in` in a comprehension
		is_object(doc[part])
		some key in object.keys(object.remove(doc[part], nested_fields[part]))
	}
	person_names := {_pointer(["recipient", "name"]) |
		is_object(doc)
		is_object(doc.recipient)
		doc.recipient.kind == "other_users"
		"name" in object.keys(doc.recipient)
	}
}

_pointer(keys) := concat("/", array.concat(["", "input"], [_segment(k) | some k in keys]))

_segment(key) := replace(replace(key, "%", "%25"), "/", "%2F")
