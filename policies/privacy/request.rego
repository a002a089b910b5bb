# METADATA
# title: The request, normalised
# description: >-
#   One view of the decision input with the contract's defaults applied (an absent
#   or null optional field takes its default), so that company rules never repeat
#   defaulting. Whether the input is valid at all is privacy.validation's concern.
package privacy.request

import data.privacy.vocabulary

# The decision document. Everything else reads it through this rule, and Rego tests
# replace it (`with data.privacy.request.document as {...}`): regopy aborts when a
# rule that calls a function is evaluated under `with input as`.
document := input

company := document.company

action := _get(document, "action", "disclose")

categories := {c | some c in document.data_categories}

use := document.data_use

recipient := _get(document, "recipient", {})

recipient_kind := recipient.kind

# Names are compared case-insensitively and without surrounding blanks.
recipient_name := lower(trim_space(recipient.name)) if is_string(recipient.name)

recipient_country := recipient.country if is_string(recipient.country)

under_contract := _get(recipient, "under_contract", false)

subject := _get(document, "subject", {})

age := subject.age if is_number(subject.age)

subject_country := subject.country if is_string(subject.country)

subdivision := subject.subdivision if is_string(subject.subdivision)

consents := {c | some c in _get(document, "consents", [])}

opt_outs := {o | some o in _get(document, "opt_outs", [])}

legal_request := document.legal_request if is_object(document.legal_request)

legal_request_verified if legal_request.verified == true

legal_matter := legal_request.matter

identifiability := _get(document, "identifiability", "identifiable")

# The subject asked for this very disclosure (a message sent, a transaction requested).
requested_by_subject if _get(document, "requested_by_subject", false) == true

# --- helpers for company rules -------------------------------------------------

# The subject expressly consented to this use or to a broader one.
consented(data_use) if {
	some c in consents
	vocabulary.covers(c, data_use)
}

opted_out(choice) if choice in opt_outs

# The requested use is one of roots or below one of them.
use_under(roots) if {
	some r in roots
	vocabulary.covers(r, use)
}

# The requested use and some root overlap (for forbidding rules).
use_overlaps(roots) if {
	some r in roots
	vocabulary.overlaps(r, use)
}

# Every requested category sits under one of roots (for permitting rules).
all_categories_under(roots) if {
	every c in categories {
		_under_some(c, roots)
	}
}

# Some requested category overlaps one of roots (for forbidding rules).
any_category_overlaps(roots) if {
	some c in categories
	some r in roots
	vocabulary.overlaps(r, c)
}

# The requested categories that overlap roots, for messages.
categories_overlapping(roots) := {c |
	some c in categories
	some r in roots
	vocabulary.overlaps(r, c)
}

# Age rules: an unknown age is not assumed to be adult where an age rule applies.
younger_than(years) if not _age_known

younger_than(years) if age < years

known_younger_than(years) if age < years

subject_in(countries) if subject_country in countries

recipient_in(countries) if recipient_country in countries

recipient_named(names) if {
	some n in names
	lower(n) == recipient_name
}

# (Spelled out: OPA and regopy disagree on `not age >= years` when age is undefined.)
_age_known if is_number(age)

_under_some(c, roots) if {
	some r in roots
	vocabulary.covers(r, c)
}

_get(obj, key, fallback) := value if {
	value := object.get(obj, key, null)
	value != null
} else := fallback
