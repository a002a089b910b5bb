package privacy.companies.callbridge_test

import data.privacy
import data.privacy.testing

# Tests replace the request document (see privacy.request) with inputs built by a
# function (_req and the helpers below): regopy aborts on `with ... as <rule>`.
# object.union merges nested objects in OPA but replaces them in regopy: an override
# of a nested object names every key it changes (an unknown age is "age": null).
_req(extra) := object.union({
	"company": "callbridge",
	"data_categories": ["user.contact.email"],
	"data_use": "essential.service",
	"recipient": {"kind": "first_party"},
	"subject": {"age": 30, "country": "US"},
}, extra)

# Requests used by several tests.
_opt_out_of(d, choice) if {
	some o in d.obligations
	o.code == "honour_opt_out"
	o.clause == "callbridge.marketing.email"
	o.opt_out == choice
}

_third_party(extra) := _req(object.union({"recipient": {"kind": "third_party", "name": "Partner Co"}}, extra))

_processor(recipient, extra) := _req(object.union({"recipient": object.union({"kind": "service_provider"}, recipient)}, extra))

_ad_network(extra) := _req(object.union({
	"data_categories": ["user.unique_id.pseudonymous", "user.behavior.browsing_history"],
	"data_use": "marketing.advertising.first_party.targeted",
	"recipient": {"kind": "advertising_partner", "name": "AdNet Inc", "country": "US"},
	"identifiability": "pseudonymous",
}, extra))

_web_ads(extra) := _req(object.union({
	"data_categories": ["user.device.cookie_id", "user.device.ip_address"],
	"data_use": "marketing.advertising.third_party.targeted",
	"recipient": {"kind": "advertising_partner", "name": "AdCo Ltd", "country": "US"},
	"identifiability": "pseudonymous",
}, extra))

_authority(extra) := _req(object.union({
	"data_categories": ["user.behavior.call_detail_records"],
	"data_use": "third_party_sharing.legal_obligation",
	"recipient": {"kind": "law_enforcement", "name": "FBI", "country": "US"},
	"legal_request": {"verified": true, "matter": "national_security"},
}, extra))

# ---------------------------------------------------------------- express consent

# clause: callbridge.disclosure.express_consent
test_third_party_without_express_consent_is_denied_by_catch_all if {
	d := privacy.decision with data.privacy.request.document as _third_party({})
	testing.catch_all_only(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_third_party_with_express_consent_to_the_use_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _third_party({"consents": ["essential.service"]})
	testing.allowed_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_consent_to_another_use_does_not_permit_third_party if {
	d := privacy.decision with data.privacy.request.document as _third_party({"consents": ["analytics"]})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_acquirer_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "acquirer", "name": "BuyCo"}})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_acquirer_with_express_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"recipient": {"kind": "acquirer", "name": "BuyCo"},
		"consents": ["essential"],
	})
	testing.allowed_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_return_address_to_other_users_is_allowed_by_implied_consent if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email"],
		"recipient": {"kind": "other_users"},
	})
	testing.allowed_by(d, "callbridge.disclosure.express_consent")
	some r in d.reasons
	r.code == "implied_consent"
}

# clause: callbridge.disclosure.express_consent
test_location_to_other_users_is_not_implied_and_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.location.precise"],
		"recipient": {"kind": "other_users"},
	})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_express_consent_rule_does_not_apply_to_first_party if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_cited(d, "callbridge.disclosure.express_consent")
}

# Issue 8 finding 5: L97 "Kurseni për çdo zbulim të lejuar ... në këtë seksion" exempts
# the L104 and L106 grounds from express approval.
# clause: callbridge.disclosure.service_providers
test_business_partner_for_a_transaction_the_user_asked_for_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_categories": ["user.name", "user.contact.email", "user.contact.phone_number"],
		"requested_by_subject": true,
	})
	testing.allowed_by(d, "callbridge.disclosure.service_providers")
	some r in d.reasons
	r.code == "requested_transaction"
}

# clause: callbridge.disclosure.service_providers
test_business_partner_without_request_or_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _third_party({"requested_by_subject": false})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.disclosure.service_providers")
}

# clause: callbridge.disclosure.service_providers
test_requested_transaction_does_not_open_the_partners_marketing if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_use": "marketing.communications.email",
		"requested_by_subject": true,
	})
	testing.denied_by(d, "callbridge.shine_the_light")
}

# clause: callbridge.disclosure.service_providers
test_requested_transaction_does_not_carry_card_numbers if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_categories": ["user.financial.credit_card"],
		"data_use": "essential.service.payment_processing",
		"requested_by_subject": true,
	})
	testing.denied_by(d, "callbridge.payment.card")
}

# clause: callbridge.disclosure.express_consent
test_email_the_user_asks_to_send_reaches_its_addressee if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email", "user.contact.phone_number"],
		"recipient": {"kind": "other_users"},
		"requested_by_subject": true,
	})
	testing.allowed_by(d, "callbridge.disclosure.express_consent")
	some r in d.reasons
	r.code == "implied_by_request"
}

# L104: use of the service implies consent to disclose the return address only; what the
# user sends goes out by the nature of the request.
# clause: callbridge.disclosure.express_consent
test_content_to_other_users_without_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"recipient": {"kind": "other_users"},
	})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_content_the_user_sends_to_other_users_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"recipient": {"kind": "other_users"},
		"requested_by_subject": true,
	})
	testing.allowed_by(d, "callbridge.disclosure.express_consent")
	some r in d.reasons
	r.code == "implied_by_request"
}

# L97 with L112: a third-party processor the user expressly approved may serve a use the
# matrix does not list.
# clause: callbridge.disclosure.express_consent
test_processor_with_express_approval_for_an_unlisted_use_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US", "under_contract": true}, {
		"data_categories": ["user.device.ip_address"],
		"data_use": "essential.fraud_detection",
		"consents": ["essential.fraud_detection"],
	})
	testing.allowed_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_processor_for_an_unlisted_use_without_approval_is_denied if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US", "under_contract": true}, {
		"data_categories": ["user.device.ip_address"],
		"data_use": "essential.fraud_detection",
	})
	testing.catch_all_only(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_phone_number_to_other_users_without_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.phone_number"],
		"recipient": {"kind": "other_users"},
	})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.disclosure.express_consent
test_request_does_not_open_an_acquirer if {
	d := privacy.decision with data.privacy.request.document as _req({
		"recipient": {"kind": "acquirer", "name": "BuyCo"},
		"requested_by_subject": true,
	})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.disclosure.service_providers")
}

# ---------------------------------------------------------------- business customers

# Issue 8 finding 11: L83, a business customer's access follows its service agreement.
# clause: callbridge.role
test_business_customer_gets_its_users_data_for_the_service if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.behavior.call_detail_records"],
		"recipient": {"kind": "business_customer", "name": "Employer Inc"},
	})
	testing.allowed_by(d, "callbridge.role")
	testing.obliged(d, "service_agreement_terms", "callbridge.role")
}

# clause: callbridge.role
test_business_customer_own_marketing_needs_opt_in if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"recipient": {"kind": "business_customer"},
	})
	testing.denied_by(d, "callbridge.shine_the_light")
	testing.not_cited(d, "callbridge.role")
}

# clause: callbridge.role
test_business_customer_for_another_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "analytics.reporting",
		"recipient": {"kind": "business_customer"},
	})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.role")
}

# clause: callbridge.role
test_service_agreement_obligation_is_only_for_business_customers if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_obliged(d, "service_agreement_terms")
}

# clause: callbridge.aggregate.sale
test_aggregated_report_to_business_customer_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "business_customer"},
		"identifiability": "aggregated",
	})
	testing.allowed_by(d, "callbridge.aggregate.sale")
}

# ---------------------------------------------------------------- own purposes

# clause: callbridge.use.purposes
test_first_party_use_for_the_service_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "first_party", "country": "CA"}})
	testing.allowed_by(d, "callbridge.use.purposes")
}

# clause: callbridge.use.purposes
test_first_party_use_outside_listed_purposes_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "train_ai_system"})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.use.purposes")
}

# L15 buys data "për marketing dhe shitje"; L119 runs sales management in the CRM.
# clause: callbridge.use.purposes
test_own_sales_management_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "sales"})
	testing.allowed_by(d, "callbridge.use.purposes")
}

# L108: no purpose materially different from the one collected for "ose është autorizuar
# më pas nga individi" (or later authorised by the individual).
# clause: callbridge.use.new_purpose_optout
test_own_use_beyond_the_purposes_with_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "train_ai_system",
		"consents": ["train_ai_system"],
	})
	testing.allowed_by(d, "callbridge.use.new_purpose_optout")
}

# clause: callbridge.use.new_purpose_optout
test_authorised_purpose_is_not_cited_for_a_listed_purpose if {
	d := privacy.decision with data.privacy.request.document as _req({"consents": ["essential"]})
	testing.allowed_by(d, "callbridge.use.purposes")
	testing.not_cited(d, "callbridge.use.new_purpose_optout")
}

# clause: callbridge.use.new_purpose_optout
test_unknown_affiliate_gets_no_authorised_purpose if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "train_ai_system",
		"consents": ["train_ai_system"],
		"recipient": {"kind": "corporate_family", "name": "Other Group Ltd"},
	})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
}

# ---------------------------------------------------------------- affiliates, transfers

# clause: callbridge.transfer
test_named_iotum_company_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"recipient": {"kind": "corporate_family", "name": " iotum global holdings inc. ", "country": "US"},
	})
	testing.allowed_by(d, "callbridge.transfer")
}

# clause: callbridge.transfer
test_unnamed_affiliate_abroad_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family", "country": "IN"}})
	testing.allowed_by(d, "callbridge.transfer")
}

# clause: callbridge.transfer
test_affiliate_with_unknown_name_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family", "name": "Other Group Ltd"}})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.transfer")
}

# clause: callbridge.transfer
test_affiliate_for_unlisted_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.advertising.third_party.targeted",
		"recipient": {"kind": "corporate_family", "name": "Iotum Inc."},
	})
	d.allow == false
	testing.not_cited(d, "callbridge.transfer")
}

# clause: callbridge.transfer
test_processor_abroad_for_eu_subject_needs_contractual_clauses if {
	d := privacy.decision with data.privacy.request.document as _processor(
		{"country": "US", "under_contract": true},
		{"subject": {"age": 40, "country": "DE"}},
	)
	d.allow == true
	testing.obliged(d, "transfer_safeguard", "callbridge.transfer")
}

# clause: callbridge.transfer
test_processor_for_us_subject_needs_no_transfer_safeguard if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US", "under_contract": true}, {})
	d.allow == true
	testing.not_obliged(d, "transfer_safeguard")
}

# clause: callbridge.transfer.dpf
test_eu_subject_to_us_affiliate_is_under_dpf if {
	d := privacy.decision with data.privacy.request.document as _req({
		"recipient": {"kind": "corporate_family", "name": "Iotum Inc.", "country": "US"},
		"subject": {"age": 40, "country": "FR"},
	})
	testing.allowed_by(d, "callbridge.transfer")
	testing.obliged(d, "transfer_safeguard", "callbridge.transfer.dpf")
}

# clause: callbridge.transfer.dpf
test_swiss_subject_on_own_servers_with_unknown_country_is_under_dpf if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 40, "country": "CH"}})
	testing.obliged(d, "transfer_safeguard", "callbridge.transfer.dpf")
}

# clause: callbridge.transfer.dpf
test_eu_subject_kept_in_the_eea_needs_no_dpf_safeguard if {
	d := privacy.decision with data.privacy.request.document as _req({
		"recipient": {"kind": "first_party", "country": "IE"},
		"subject": {"age": 40, "country": "FR"},
	})
	d.allow == true
	testing.not_obliged(d, "transfer_safeguard")
}

# ---------------------------------------------------------------- sub-processors

# clause: callbridge.subprocessors
test_hosting_provider_in_listed_country_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"name": "CloudHost", "country": "SG"}, {
		"data_categories": ["user.contact.email", "user.content.private", "user.authorization.password"],
	})
	testing.allowed_by(d, "callbridge.subprocessors")
}

# clause: callbridge.subprocessors
test_hosting_provider_in_eu_member_state_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "DE"}, {})
	testing.allowed_by(d, "callbridge.subprocessors")
}

# clause: callbridge.subprocessors
test_hosting_provider_in_unlisted_country_is_denied if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "BR"}, {})
	testing.denied_by(d, "callbridge.subprocessors")
	some r in d.reasons
	r.code == "subprocessor_country_not_listed"
}

# clause: callbridge.subprocessors
# L12, L85: aggregated data is not personal information and may go to any third party; the
# matrix (L114 "Llojet e të dhënave personale") does not bind it.
test_aggregated_data_to_processor_in_unlisted_country_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "BR", "under_contract": true}, {
		"data_categories": ["user.behavior"],
		"data_use": "analytics.reporting",
		"identifiability": "aggregated",
	})
	testing.allowed_by(d, "callbridge.aggregate.sale")
	testing.not_cited(d, "callbridge.subprocessors")
}

# clause: callbridge.subprocessors
test_dial_in_carrier_in_any_country_gets_call_records if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "BR"}, {
		"data_categories": ["user.behavior.call_detail_records"],
	})
	testing.allowed_by(d, "callbridge.subprocessors")
}

# clause: callbridge.subprocessors
test_crm_in_uk_for_support_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "GB"}, {
		"data_categories": ["user.name", "user.behavior.purchase_history"],
		"data_use": "essential.service.operations.support",
	})
	testing.allowed_by(d, "callbridge.subprocessors")
}

# clause: callbridge.subprocessors
test_processor_for_use_no_row_lists_is_denied_by_catch_all if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US"}, {
		"data_use": "marketing.advertising.third_party.targeted",
		"subject": {"age": 40, "country": "US"},
	})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.subprocessors")
}

# clause: callbridge.subprocessors
test_analytics_processor_in_canada_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "CA"}, {
		"data_categories": ["user.behavior", "user.device.ip_address"],
		"data_use": "analytics.reporting",
	})
	testing.allowed_by(d, "callbridge.subprocessors")
}

# clause: callbridge.subprocessors
test_matrix_does_not_apply_to_first_party if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "first_party", "country": "BR"}})
	d.allow == true
	testing.not_cited(d, "callbridge.subprocessors")
}

# clause: callbridge.disclosure.service_providers
test_processor_without_contract_must_be_bound_by_one if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US"}, {})
	d.allow == true
	testing.obliged(d, "contract_required", "callbridge.disclosure.service_providers")
}

# clause: callbridge.disclosure.service_providers
test_processor_under_contract_needs_no_new_contract if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US", "under_contract": true}, {})
	d.allow == true
	testing.not_obliged(d, "contract_required")
}

# ---------------------------------------------------------------- cards and passwords

# clause: callbridge.payment.card
test_card_number_to_us_card_processor_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"name": "PayCo", "country": "US"}, {
		"data_categories": ["user.financial.credit_card", "user.name", "user.contact.address"],
		"data_use": "essential.service.payment_processing",
	})
	testing.allowed_by(d, "callbridge.subprocessors")
	testing.not_cited(d, "callbridge.payment.card")
}

# clause: callbridge.payment.card
test_card_number_to_hosting_provider_is_denied if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US"}, {
		"data_categories": ["user.financial.credit_card"],
	})
	testing.denied_by(d, "callbridge.payment.card")
}

# clause: callbridge.payment.card
test_card_processor_outside_the_us_is_denied if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "IE"}, {
		"data_categories": ["user.financial.credit_card"],
		"data_use": "essential.service.payment_processing",
	})
	testing.denied_by(d, "callbridge.payment.card")
}

# clause: callbridge.payment.card
test_financial_data_broadly_to_own_servers_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.financial"]})
	testing.denied_by(d, "callbridge.payment.card")
}

# clause: callbridge.payment.card
test_card_number_with_consent_to_third_party_is_still_denied if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_categories": ["user.financial.credit_card"],
		"consents": ["essential.service"],
	})
	testing.denied_by(d, "callbridge.payment.card")
}

# clause: callbridge.payment.card
test_password_to_development_platform_is_denied if {
	d := privacy.decision with data.privacy.request.document as _processor({"name": "CodeHub", "country": "US"}, {
		"data_categories": ["user.authorization.password"],
		"data_use": "functional.service.improve",
	})
	testing.denied_by(d, "callbridge.payment.card")
	some r in d.reasons
	r.code == "password_to_development_platform"
}

# clause: callbridge.payment.card
test_credentials_broadly_for_functional_use_are_denied if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US"}, {
		"data_categories": ["user.authorization"],
		"data_use": "functional",
	})
	testing.denied_by(d, "callbridge.payment.card")
}

# clause: callbridge.payment.card
test_development_platform_without_passwords_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"name": "CodeHub", "country": "US"}, {
		"data_categories": ["user.contact.email", "user.behavior.call_detail_records"],
		"data_use": "functional.service.improve",
	})
	testing.allowed_by(d, "callbridge.subprocessors")
	testing.not_cited(d, "callbridge.payment.card")
}

# ---------------------------------------------------------------- retention

# clause: callbridge.processing.table
test_own_processing_carries_retention_limit if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	some o in d.obligations
	o.code == "retention_limit"
	o.clause == "callbridge.processing.table"
	is_string(o.period)
}

# clause: callbridge.processing.table
test_aggregated_data_carries_no_retention_limit if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"identifiability": "aggregated",
	})
	d.allow == true
	testing.not_obliged(d, "retention_limit")
}

# ---------------------------------------------------------------- aggregated data

# clause: callbridge.aggregate.sale
test_sale_of_aggregated_usage_data_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"action": "sell",
		"data_categories": ["user.behavior.call_detail_records", "user.telemetry"],
		"data_use": "analytics.reporting",
		"identifiability": "aggregated",
	})
	testing.allowed_by(d, "callbridge.aggregate.sale")
}

# clause: callbridge.aggregate.sale
test_aggregate_rule_does_not_cover_pseudonymous_data if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_categories": ["user.behavior.call_detail_records"],
		"data_use": "analytics.reporting",
		"identifiability": "pseudonymous",
	})
	d.allow == false
	testing.not_cited(d, "callbridge.aggregate.sale")
}

# clause: callbridge.aggregate.sale
test_aggregated_data_is_not_for_authorities_without_request if {
	d := privacy.decision with data.privacy.request.document as _authority({
		"identifiability": "aggregated",
		"legal_request": null,
	})
	testing.denied_by(d, "callbridge.disclosure.public_authorities")
}

# clause: callbridge.definition.pi
test_aggregated_data_with_email_addresses_is_denied if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"action": "sell",
		"data_categories": ["user.contact.email"],
		"identifiability": "aggregated",
	})
	testing.denied_by(d, "callbridge.definition.pi")
}

# clause: callbridge.definition.pi
test_aggregated_data_with_ip_addresses_is_denied if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_categories": ["user.device"],
		"identifiability": "aggregated",
	})
	testing.denied_by(d, "callbridge.definition.pi")
}

# clause: callbridge.definition.pi
test_identifier_rule_does_not_apply_to_identifiable_data if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.device.ip_address"]})
	d.allow == true
	testing.not_cited(d, "callbridge.definition.pi")
}

# ---------------------------------------------------------------- children

# clause: callbridge.children
test_known_minor_data_is_denied_even_to_own_servers if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 15, "country": "US"}})
	testing.denied_by(d, "callbridge.children")
}

# clause: callbridge.children
test_unknown_age_for_ordinary_service_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": null, "country": "US"}})
	d.allow == true
	testing.not_cited(d, "callbridge.children")
}

# Issue 8 finding 6: "knowingly" (L88, L160) is triggered by a known age only, and a
# minor on a family account is the adult subscriber (L81), so an unknown age opens
# marketing and the anonymous ad number (L174) like an adult's.
# clause: callbridge.children
test_unknown_age_for_consented_product_email_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"subject": {"age": null, "country": "US"},
		"consents": ["marketing.communications"],
	})
	testing.allowed_by(d, "callbridge.use.purposes")
	testing.not_cited(d, "callbridge.children")
}

# clause: callbridge.children
test_unknown_age_for_web_ads_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _web_ads({"subject": {"age": null, "country": "US"}})
	testing.allowed_by(d, "callbridge.cookies")
	testing.not_cited(d, "callbridge.children")
}

# clause: callbridge.children
test_unknown_age_anonymous_number_to_offsite_ad_network_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _ad_network({"subject": {"age": null, "country": "US"}})
	testing.allowed_by(d, "callbridge.ads.offsite")
	testing.not_cited(d, "callbridge.children")
}

# clause: callbridge.children
test_known_minor_web_ads_are_denied if {
	d := privacy.decision with data.privacy.request.document as _web_ads({"subject": {"age": 17, "country": "US"}})
	testing.denied_by(d, "callbridge.children")
	testing.denied_with(d, "known_minor")
}

# clause: callbridge.children
test_known_minor_is_denied_even_when_the_minor_asked if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"requested_by_subject": true,
		"subject": {"age": 16, "country": "US"},
	})
	testing.denied_by(d, "callbridge.children")
}

# clause: callbridge.children
test_known_adult_of_eighteen_is_not_a_minor if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 18, "country": "US"}})
	d.allow == true
	testing.not_cited(d, "callbridge.children")
}

# clause: callbridge.children
test_minor_in_aggregated_statistics_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_categories": ["user.behavior.call_detail_records"],
		"identifiability": "aggregated",
		"subject": {"age": 12},
	})
	testing.allowed_by(d, "callbridge.aggregate.sale")
	testing.not_cited(d, "callbridge.children")
}

# ---------------------------------------------------------------- direct marketing

# clause: callbridge.marketing.email
test_product_email_without_express_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "marketing.communications.email"})
	testing.denied_by(d, "callbridge.marketing.email")
}

# clause: callbridge.marketing.email
test_product_email_with_express_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"consents": ["marketing.communications"],
	})
	testing.allowed_by(d, "callbridge.use.purposes")
	testing.not_cited(d, "callbridge.marketing.email")
}

# clause: callbridge.marketing.email
test_campaign_processor_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "CA"}, {
		"data_categories": ["user.name", "user.contact.email"],
		"data_use": "marketing.communications.email",
	})
	testing.denied_by(d, "callbridge.marketing.email")
}

# clause: callbridge.marketing.email
test_campaign_processor_with_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "CA"}, {
		"data_categories": ["user.name", "user.contact.email"],
		"data_use": "marketing.communications.email",
		"consents": ["marketing"],
	})
	testing.allowed_by(d, "callbridge.subprocessors")
}

# clause: callbridge.marketing.email
test_opt_out_of_correspondence_denies_marketing_despite_consent if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"consents": ["marketing.communications"],
		"opt_outs": ["marketing_communications"],
	})
	testing.denied_by(d, "callbridge.marketing.email")
	some r in d.reasons
	r.code == "marketing_opted_out"
}

# clause: callbridge.marketing.email
test_service_notifications_are_not_marketing if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.notifications.email",
		"opt_outs": ["marketing_communications"],
	})
	d.allow == true
	testing.not_cited(d, "callbridge.marketing.email")
}

# clause: callbridge.marketing.email
# L91, L210: a product e-mail sent with consent stops when the user withdraws.
test_product_email_honours_both_opt_outs if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"consents": ["marketing.communications"],
	})
	d.allow == true
	_opt_out_of(d, "all_correspondence")
	_opt_out_of(d, "marketing_communications")
}

# clause: callbridge.marketing.email
# L210: a service notice stops with all correspondence, not with a marketing opt-out.
test_service_notice_honours_the_correspondence_opt_out_only if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "essential.service.notifications.email"})
	d.allow == true
	_opt_out_of(d, "all_correspondence")
	not _opt_out_of(d, "marketing_communications")
}

# clause: callbridge.marketing.email
test_service_use_carries_no_correspondence_opt_out if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	not _opt_out_of(d, "all_correspondence")
}

# Issue 8 finding 3: L210 "e gjithë korrespondenca e ardhshme" (all future correspondence).
# clause: callbridge.marketing.email
test_all_correspondence_opt_out_stops_service_notices if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.notifications.email",
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_by(d, "callbridge.marketing.email")
	testing.denied_with(d, "all_correspondence_opted_out")
}

# clause: callbridge.marketing.email
test_all_correspondence_opt_out_stops_product_email_despite_consent if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"consents": ["marketing.communications"],
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_by(d, "callbridge.marketing.email")
	testing.denied_with(d, "all_correspondence_opted_out")
}

# clause: callbridge.marketing.email
test_all_correspondence_opt_out_stops_the_campaign_processor if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "CA", "under_contract": true}, {
		"data_categories": ["user.name", "user.contact.email"],
		"data_use": "marketing.communications.email",
		"consents": ["marketing"],
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_by(d, "callbridge.marketing.email")
}

# clause: callbridge.marketing.email
# L210 "e gjithë korrespondenca e ardhshme nga ne": mail from us to the user, not a meeting
# invitation other users receive with the subject's name and address (L104).
test_all_correspondence_opt_out_does_not_stop_notices_to_other_users if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email"],
		"data_use": "essential.service.notifications.email",
		"recipient": {"kind": "other_users"},
		"opt_outs": ["all_correspondence"],
	})
	testing.allowed_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.marketing.email")
}

# clause: callbridge.marketing.email
# L210: notices a processor sends for Callbridge are correspondence from us.
test_all_correspondence_opt_out_stops_notices_sent_by_a_processor if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US", "under_contract": true}, {
		"data_use": "essential.service.notifications.email",
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_with(d, "all_correspondence_opted_out")
}

# clause: callbridge.marketing.email
test_all_correspondence_opt_out_does_not_stop_the_service if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US", "under_contract": true}, {
		"opt_outs": ["all_correspondence"],
	})
	testing.allowed_by(d, "callbridge.subprocessors")
	testing.not_cited(d, "callbridge.marketing.email")
}

# clause: callbridge.marketing.email
test_service_notices_go_out_without_the_opt_out if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "essential.service.notifications.email"})
	testing.allowed_by(d, "callbridge.use.purposes")
	testing.not_cited(d, "callbridge.marketing.email")
}

# clause: callbridge.shine_the_light
test_third_party_direct_marketing_without_opt_in_is_denied if {
	d := privacy.decision with data.privacy.request.document as _third_party({"data_use": "marketing.communications.email"})
	testing.denied_by(d, "callbridge.shine_the_light")
}

# clause: callbridge.shine_the_light
test_broad_marketing_use_without_opt_in_is_denied if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_use": "marketing",
		"consents": ["marketing.advertising"],
	})
	testing.denied_by(d, "callbridge.shine_the_light")
}

# clause: callbridge.shine_the_light
test_third_party_direct_marketing_with_opt_in_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"data_use": "marketing.communications.email",
		"consents": ["marketing.communications.email"],
	})
	testing.allowed_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.shine_the_light")
}

# ---------------------------------------------------------------- advertising

# clause: callbridge.ads.offsite
test_ad_network_with_anonymous_number_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _ad_network({})
	testing.allowed_by(d, "callbridge.ads.offsite")
	testing.obliged(d, "honour_opt_out", "callbridge.ccpa.sale")
}

# clause: callbridge.ads.offsite
test_ad_network_measuring_ads_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _ad_network({
		"data_categories": ["user.device.cookie_id"],
		"data_use": "analytics.reporting.ad_performance",
	})
	testing.allowed_by(d, "callbridge.ads.offsite")
}

# clause: callbridge.ads.offsite
test_email_address_to_ad_network_is_denied_even_with_consent if {
	d := privacy.decision with data.privacy.request.document as _ad_network({
		"data_categories": ["user.unique_id.pseudonymous", "user.contact.email"],
		"consents": ["marketing"],
	})
	testing.denied_by(d, "callbridge.ads.offsite")
	some r in d.reasons
	r.code == "direct_identifiers_to_ad_network"
}

# clause: callbridge.ads.offsite
test_identifiable_data_to_ad_network_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad_network({"identifiability": "identifiable"})
	testing.denied_by(d, "callbridge.ads.offsite")
	some r in d.reasons
	r.code == "identifiable_data_to_ad_network"
}

# clause: callbridge.ads.offsite
test_mobile_advertising_id_to_ad_network_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad_network({"data_categories": ["user.device.advertising_id"]})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.ads.offsite")
}

# clause: callbridge.cookies
test_advertiser_cookies_and_ip_on_the_website_are_allowed if {
	d := privacy.decision with data.privacy.request.document as _web_ads({})
	testing.allowed_by(d, "callbridge.cookies")
	testing.obliged(d, "honour_opt_out", "callbridge.ccpa.sale")
}

# clause: callbridge.cookies
test_advertiser_cookies_do_not_carry_location if {
	d := privacy.decision with data.privacy.request.document as _web_ads({
		"data_categories": ["user.device.cookie_id", "user.location.precise"],
	})
	d.allow == false
	testing.not_cited(d, "callbridge.cookies")
}

# ---------------------------------------------------------------- sale

# clause: callbridge.ccpa.sale
test_sale_of_identifiable_data_is_denied_even_with_consent if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"action": "sell",
		"consents": ["essential.service"],
	})
	testing.denied_by(d, "callbridge.ccpa.sale")
	some r in d.reasons
	r.code == "no_sale_of_personal_information"
}

# clause: callbridge.ccpa.sale
test_sale_of_pseudonymous_data_outside_web_ads_is_denied if {
	d := privacy.decision with data.privacy.request.document as _third_party({
		"action": "sell",
		"data_categories": ["user.device.cookie_id"],
		"identifiability": "pseudonymous",
		"consents": ["essential.service"],
	})
	testing.denied_by(d, "callbridge.ccpa.sale")
}

# clause: callbridge.ccpa.sale
test_web_ad_sharing_counted_as_sale_is_allowed_without_opt_out if {
	d := privacy.decision with data.privacy.request.document as _web_ads({"action": "sell"})
	testing.allowed_by(d, "callbridge.cookies")
	testing.not_cited(d, "callbridge.ccpa.sale")
}

# clause: callbridge.ccpa.sale
test_web_ad_sharing_after_do_not_sell_is_denied if {
	d := privacy.decision with data.privacy.request.document as _web_ads({"opt_outs": ["sale"]})
	testing.denied_by(d, "callbridge.ccpa.sale")
	some r in d.reasons
	r.code == "sale_opted_out"
}

# clause: callbridge.ccpa.sale
test_offsite_ads_after_do_not_sell_are_denied if {
	d := privacy.decision with data.privacy.request.document as _ad_network({"opt_outs": ["sale"]})
	testing.denied_by(d, "callbridge.ccpa.sale")
}

# clause: callbridge.ccpa.sale
test_do_not_sell_does_not_stop_own_service_use if {
	d := privacy.decision with data.privacy.request.document as _req({"opt_outs": ["sale"]})
	d.allow == true
	testing.not_cited(d, "callbridge.ccpa.sale")
}

# ---------------------------------------------------------------- public authorities

# clause: callbridge.disclosure.public_authorities
test_lawful_national_security_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _authority({})
	testing.allowed_by(d, "callbridge.disclosure.public_authorities")
}

# clause: callbridge.disclosure.public_authorities
test_lawful_criminal_investigation_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _authority({
		"data_use": "essential.legal_obligation",
		"legal_request": {"verified": true, "matter": "criminal_investigation"},
	})
	testing.allowed_by(d, "callbridge.disclosure.public_authorities")
}

# clause: callbridge.disclosure.public_authorities
test_authority_without_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _authority({"legal_request": null})
	testing.denied_by(d, "callbridge.disclosure.public_authorities")
}

# clause: callbridge.disclosure.public_authorities
test_authority_with_unverified_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _authority({"legal_request": {"verified": false, "matter": "court_order"}})
	testing.denied_by(d, "callbridge.disclosure.public_authorities")
}

# clause: callbridge.disclosure.public_authorities
test_authority_for_non_legal_use_is_denied_by_catch_all if {
	d := privacy.decision with data.privacy.request.document as _authority({"data_use": "analytics.reporting"})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
	testing.not_cited(d, "callbridge.disclosure.public_authorities")
}

# ---------------------------------------------------------------- product invariants

# clause: callbridge.disclosure.express_consent
test_unlisted_category_added_to_permitted_flow_falls_to_default_deny if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "US"}, {
		"data_categories": ["user.name", "user.behavior.call_detail_records", "user.location.precise"],
		"data_use": "sales",
	})
	testing.denied_by(d, "callbridge.disclosure.express_consent")
}

# clause: callbridge.subprocessors
test_crm_flow_with_fewer_categories_stays_allowed if {
	d := privacy.decision with data.privacy.request.document as _processor({"country": "GB"}, {
		"data_categories": ["user.behavior.call_detail_records"],
		"data_use": "sales",
	})
	testing.allowed_by(d, "callbridge.subprocessors")
}
