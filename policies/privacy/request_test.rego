# METADATA
# title: Request tests
# description: >-
#   The normalised view of the input: defaults for absent or null fields, and the
#   helpers company rules match with.
package privacy.request_test

import data.privacy.request

# A decision input with extra fields; a function, not a rule: tests replace the request
# document with it (see privacy.request).
_req(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.contact.email"],
	"data_use": "marketing.communications.email",
	"recipient": {"kind": "third_party"},
}, extra)

# --- defaults ------------------------------------------------------------------

test_action_defaults_to_disclose if {
	request.action == "disclose" with data.privacy.request.document as _req({})
}

test_a_null_field_reads_as_absent if {
	request.action == "disclose" with data.privacy.request.document as _req({"action": null})
}

test_a_given_action_is_kept if {
	request.action == "sell" with data.privacy.request.document as _req({"action": "sell"})
}

test_identifiability_defaults_to_identifiable if {
	request.identifiability == "identifiable" with data.privacy.request.document as _req({})
}

test_under_contract_defaults_to_false if {
	request.under_contract == false with data.privacy.request.document as _req({})
}

test_no_consents_and_no_opt_outs_by_default if {
	count(request.consents) == 0 with data.privacy.request.document as _req({})
	count(request.opt_outs) == 0 with data.privacy.request.document as _req({})
}

# --- the fields -------------------------------------------------------------------

test_categories_are_a_set if {
	request.categories == {"user.name", "user.contact.email"} with data.privacy.request.document as _req({"data_categories": ["user.name", "user.contact.email", "user.name"]})
}

test_recipient_name_is_trimmed_and_lower_case if {
	request.recipient_name == "mailer ltd" with data.privacy.request.document as _req({"recipient": {"kind": "third_party", "name": "  Mailer LTD "}})
}

test_a_missing_age_is_undefined if {
	not request.age with data.privacy.request.document as _req({"subject": {"country": "DE"}})
}

test_a_legal_request_is_verified_only_when_verified_is_true if {
	request.legal_request_verified with data.privacy.request.document as _req({"legal_request": {"verified": true, "matter": "court_order"}})
	not request.legal_request_verified with data.privacy.request.document as _req({"legal_request": {"verified": false, "matter": "court_order"}})
}

test_requested_by_subject_only_when_true if {
	request.requested_by_subject with data.privacy.request.document as _req({"requested_by_subject": true})
	not request.requested_by_subject with data.privacy.request.document as _req({"requested_by_subject": false})
}

# --- helpers for company rules ----------------------------------------------------

test_consent_to_a_broader_use_counts if {
	request.consented("marketing.communications.email") with data.privacy.request.document as _req({"consents": ["marketing"]})
}

test_consent_to_a_narrower_use_does_not_count if {
	not request.consented("marketing.communications") with data.privacy.request.document as _req({"consents": ["marketing.communications.email"]})
}

test_opted_out_names_the_choice if {
	request.opted_out("sale") with data.privacy.request.document as _req({"opt_outs": ["sale"]})
	not request.opted_out("advertising_id") with data.privacy.request.document as _req({"opt_outs": ["sale"]})
}

test_use_under_matches_the_use_or_a_root_above_it if {
	request.use_under(["marketing"]) with data.privacy.request.document as _req({})
	not request.use_under(["marketing.communications.email.weekly"]) with data.privacy.request.document as _req({})
}

test_use_overlaps_matches_both_ways if {
	request.use_overlaps(["marketing.communications.email.weekly"]) with data.privacy.request.document as _req({})
	request.use_overlaps(["marketing"]) with data.privacy.request.document as _req({})
	not request.use_overlaps(["essential"]) with data.privacy.request.document as _req({})
}

test_all_categories_under_needs_every_category if {
	request.all_categories_under(["user.contact"]) with data.privacy.request.document as _req({"data_categories": ["user.contact.email", "user.contact.phone_number"]})
	not request.all_categories_under(["user.contact"]) with data.privacy.request.document as _req({"data_categories": ["user.contact.email", "user.name"]})
}

test_a_broad_request_overlaps_a_narrow_root if {
	request.any_category_overlaps(["user.financial.credit_card"]) with data.privacy.request.document as _req({"data_categories": ["user.financial"]})
	not request.any_category_overlaps(["user.financial"]) with data.privacy.request.document as _req({"data_categories": ["user.contact"]})
}

test_categories_overlapping_lists_the_matching_ones if {
	found := request.categories_overlapping(["user.contact"]) with data.privacy.request.document as _req({"data_categories": ["user.contact.email", "user.name", "user"]})
	found == {"user.contact.email", "user"}
}

test_an_unknown_age_is_younger_than_any_threshold if {
	request.younger_than(18) with data.privacy.request.document as _req({})
	request.younger_than(18) with data.privacy.request.document as _req({"subject": {"age": null}})
}

test_a_known_age_is_compared if {
	request.younger_than(18) with data.privacy.request.document as _req({"subject": {"age": 17}})
	not request.younger_than(18) with data.privacy.request.document as _req({"subject": {"age": 18}})
}

test_known_younger_than_needs_a_known_age if {
	not request.known_younger_than(18) with data.privacy.request.document as _req({})
	request.known_younger_than(18) with data.privacy.request.document as _req({"subject": {"age": 12}})
}

test_subject_and_recipient_countries if {
	request.subject_in({"DE", "FR"}) with data.privacy.request.document as _req({"subject": {"country": "DE"}})
	not request.recipient_in({"DE"}) with data.privacy.request.document as _req({"subject": {"country": "DE"}})
	request.recipient_in({"US"}) with data.privacy.request.document as _req({"recipient": {"kind": "third_party", "country": "US"}})
}

test_recipient_named_ignores_case_and_blanks if {
	request.recipient_named(["Mailer Ltd"]) with data.privacy.request.document as _req({"recipient": {"kind": "third_party", "name": " MAILER LTD"}})
	not request.recipient_named(["Other Ltd"]) with data.privacy.request.document as _req({"recipient": {"kind": "third_party", "name": "Mailer Ltd"}})
}
