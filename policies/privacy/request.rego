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

# Key matching: a key is under a root exactly when the root is in the key's lineage (the
# key and its ancestors at the dots), and a root is under the key exactly when the root
# starts with the key and a dot. The lineages of the requested keys are worked out once
# per decision, and kept as sets too.
#
# Most rules do not match, so each walk is guarded by one builtin call that any match
# passes: a key under (or equal to) a root, followed by a dot, starts with the root. The
# guard alone would also pass a root that ends inside a segment (user.device.cookie for
# user.device.cookie_id); the walk after it decides, looking each root up in a lineage's
# set (a lookup is a plain statement to regopy, where `key in roots` was a builtin call per
# key: each builtin call copies regopy's whole evaluation state; about 0.1 ms a decision).
_lineage(key) := array.concat([substring(key, 0, i) | some i in indexof_n(key, ".")], [key])

_use_lineage := _lineage(use)

_use_dotted := concat("", [use, "."])

_use_ancestry := {key | some key in _use_lineage}

_category_lineages := [_lineage(c) | some c in categories]

_category_ancestries := [{key | some key in lineage} | some lineage in _category_lineages]

_category_ancestry := {key | some lineage in _category_lineages; some key in lineage}

_category_dotted := [concat("", [c, "."]) | some c in categories]

# The subject expressly consented to this use or to a broader one.
consented(data_use) if {
	some key in _lineage_of(data_use)
	consents[key] == key # a lookup: `key in consents` is a builtin call
}

# The requested use's lineage is worked out once per decision; any other key's when asked.
_lineage_of(key) := _use_lineage if key == use

else := _lineage(key)

opted_out(choice) if opt_outs[choice] == choice

# The requested use is one of roots or below one of them.
use_under(roots) if {
	strings.any_prefix_match(_use_dotted, roots)
	some root in roots
	_use_ancestry[root] == root
}

# The requested use and some root overlap (for forbidding rules).
use_overlaps(roots) if use_under(roots)

use_overlaps(roots) if strings.any_prefix_match(roots, _use_dotted)

# Every requested category sits under one of roots (for permitting rules).
all_categories_under(roots) if {
	strings.any_prefix_match(_category_dotted, roots)
	count(_category_lineages) == count(categories) # a category that is no string sits under nothing
	every ancestry in _category_ancestries {
		some root in roots
		ancestry[root] == root
	}
}

# Some requested category overlaps one of roots (for forbidding rules).
any_category_overlaps(roots) if {
	strings.any_prefix_match(_category_dotted, roots)
	some root in roots
	_category_ancestry[root] == root
}

any_category_overlaps(roots) if strings.any_prefix_match(roots, _category_dotted)

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

# obj[key] when it is there and not null, else fallback. Without builtins: `==` and a
# lookup are plain statements to regopy, while object.get and `!=` are builtin calls, and
# each builtin call copies the evaluation's frame (a slot per local variable of the whole
# bundle: about 7 us a call in this one).
_get(obj, key, fallback) := fallback if {
	obj[key] == null
} else := value if {
	value := obj[key]
} else := fallback
