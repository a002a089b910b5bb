# METADATA
# title: Privacy decision
# description: >-
#   May this company's user data go to this recipient for this use? Validates the
#   input (fail closed), asks the company's package, and combines its answers:
#   deny overrides, default deny, every reason citing a catalogued clause.
package privacy

import data.privacy.dispatch
import data.privacy.request
import data.privacy.validation

# Only these four rules of the company's package are read (see privacy.dispatch).
_forbids := dispatch.forbids

_permits := dispatch.permits

_obligations := dispatch.obligations

_catch_all := dispatch.catch_all

# METADATA
# title: Decision
# description: >-
#   The decision document of the contract: allow, reasons, obligations. An invalid
#   input is a deny with invalid_input reasons; any forbidding clause denies; an
#   allow needs a permitting clause; otherwise the company's catch-all denies.
# entrypoint: true
# custom:
#   clause: privacy.fail_closed
decision := {"allow": false, "reasons": _invalid_reasons, "obligations": []} if {
	not validation.conforms
} else := {"allow": false, "reasons": _forbidding, "obligations": []} if {
	count(_forbids) > 0
} else := {
	"allow": true,
	"reasons": _permitting,
	"obligations": _obligation_list,
} if {
	count(_permits) > 0
} else := {"allow": false, "reasons": [object.union(_catch_all, {"effect": "deny"})], "obligations": []}

# The whole catalogue: clause id -> entry, merged from every company's file.
clauses[id] := entry if {
	some entries in data.privacy.catalogue
	some id, entry in entries
}

_invalid_reasons := [object.union(_error_index[k], {"effect": "deny", "code": "invalid_input", "clause": "privacy.fail_closed"}) |
	some k in sort(object.keys(_error_index))
]

# The field-by-field errors; should they ever miss what `conforms` caught, the deny
# still carries a reason.
_errors := validation.errors if count(validation.errors) > 0

else := {{"field": "input", "message": "the input does not follow the decision contract"}}

# Reasons carry their effect. (Built inline: regopy loses a function argument used
# inside a comprehension's object literal.)
_forbidding := [object.union(_forbid_index[k], {"effect": "deny"}) | some k in sort(object.keys(_forbid_index))]

_permitting := [object.union(_permit_index[k], {"effect": "allow"}) | some k in sort(object.keys(_permit_index))]

_obligation_list := [_obligation_index[k] | some k in sort(object.keys(_obligation_index))]

# Lists are ordered by a string key, clause first: regopy and OPA order a set of objects
# differently when the objects have different keys, and answers must not depend on the engine.
_forbid_index := {_sort_key(r): r | some r in _forbids}

_permit_index := {_sort_key(r): r | some r in _permits}

_obligation_index := {_sort_key(o): o | some o in _obligations}

# Errors in the order of their field, then message (json.marshal keeps "a" before "a[0]").
_error_index := {json.marshal([e.field, e.message]): e | some e in _errors}

_sort_key(item) := concat("|", [item.clause, item.code, json.marshal(item)])
