package privacy.companies.kallu_test

import data.privacy
import data.privacy.testing

# Tests replace the request document (see privacy.request) with inputs built by a
# function: regopy aborts on `with ... as <rule>`.
_req(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.contact.email"],
	"data_use": "essential.service",
	"recipient": {"kind": "first_party"},
}, extra)

_marketing(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.contact.email"],
	"data_use": "marketing.communications.email",
	"recipient": {"kind": "third_party", "name": "Mailer Ltd"},
}, extra)

_legal(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.name", "user.contact.email", "user.behavior.call_detail_records"],
	"data_use": "essential.legal_obligation",
	"recipient": {"kind": "law_enforcement", "name": "Police"},
}, extra)

_google(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.device.cookie_id", "user.device.ip_address", "user.behavior.browsing_history"],
	"data_use": "analytics.reporting",
	"recipient": {"kind": "advertising_partner", "name": "Google", "country": "IE"},
	"consents": ["analytics"],
}, extra)

_payment(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.financial.credit_card", "user.name", "user.contact.address"],
	"data_use": "essential.service.payment_processing",
	"recipient": {"kind": "service_provider", "name": "PayCo"},
}, extra)

# --- default deny -------------------------------------------------------------

# clause: kallu.disclosure.default_deny
test_unpermitted_flow_cites_catch_all if {
	d := privacy.decision with data.privacy.request.document as _marketing({"data_use": "analytics.reporting"})
	testing.catch_all_only(d, "kallu.disclosure.default_deny")
}

# clause: kallu.disclosure.default_deny
test_acquirer_is_denied_by_default_deny if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "acquirer", "name": "BuyerCo"}})
	testing.catch_all_only(d, "kallu.disclosure.default_deny")
}

# clause: kallu.disclosure.default_deny
test_default_deny_not_cited_on_permitted_flow if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_cited(d, "kallu.disclosure.default_deny")
}

# --- sale -----------------------------------------------------------------------

# clause: kallu.sale.never
test_sale_of_aggregated_data_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"action": "sell", "identifiability": "aggregated",
		"recipient": {"kind": "third_party", "name": "DataBroker"},
	})
	testing.denied_by(d, "kallu.sale.never")
}

# clause: kallu.sale.never
test_sale_to_first_party_with_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"action": "sell", "consents": ["essential"]})
	testing.denied_by(d, "kallu.sale.never")
}

# clause: kallu.sale.never
test_sale_rule_does_not_apply_to_disclosure if {
	d := privacy.decision with data.privacy.request.document as _req({
		"identifiability": "aggregated",
		"recipient": {"kind": "third_party", "name": "DataBroker"},
	})
	d.allow == true
	testing.not_cited(d, "kallu.sale.never")
}

# --- third-party direct marketing -------------------------------------------------

# clause: kallu.sharing.direct_marketing
test_third_party_marketing_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _marketing({})
	testing.denied_by(d, "kallu.sharing.direct_marketing")
}

# clause: kallu.sharing.direct_marketing
test_third_party_marketing_with_express_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _marketing({"consents": ["marketing.communications"]})
	testing.allowed_by(d, "kallu.sharing.direct_marketing")
}

# clause: kallu.sharing.direct_marketing
test_consent_to_another_use_does_not_count if {
	d := privacy.decision with data.privacy.request.document as _marketing({"consents": ["analytics"]})
	testing.denied_by(d, "kallu.sharing.direct_marketing")
}

# clause: kallu.sharing.direct_marketing
test_direct_marketing_rule_does_not_apply_to_analytics if {
	d := privacy.decision with data.privacy.request.document as _marketing({"data_use": "analytics.reporting"})
	testing.not_cited(d, "kallu.sharing.direct_marketing")
}

# clause: kallu.sharing.direct_marketing
test_group_marketing_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _marketing({"recipient": {"kind": "corporate_family"}})
	testing.denied_by(d, "kallu.sharing.direct_marketing")
}

# L45 "any third party" takes in whoever reads what is published: statistics (L38) do not
# carry marketing to the public without express consent.
# clause: kallu.sharing.direct_marketing (001 L38, L45)
test_aggregated_marketing_to_public_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _marketing({
		"data_categories": ["user.device.advertising_id"],
		"data_use": "marketing.communications",
		"identifiability": "aggregated",
		"recipient": {"kind": "public"},
	})
	testing.denied_by(d, "kallu.sharing.direct_marketing")
}

# Statistics for reporting still reach the public (L38): the marketing rule does not apply.
# clause: kallu.sharing.direct_marketing (001 L38)
test_aggregated_reporting_to_public_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior"],
		"data_use": "analytics.reporting",
		"identifiability": "aggregated",
		"recipient": {"kind": "public"},
	})
	testing.allowed_by(d, "kallu.sharing.statistics")
	testing.not_cited(d, "kallu.sharing.direct_marketing")
}

# L45 "to any third party": a business customer, or another user, is one.
# clause: kallu.sharing.direct_marketing
test_business_customer_marketing_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _marketing({"recipient": {"kind": "business_customer", "name": "Acme"}})
	testing.denied_by(d, "kallu.sharing.direct_marketing")
}

# L45 "without your express consent": with it, any third party may receive the data for marketing.
# clause: kallu.sharing.direct_marketing
test_other_user_marketing_with_express_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _marketing({
		"recipient": {"kind": "other_users", "name": "A seller"},
		"consents": ["marketing.communications"],
	})
	testing.allowed_by(d, "kallu.sharing.direct_marketing")
}

# clause: kallu.marketing.channel
test_third_party_marketing_with_consent_but_opted_out_is_denied if {
	d := privacy.decision with data.privacy.request.document as _marketing({
		"consents": ["marketing.communications"],
		"opt_outs": ["marketing_communications"],
	})
	testing.denied_by(d, "kallu.marketing.channel")
}

# --- purposes (first party) ------------------------------------------------------------

# clause: kallu.use.purpose_limit
test_first_party_listed_purpose_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "personalize.content"})
	testing.allowed_by(d, "kallu.use.purpose_limit")
}

# clause: kallu.use.purpose_limit
test_first_party_unlisted_purpose_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "train_ai_system"})
	d.allow == false
	testing.not_cited(d, "kallu.use.purpose_limit")
	testing.cites(d, "kallu.disclosure.default_deny")
}

# clause: kallu.use.purpose_limit
test_purpose_limit_does_not_apply_to_outside_recipient if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "third_party", "name": "X"}})
	d.allow == false
	testing.not_cited(d, "kallu.use.purpose_limit")
}

# --- marketing channels (Kallu's own marketing) -------------------------------------------

# clause: kallu.marketing.channel
test_first_party_email_marketing_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "marketing.communications.email"})
	testing.denied_by(d, "kallu.marketing.channel")
}

# clause: kallu.marketing.channel
test_first_party_email_marketing_with_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"consents": ["marketing.communications.email"],
	})
	testing.allowed_by(d, "kallu.marketing.channel")
	testing.has_obligation(d, "honour_opt_out")
}

# clause: kallu.marketing.channel
test_first_party_email_marketing_after_opt_out_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"consents": ["marketing.communications.email"],
		"opt_outs": ["marketing_communications"],
	})
	testing.denied_by(d, "kallu.marketing.channel")
}

# clause: kallu.marketing.channel
test_postal_marketing_without_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications",
		"data_categories": ["user.name", "user.contact.address.street"],
	})
	testing.allowed_by(d, "kallu.marketing.channel")
}

# clause: kallu.marketing.channel
test_postal_marketing_after_opt_out_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications",
		"data_categories": ["user.name", "user.contact.address"],
		"opt_outs": ["marketing_communications"],
	})
	testing.denied_by(d, "kallu.marketing.channel")
}

# clause: kallu.marketing.channel
test_generic_marketing_to_email_address_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications",
		"data_categories": ["user.name", "user.contact.email"],
	})
	testing.denied_by(d, "kallu.marketing.channel")
}

# clause: kallu.marketing.channel
test_marketing_channel_does_not_apply_to_service_notifications if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.notifications.email",
		"opt_outs": ["marketing_communications"],
	})
	d.allow == true
	testing.not_cited(d, "kallu.marketing.channel")
	testing.not_obliged(d, "honour_opt_out")
}

# L37 "you can inform us at any time if you no longer require marketing communications": asking for no correspondence at all says that too.
# clause: kallu.marketing.channel
test_all_correspondence_opt_out_stops_postal_marketing if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications",
		"data_categories": ["user.name", "user.contact.address"],
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_by(d, "kallu.marketing.channel")
	testing.denied_with(d, "marketing_opted_out")
}

# L83 "We will notify you of changes to this policy by email": the policy promises no stop to service mail.
# clause: kallu.marketing.channel
test_all_correspondence_opt_out_leaves_service_mail if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.notifications.email",
		"opt_outs": ["all_correspondence"],
	})
	testing.allowed_by(d, "kallu.use.purpose_limit")
	testing.not_cited(d, "kallu.marketing.channel")
}

# --- group --------------------------------------------------------------------------------

# clause: kallu.disclosure.group
test_group_company_for_listed_purpose_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "analytics.reporting",
		"recipient": {"kind": "corporate_family", "name": "Kallu Holding"},
	})
	testing.allowed_by(d, "kallu.disclosure.group")
}

# clause: kallu.disclosure.group
test_group_company_for_unlisted_purpose_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "sales",
		"recipient": {"kind": "corporate_family"},
	})
	d.allow == false
	testing.not_cited(d, "kallu.disclosure.group")
	testing.cites(d, "kallu.disclosure.default_deny")
}

# clause: kallu.disclosure.group
test_group_rule_does_not_cover_outside_processor if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.operations",
		"recipient": {"kind": "service_provider", "name": "HostCo", "under_contract": true},
	})
	testing.denied_by(d, "kallu.disclosure.default_deny")
}

# --- statistics ------------------------------------------------------------------------------

# clause: kallu.sharing.statistics
test_aggregated_statistics_to_third_party_are_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior", "user.demographic.age_range"],
		"data_use": "analytics.reporting",
		"identifiability": "aggregated",
		"recipient": {"kind": "third_party", "name": "Partner"},
	})
	testing.allowed_by(d, "kallu.sharing.statistics")
	testing.not_obliged(d, "retention_limit")
}

# clause: kallu.sharing.statistics
test_pseudonymous_statistics_to_third_party_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior"],
		"data_use": "analytics.reporting",
		"identifiability": "pseudonymous",
		"recipient": {"kind": "third_party", "name": "Partner"},
	})
	d.allow == false
	testing.not_cited(d, "kallu.sharing.statistics")
}

# clause: kallu.sharing.statistics
test_aggregated_statistics_to_law_enforcement_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior"],
		"data_use": "analytics.reporting",
		"identifiability": "aggregated",
		"recipient": {"kind": "law_enforcement"},
	})
	d.allow == false
	testing.not_cited(d, "kallu.sharing.statistics")
}

# L38 "Providing third parties with statistical information": a business customer is a third party too.
# clause: kallu.sharing.statistics
test_aggregated_statistics_to_business_customer_are_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior"],
		"data_use": "analytics.reporting",
		"identifiability": "aggregated",
		"recipient": {"kind": "business_customer", "name": "Acme"},
	})
	testing.allowed_by(d, "kallu.sharing.statistics")
}

# L49, L57: Kallu's policy has no business customers; identifiable data goes to none.
# clause: kallu.disclosure.default_deny
test_identifiable_data_to_business_customer_is_denied_by_default if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "business_customer", "name": "Acme"}})
	testing.catch_all_only(d, "kallu.disclosure.default_deny")
}

# --- publication -------------------------------------------------------------------------------

# clause: kallu.publication.consent
test_publishing_submitted_posts_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.public", "user.account.username", "user.content.self_image"],
		"data_use": "functional.service",
		"recipient": {"kind": "public"},
	})
	testing.allowed_by(d, "kallu.publication.consent")
}

# clause: kallu.publication.consent
test_displaying_email_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.account.username", "user.contact.email"],
		"recipient": {"kind": "other_users"},
	})
	testing.denied_by(d, "kallu.publication.consent")
}

# clause: kallu.publication.consent
test_displaying_birthday_with_explicit_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.demographic.date_of_birth"],
		"data_use": "functional.service",
		"consents": ["functional.service"],
		"recipient": {"kind": "other_users"},
	})
	testing.allowed_by(d, "kallu.publication.consent")
}

# clause: kallu.publication.consent
test_publication_rule_does_not_apply_to_third_party if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.public"],
		"data_use": "functional.service",
		"recipient": {"kind": "third_party", "name": "Scraper"},
	})
	d.allow == false
	testing.not_cited(d, "kallu.publication.consent")
}

# L1, L15, L20: the real name is profile data; L20 lists only username, profile pictures and posts as published.
# clause: kallu.publication.consent
test_real_name_to_public_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.account.username"],
		"data_use": "functional.service",
		"recipient": {"kind": "public"},
	})
	testing.denied_by(d, "kallu.publication.consent")
	testing.denied_with(d, "display_without_consent")
}

# L1: "we won't display them without your explicit consent"; with it, the name may be shown.
# clause: kallu.publication.consent
test_real_name_to_other_users_with_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name"],
		"data_use": "essential.service",
		"consents": ["essential.service"],
		"recipient": {"kind": "other_users"},
	})
	testing.allowed_by(d, "kallu.publication.consent")
}

# L43: "May you submit personal information for publication purposes on our website, we will publish it".
# clause: kallu.publication.consent
test_what_the_user_asked_to_show_is_shown if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.content.private"],
		"data_use": "essential.service",
		"requested_by_subject": true,
		"recipient": {"kind": "other_users"},
	})
	testing.allowed_by(d, "kallu.publication.consent")
	some r in d.reasons
	r.code == "shown_at_user_request"
}

# L49, L57: the user's own request opens display to other users (L43), not a third party.
# clause: kallu.disclosure.default_deny
test_user_request_does_not_open_a_third_party if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name"],
		"requested_by_subject": true,
		"recipient": {"kind": "third_party", "name": "Some site"},
	})
	testing.catch_all_only(d, "kallu.disclosure.default_deny")
}

# L43, L45: a request to show is for the service; giving data to another user for marketing still needs express consent.
# clause: kallu.publication.consent
test_user_request_to_show_does_not_cover_marketing if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name"],
		"data_use": "marketing.communications",
		"requested_by_subject": true,
		"recipient": {"kind": "other_users"},
	})
	testing.denied_by(d, "kallu.sharing.direct_marketing")
	testing.not_cited(d, "kallu.publication.consent")
}

# --- legal ----------------------------------------------------------------------------------------

# clause: kallu.disclosure.legal
test_verified_request_required_by_law_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": true, "matter": "required_by_law"}})
	testing.allowed_by(d, "kallu.disclosure.legal")
}

# clause: kallu.disclosure.legal
test_verified_court_order_cites_legal_not_likely_order if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": true, "matter": "court_order"}})
	testing.allowed_by(d, "kallu.disclosure.legal")
	testing.not_cited(d, "kallu.disclosure.likely_order")
}

# clause: kallu.disclosure.legal
test_unverified_required_by_law_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": false, "matter": "required_by_law"}})
	testing.denied_by(d, "kallu.disclosure.legal")
}

# clause: kallu.disclosure.legal
test_law_enforcement_without_legal_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({})
	testing.denied_by(d, "kallu.disclosure.legal")
}

# L53: a criminal investigation is "in connection with ... prospective legal proceedings".
# clause: kallu.disclosure.legal
test_verified_criminal_investigation_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": true, "matter": "criminal_investigation"}})
	testing.allowed_by(d, "kallu.disclosure.legal")
}

# L53 asks no verification, as for an unverified legal_proceedings request.
# clause: kallu.disclosure.legal
test_unverified_criminal_investigation_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": false, "matter": "criminal_investigation"}})
	testing.allowed_by(d, "kallu.disclosure.legal")
}

# L52-55 name no national-security ground; only "required by law" (verified) would open it.
# clause: kallu.disclosure.legal
test_national_security_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": true, "matter": "national_security"}})
	testing.denied_by(d, "kallu.disclosure.legal")
	testing.denied_with(d, "no_accepted_legal_ground")
}

# L53: a terrorism investigation is a criminal one, so prospective legal proceedings.
# clause: kallu.disclosure.legal
test_verified_terrorism_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": true, "matter": "terrorism"}})
	testing.allowed_by(d, "kallu.disclosure.legal")
}

# L53: proceedings open legal uses only, not the recipient's analytics.
# clause: kallu.disclosure.legal
test_criminal_investigation_for_analytics_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"data_use": "analytics.reporting",
		"legal_request": {"verified": true, "matter": "criminal_investigation"},
	})
	d.allow == false
	testing.not_cited(d, "kallu.disclosure.legal")
}

# clause: kallu.disclosure.legal
test_legal_proceedings_disclosure_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "third_party", "name": "Law firm"},
		"data_use": "third_party_sharing.legal_obligation",
		"legal_request": {"verified": false, "matter": "legal_proceedings"},
	})
	testing.allowed_by(d, "kallu.disclosure.legal")
}

# clause: kallu.disclosure.legal
test_fraud_prevention_disclosure_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "third_party", "name": "Credit bureau"},
		"data_use": "essential.fraud_detection",
		"legal_request": {"verified": false, "matter": "fraud_prevention"},
	})
	testing.allowed_by(d, "kallu.disclosure.legal")
}

# L54 "providing information to others for the purposes of fraud prevention": a processor screening for fraud is such an other.
# clause: kallu.disclosure.legal
test_fraud_prevention_to_service_provider_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "service_provider", "name": "FraudCheck Ltd", "under_contract": true},
		"data_use": "essential.fraud_detection",
		"legal_request": {"verified": false, "matter": "fraud_prevention"},
	})
	testing.allowed_by(d, "kallu.disclosure.legal")
}

# L54 is about parties preventing fraud; the public is not one.
# clause: kallu.disclosure.legal
test_fraud_prevention_to_public_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "public"},
		"data_use": "essential.fraud_detection",
		"legal_request": {"verified": false, "matter": "fraud_prevention"},
	})
	d.allow == false
	testing.not_cited(d, "kallu.disclosure.legal")
}

# L54 "providing information to others for the purposes of fraud prevention and reducing
# credit risk": Kallu gives it unasked, so no legal request is needed.
# clause: kallu.disclosure.legal (001 L54)
test_fraud_prevention_without_a_legal_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "third_party", "name": "Fraud prevention agency"},
		"data_use": "essential.fraud_detection",
	})
	testing.allowed_by(d, "kallu.disclosure.legal")
}

# L54 opens fraud prevention only: without a request the same agency gets nothing for
# another use, and authorities still need an accepted ground (L52-55).
# clause: kallu.disclosure.legal (001 L52-55)
test_unrequested_disclosure_outside_fraud_prevention_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "third_party", "name": "Fraud prevention agency"},
		"data_use": "essential.legal_obligation",
	})
	d.allow == false
	testing.not_cited(d, "kallu.disclosure.legal")
	p := privacy.decision with data.privacy.request.document as _legal({"data_use": "essential.fraud_detection"})
	p.allow == false
	testing.denied_by(p, "kallu.disclosure.legal")
}

# clause: kallu.disclosure.legal
test_legal_ground_for_marketing_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "third_party", "name": "Law firm"},
		"data_use": "analytics.reporting",
		"legal_request": {"verified": true, "matter": "legal_rights"},
	})
	d.allow == false
	testing.not_cited(d, "kallu.disclosure.legal")
}

# clause: kallu.disclosure.likely_order
test_unverified_court_order_is_allowed_as_likely_order if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "third_party", "name": "Claimant"},
		"legal_request": {"verified": false, "matter": "court_order"},
	})
	testing.allowed_by(d, "kallu.disclosure.likely_order")
	testing.not_cited(d, "kallu.disclosure.legal")
}

# clause: kallu.disclosure.likely_order
# An unverified criminal investigation is L53's (legal proceedings), not L55's.
test_likely_order_does_not_cover_unverified_criminal_investigation if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": false, "matter": "criminal_investigation"}})
	testing.allowed_by(d, "kallu.disclosure.legal")
	testing.not_cited(d, "kallu.disclosure.likely_order")
}

# L55 "to any person who we reasonably believe may apply to a court": any person, not only police or a named third party.
# clause: kallu.disclosure.likely_order
test_likely_order_to_any_person_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "other_users", "name": "A user who is suing"},
		"legal_request": {"verified": false, "matter": "court_order"},
	})
	testing.allowed_by(d, "kallu.disclosure.likely_order")
}

# L55 is a disclosure to a person; the public at large cannot apply to a court.
# clause: kallu.disclosure.likely_order
test_likely_order_to_public_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "public"},
		"legal_request": {"verified": false, "matter": "court_order"},
	})
	d.allow == false
	testing.not_cited(d, "kallu.disclosure.likely_order")
}

# --- card details and payment processing ----------------------------------------------------------

# clause: kallu.security.payment
test_card_details_to_payment_processor_are_allowed_with_contract_obligation if {
	d := privacy.decision with data.privacy.request.document as _payment({})
	testing.allowed_by(d, "kallu.security.payment")
	testing.has_obligation(d, "contract_required")
}

# clause: kallu.security.payment
test_payment_processor_under_contract_needs_no_contract_obligation if {
	d := privacy.decision with data.privacy.request.document as _payment({"recipient": {"kind": "service_provider", "name": "PayCo", "under_contract": true}})
	d.allow == true
	testing.not_obliged(d, "contract_required")
	testing.has_obligation(d, "retention_limit")
}

# clause: kallu.security.payment
# L77: an electronic financial transaction is protected by encryption, whoever processes it.
test_payment_transaction_carries_encryption_obligation if {
	d := privacy.decision with data.privacy.request.document as _payment({})
	d.allow == true
	testing.obliged(d, "encrypt_transaction", "kallu.security.payment")
}

# clause: kallu.security.payment
test_flow_other_than_payment_carries_no_encryption_obligation if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family"}})
	d.allow == true
	testing.not_obliged(d, "encrypt_transaction")
}

# clause: kallu.security.payment
test_card_details_for_analytics_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial"],
		"data_use": "analytics.reporting",
	})
	testing.denied_by(d, "kallu.security.payment")
}

# clause: kallu.security.payment
test_payment_processor_with_profile_data_is_denied if {
	d := privacy.decision with data.privacy.request.document as _payment({"data_categories": ["user.financial.credit_card", "user.demographic.gender"]})
	d.allow == false
	testing.not_cited(d, "kallu.security.payment")
	testing.cites(d, "kallu.disclosure.default_deny")
}

# --- Google cookies ----------------------------------------------------------------------------------

# clause: kallu.cookies.google
test_google_analytics_cookie_data_with_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _google({})
	testing.allowed_by(d, "kallu.cookies.google")
}

# clause: kallu.cookies.google
test_google_adwords_cookie_data_with_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _google({
		"data_use": "marketing.advertising.third_party.targeted",
		"consents": ["marketing.advertising"],
	})
	testing.allowed_by(d, "kallu.cookies.google")
}

# clause: kallu.cookies.google
test_google_cookie_data_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"consents": []})
	d.allow == false
	testing.not_cited(d, "kallu.cookies.google")
}

# clause: kallu.cookies.google
test_other_analytics_vendor_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"recipient": {"kind": "service_provider", "name": "OtherAnalytics", "country": "IE"}})
	d.allow == false
	testing.not_cited(d, "kallu.cookies.google")
	testing.cites(d, "kallu.disclosure.default_deny")
}

# clause: kallu.cookies.google
test_email_address_to_advertising_partner_is_denied_even_with_consent if {
	d := privacy.decision with data.privacy.request.document as _marketing({
		"recipient": {"kind": "advertising_partner", "name": "Google"},
		"consents": ["marketing"],
	})
	testing.denied_by(d, "kallu.cookies.google")
}

# --- international transfers ----------------------------------------------------------------------------

# clause: kallu.transfer.countries
test_first_party_servers_in_eea_are_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "first_party", "country": "DE"}})
	testing.allowed_by(d, "kallu.transfer.countries")
}

# clause: kallu.transfer.countries
test_first_party_servers_in_inadequate_country_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "first_party", "country": "US"}})
	testing.denied_by(d, "kallu.transfer.countries")
}

# clause: kallu.transfer.countries
test_group_company_in_adequate_country_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family", "country": "JP"}})
	d.allow == true
	testing.not_cited(d, "kallu.transfer.countries")
}

# clause: kallu.transfer.countries
test_google_in_us_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"recipient": {"kind": "advertising_partner", "name": "Google LLC", "country": "US"}})
	testing.denied_by(d, "kallu.transfer.countries")
}

# clause: kallu.transfer.countries
test_court_order_from_inadequate_country_is_denied if {
	d := privacy.decision with data.privacy.request.document as _legal({
		"recipient": {"kind": "law_enforcement", "country": "CN"},
		"legal_request": {"verified": true, "matter": "court_order"},
	})
	testing.denied_by(d, "kallu.transfer.countries")
}

# clause: kallu.transfer.countries
test_transfer_rule_does_not_apply_without_country if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_cited(d, "kallu.transfer.countries")
}

# --- retention -----------------------------------------------------------------------------------------------

# clause: kallu.disclosure.group
# L49: "only if necessary for the purposes set out in this policy".
test_group_flow_carries_necessary_only if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family"}})
	d.allow == true
	testing.obliged(d, "necessary_only", "kallu.disclosure.group")
}

# clause: kallu.disclosure.group
test_own_use_carries_no_necessary_only if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_obliged(d, "necessary_only")
}

# clause: kallu.publication.consent
# L44: the user's privacy settings limit what is published.
test_published_content_honours_privacy_settings if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.public", "user.account.username"],
		"recipient": {"kind": "public"},
	})
	d.allow == true
	testing.obliged(d, "honour_privacy_settings", "kallu.publication.consent")
}

# clause: kallu.publication.consent
test_own_use_carries_no_privacy_settings_obligation if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_obliged(d, "honour_privacy_settings")
}

# clause: kallu.retention.limits
test_group_flow_carries_retention_limit if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family"}})
	d.allow == true
	testing.obliged(d, "retention_limit", "kallu.retention.limits")
	some o in d.obligations
	o.code == "retention_limit"
	o.period == "as long as necessary for the purpose"
}

# clause: kallu.retention.limits
test_legal_disclosure_carries_no_retention_limit if {
	d := privacy.decision with data.privacy.request.document as _legal({"legal_request": {"verified": true, "matter": "required_by_law"}})
	d.allow == true
	testing.not_obliged(d, "retention_limit")
}

# --- several clauses at once ----------------------------------------------------------------------------------

# clause: kallu.sale.never
test_sale_of_card_details_to_us_advertiser_cites_every_forbidding_clause if {
	d := privacy.decision with data.privacy.request.document as _marketing({
		"action": "sell",
		"data_categories": ["user.financial.credit_card", "user.contact.email"],
		"data_use": "marketing.communications.email",
		"recipient": {"kind": "advertising_partner", "name": "AdCo", "country": "US"},
		"opt_outs": ["marketing_communications"],
	})
	d.allow == false
	clauses := {r.clause | some r in d.reasons}
	clauses == {
		"kallu.cookies.google", "kallu.marketing.channel", "kallu.sale.never", "kallu.security.payment",
		"kallu.sharing.direct_marketing", "kallu.transfer.countries",
	}
}

# clause: kallu.marketing.channel
test_allowed_marketing_lists_all_its_obligations if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"consents": ["marketing.communications"],
		"recipient": {"kind": "first_party", "country": "FR"},
	})
	d.allow == true
	codes := {o.code | some o in d.obligations}
	codes == {"honour_opt_out", "retention_limit"}
}

# clause: kallu.marketing.channel
test_email_marketing_without_agreement_is_denied_as_electronic_marketing if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name"],
		"data_use": "marketing.communications.email",
		"recipient": {"kind": "first_party"},
	})
	testing.denied_with(d, "electronic_marketing_without_consent")
	some r in d.reasons
	r.code == "electronic_marketing_without_consent"
	r.clause == "kallu.marketing.channel"
}

# clause: kallu.marketing.channel
test_electronic_marketing_uses_sit_under_marketing_communications if {
	every use in data.privacy.companies.kallu.facts.electronic_marketing_uses {
		some root in data.privacy.companies.kallu.facts.marketing_communications
		startswith(concat("", [use, "."]), concat("", [root, "."]))
	}
}
