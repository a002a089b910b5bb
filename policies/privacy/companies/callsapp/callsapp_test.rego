package privacy.companies.callsapp_test

import data.privacy
import data.privacy.testing

# Tests replace the request document (see privacy.request) with inputs built by a
# function (_req, _ad): regopy aborts on `with ... as <rule>`.
_req(extra) := object.union({
	"company": "callsapp",
	"data_categories": ["user.name"],
	"data_use": "essential.service",
	"recipient": {"kind": "first_party"},
}, extra)

# A message the user sends to the other users in a conversation (L5, L13).
_conversation := _req({
	"data_categories": ["user.content.private", "user.name"],
	"recipient": {"kind": "other_users"},
	"requested_by_subject": true,
})

# A chat the user wrote to a bot, on its way to the bot's owner (L15).
_bot_chat := _req({
	"data_categories": ["user.content.private", "user.name"],
	"recipient": {"kind": "business_customer", "name": "Pizza Palace"},
	"requested_by_subject": true,
})

# A bot admin's notification to a subscriber (L46).
_bot_notice := _req({
	"data_categories": ["user.unique_id", "user.name"],
	"data_use": "essential.service.notifications",
	"recipient": {"kind": "business_customer"},
	"requested_by_subject": true,
})

_no_obligation_of(d, clause) if {
	every o in d.obligations {
		o.clause != clause
	}
}

# The ad-partner flow of the decision contract's example.
_ad(extra) := object.union({
	"company": "callsapp",
	"data_categories": ["user.device.advertising_id", "user.demographic.language"],
	"data_use": "marketing.advertising.third_party.targeted",
	"recipient": {"kind": "advertising_partner", "name": "AdCo Ltd", "country": "US", "under_contract": true},
	"subject": {"age": 34, "country": "DE"},
	"consents": ["marketing.advertising"],
	"identifiability": "pseudonymous",
}, extra)

# --- callsapp.consent.by_use ---------------------------------------------------

# clause: callsapp.consent.by_use
test_unpermitted_flow_cites_catch_all if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "third_party"}, "data_use": "analytics.reporting"})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.consent.by_use
test_sale_of_user_data_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({"action": "sell"})
	testing.denied_by(d, "callsapp.consent.by_use")
	testing.denied_with(d, "sale_not_described")
}

# clause: callsapp.consent.by_use
test_sale_of_aggregated_data_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"action": "sell", "identifiability": "aggregated", "recipient": {"kind": "third_party"}, "data_use": "finance"})
	testing.denied_with(d, "sale_not_described")
}

# clause: callsapp.consent.by_use
test_described_flow_does_not_cite_catch_all if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_cited(d, "callsapp.consent.by_use")
}

# --- callsapp.content.no_access / callsapp.content.e2ee ------------------------

# clause: callsapp.content.no_access
test_private_content_to_callsapp_itself_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.private"]})
	testing.denied_by(d, "callsapp.content.no_access")
}

# clause: callsapp.content.no_access
test_private_content_with_consent_to_provider_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"recipient": {"kind": "service_provider", "under_contract": true},
		"consents": ["essential"],
	})
	testing.denied_by(d, "callsapp.content.no_access")
	testing.denied_by(d, "callsapp.content.e2ee")
}

# clause: callsapp.content.no_access
test_broad_content_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content"], "recipient": {"kind": "corporate_family"}})
	testing.denied_by(d, "callsapp.content.no_access")
}

# clause: callsapp.content.no_access
test_no_access_rule_does_not_apply_to_public_posts if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.public"], "recipient": {"kind": "public"}})
	d.allow == true
	testing.not_cited(d, "callsapp.content.no_access")
}

# clause: callsapp.content.e2ee
test_private_content_to_verified_law_enforcement_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"data_use": "essential.legal_obligation",
		"recipient": {"kind": "law_enforcement"},
		"legal_request": {"verified": true, "matter": "terrorism"},
	})
	testing.denied_by(d, "callsapp.content.e2ee")
}

# clause: callsapp.content.e2ee
test_e2ee_rule_does_not_apply_to_callsapp_itself if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.private"]})
	testing.not_cited(d, "callsapp.content.e2ee")
}

# --- callsapp.collection.device_fraud -----------------------------------------

# clause: callsapp.collection.device_fraud
test_sensitive_data_to_corporate_family_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.demographic.religious_belief"],
		"recipient": {"kind": "corporate_family"},
		"data_use": "analytics.reporting",
	})
	testing.denied_by(d, "callsapp.collection.device_fraud")
}

# clause: callsapp.collection.device_fraud
test_sensitive_data_rule_does_not_apply_to_language if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.demographic.language"],
		"recipient": {"kind": "corporate_family"},
		"data_use": "analytics.reporting",
	})
	d.allow == true
	testing.not_cited(d, "callsapp.collection.device_fraud")
}

# --- callsapp.collection.address_book -----------------------------------------

# clause: callsapp.collection.address_book
test_address_book_to_service_provider_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.social.contacts"],
		"recipient": {"kind": "service_provider", "under_contract": true},
	})
	testing.denied_by(d, "callsapp.collection.address_book")
}

# clause: callsapp.collection.address_book
test_address_book_for_callsapp_analytics_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.social.contacts"], "data_use": "analytics.reporting"})
	testing.denied_by(d, "callsapp.collection.address_book")
}

# clause: callsapp.collection.address_book
test_address_book_matching_by_callsapp_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.social.contacts"]})
	d.allow == true
	testing.not_cited(d, "callsapp.collection.address_book")
}

# clause: callsapp.collection.address_book
test_join_notice_to_contacts_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.phone_number"],
		"recipient": {"kind": "other_users"},
		"data_use": "essential.service.notifications",
	})
	testing.allowed_by(d, "callsapp.collection.address_book")
}

# --- callsapp.visibility.profile / activity -----------------------------------

# clause: callsapp.visibility.profile
test_name_and_photo_to_other_users_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.content.self_image"],
		"recipient": {"kind": "other_users"},
	})
	testing.allowed_by(d, "callsapp.visibility.profile")
}

# clause: callsapp.visibility.profile
test_email_to_other_users_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email"],
		"recipient": {"kind": "other_users"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.visibility.profile")
}

# clause: callsapp.visibility.activity
test_call_information_to_other_users_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"recipient": {"kind": "other_users"},
	})
	testing.allowed_by(d, "callsapp.visibility.activity")
}

# clause: callsapp.visibility.activity
test_call_information_to_the_public_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"recipient": {"kind": "public"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.visibility.activity
# L27: other users may be told that the user uses a service or app.
test_app_use_to_other_users_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior"],
		"data_use": "personalize",
		"recipient": {"kind": "other_users"},
	})
	testing.allowed_by(d, "callsapp.visibility.activity")
}

# clause: callsapp.visibility.activity
# L78: the privacy settings can hide which apps and games the user uses.
test_app_use_shown_within_privacy_settings if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior"],
		"data_use": "personalize",
		"recipient": {"kind": "other_users"},
	})
	d.allow == true
	testing.obliged(d, "honour_privacy_settings", "callsapp.visibility.activity")
}

# clause: callsapp.visibility.activity
test_call_information_carries_no_app_use_setting if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"recipient": {"kind": "other_users"},
	})
	d.allow == true
	testing.not_obliged(d, "honour_privacy_settings")
}

# clause: callsapp.visibility.activity
test_own_use_of_app_use_carries_no_app_use_setting if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.behavior"], "data_use": "personalize"})
	d.allow == true
	testing.not_obliged(d, "honour_privacy_settings")
}

# clause: callsapp.visibility.activity
# L27 names the usage fact only, not the browsing history.
test_browsing_history_to_other_users_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.browsing_history"],
		"data_use": "personalize",
		"recipient": {"kind": "other_users"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.visibility.activity")
}

# --- callsapp.public_content --------------------------------------------------

# clause: callsapp.public_content
test_public_post_to_the_public_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.public"], "recipient": {"kind": "public"}})
	testing.allowed_by(d, "callsapp.public_content")
}

# clause: callsapp.public_content
test_public_post_trend_analysis_by_callsapp_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.public"], "data_use": "analytics.reporting"})
	testing.allowed_by(d, "callsapp.public_content")
}

# clause: callsapp.public_content
# L71, L75: the user can delete a post, and it is removed from CallsApp's services.
test_public_post_is_removed_when_the_user_deletes_it if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.public"], "recipient": {"kind": "public"}})
	d.allow == true
	testing.obliged(d, "delete_on_user_request", "callsapp.public_content")
}

# clause: callsapp.public_content
test_callsapp_own_use_of_public_posts_carries_no_deletion_obligation if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.public"], "data_use": "analytics.reporting"})
	d.allow == true
	testing.not_obliged(d, "delete_on_user_request")
}

# clause: callsapp.public_content
test_name_shown_to_other_users_carries_no_deletion_obligation if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "other_users"}})
	d.allow == true
	testing.not_obliged(d, "delete_on_user_request")
}

# clause: callsapp.public_content
test_photo_to_the_public_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.self_image"], "recipient": {"kind": "public"}})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.public_content")
}

# --- callsapp.use.core / use.network / fraud.automated -------------------------

# clause: callsapp.use.core
test_callsapp_own_service_use_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.name", "user.contact.email", "user.payment"]})
	testing.allowed_by(d, "callsapp.use.core")
}

# clause: callsapp.use.core
test_callsapp_own_use_for_ai_training_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "train_ai_system"})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.use.core")
}

# clause: callsapp.use.network
test_network_analysis_of_call_logs_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records", "user.telemetry"],
		"data_use": "analytics.reporting",
	})
	testing.allowed_by(d, "callsapp.use.network")
}

# clause: callsapp.use.network
test_network_analysis_does_not_cover_email if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.contact.email"], "data_use": "analytics.reporting"})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.fraud.automated
test_callsapp_fraud_detection_with_device_data_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.device.device_id", "user.device.ip_address"],
		"data_use": "essential.fraud_detection",
	})
	testing.allowed_by(d, "callsapp.fraud.automated")
}

# clause: callsapp.fraud.automated
test_fraud_rule_does_not_permit_outside_parties if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.device.device_id"],
		"data_use": "essential.fraud_detection",
		"recipient": {"kind": "third_party"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.fraud.automated")
}

# --- callsapp.marketing.offers ------------------------------------------------

# clause: callsapp.marketing.offers
test_callsapp_own_offers_are_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.contact.email"], "data_use": "marketing.communications.email"})
	testing.allowed_by(d, "callsapp.marketing.offers")
	testing.obliged(d, "honour_opt_out", "callsapp.marketing.offers")
}

# clause: callsapp.marketing.offers
test_declined_offers_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email"],
		"data_use": "marketing.communications.email",
		"opt_outs": ["marketing_communications"],
	})
	testing.denied_with(d, "marketing_communications_declined")
	testing.denied_by(d, "callsapp.marketing.offers")
}

# clause: callsapp.marketing.offers
test_third_party_marketing_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email"],
		"data_use": "marketing.communications.email",
		"recipient": {"kind": "third_party", "name": "Mailer Ltd"},
	})
	testing.denied_with(d, "third_party_marketing_without_consent")
}

# clause: callsapp.marketing.offers
test_third_party_marketing_with_consent_is_still_not_permitted if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email"],
		"data_use": "marketing.communications.email",
		"recipient": {"kind": "third_party", "name": "Mailer Ltd"},
		"consents": ["marketing.communications"],
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.marketing.offers
# L80: asking for no correspondence at all declines the offers too.
test_all_correspondence_opt_out_stops_offers if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email"],
		"data_use": "marketing.communications.email",
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_with(d, "marketing_communications_declined")
	testing.denied_by(d, "callsapp.marketing.offers")
}

# clause: callsapp.marketing.offers
# L80: service updates (transactions, policy changes, technical issues) are not declinable.
test_all_correspondence_opt_out_does_not_stop_service_updates if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email"],
		"data_use": "essential.service.notifications.email",
		"opt_outs": ["all_correspondence"],
	})
	testing.allowed_by(d, "callsapp.use.core")
	testing.not_cited(d, "callsapp.marketing.offers")
}

# clause: callsapp.marketing.offers
test_offer_opt_out_does_not_affect_service_use if {
	d := privacy.decision with data.privacy.request.document as _req({"opt_outs": ["marketing_communications"]})
	d.allow == true
	testing.not_cited(d, "callsapp.marketing.offers")
}

# --- callsapp.location --------------------------------------------------------

# clause: callsapp.location
test_precise_location_for_personalisation_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.location.precise"], "data_use": "personalize.content"})
	testing.denied_by(d, "callsapp.location")
}

# clause: callsapp.location
test_precise_location_for_personalisation_with_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.location.precise"],
		"data_use": "personalize.content",
		"consents": ["personalize"],
	})
	d.allow == true
	testing.not_cited(d, "callsapp.location")
}

# clause: callsapp.location
test_precise_location_for_the_service_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.location.precise"]})
	d.allow == true
	testing.not_cited(d, "callsapp.location")
}

# clause: callsapp.location
# L46: permission before location data serves offers, whatever its precision.
test_imprecise_location_for_offers_without_permission_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.location.imprecise"], "data_use": "marketing.communications"})
	testing.denied_with(d, "location_offers_without_permission")
	testing.denied_by(d, "callsapp.location")
}

# clause: callsapp.location
# L46: the same for in-app offers (CallsApp's own targeted ads, L40).
test_imprecise_location_for_in_app_ads_without_permission_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.location.imprecise"], "data_use": "marketing.advertising.first_party.targeted"})
	testing.denied_with(d, "location_offers_without_permission")
}

# clause: callsapp.location
# L46: once the user allowed it, location-based offers are CallsApp's own offers (L44, L80).
test_imprecise_location_for_offers_with_permission_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.location.imprecise"],
		"data_use": "marketing.communications",
		"consents": ["marketing.communications"],
	})
	testing.allowed_by(d, "callsapp.marketing.offers")
	testing.not_cited(d, "callsapp.location")
}

# clause: callsapp.location
# L42: network analysis with imprecise location is no offer.
test_location_offer_rule_does_not_apply_to_network_analysis if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.location.imprecise"], "data_use": "analytics.reporting"})
	testing.allowed_by(d, "callsapp.use.network")
	testing.not_cited(d, "callsapp.location")
}

# --- callsapp.calls.cdr -------------------------------------------------------

# clause: callsapp.calls.cdr
test_call_details_to_called_party_carrier_are_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"recipient": {"kind": "third_party", "name": "Called Party Telecom"},
	})
	testing.allowed_by(d, "callsapp.calls.cdr")
}

# clause: callsapp.calls.cdr
test_call_details_to_carrier_for_analytics_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "third_party"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.calls.cdr")
}

# --- callsapp.payment ---------------------------------------------------------

# clause: callsapp.payment
test_payment_data_to_contracted_processor_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.phone_number", "user.financial.credit_card"],
		"data_use": "essential.service.payment_processing",
		"recipient": {"kind": "service_provider", "name": "PayCo", "under_contract": true},
	})
	testing.allowed_by(d, "callsapp.payment")
}

# clause: callsapp.payment
test_payment_data_to_processor_without_contract_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.financial.credit_card"],
		"data_use": "essential.service.payment_processing",
		"recipient": {"kind": "service_provider", "name": "PayCo"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.payment
test_card_data_for_analytics_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "service_provider", "under_contract": true},
	})
	testing.denied_with(d, "card_data_only_for_payment")
	testing.denied_by(d, "callsapp.payment")
}

# clause: callsapp.payment
test_broad_financial_data_to_callsapp_marketing_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.financial"], "data_use": "marketing.communications"})
	testing.denied_with(d, "card_data_only_for_payment")
}

# clause: callsapp.payment
test_aggregated_fee_data_to_carrier_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"data_use": "finance",
		"recipient": {"kind": "third_party", "name": "Carrier SA"},
		"identifiability": "aggregated",
	})
	testing.allowed_by(d, "callsapp.payment")
}

# clause: callsapp.payment
test_identifiable_fee_data_to_carrier_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"data_use": "finance",
		"recipient": {"kind": "third_party", "name": "Carrier SA"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.payment")
}

# --- callsapp.disclosure.group ------------------------------------------------

# clause: callsapp.disclosure.group
test_named_parent_t_one_gets_analytics_data_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.behavior"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "corporate_family", "name": " t-one corporation inc. "},
	})
	testing.allowed_by(d, "callsapp.disclosure.group")
}

# clause: callsapp.disclosure.group
test_named_parent_callsapp_inc_for_fraud_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email"],
		"data_use": "essential.fraud_detection",
		"recipient": {"kind": "corporate_family", "name": "CallsApp Inc."},
	})
	testing.allowed_by(d, "callsapp.disclosure.group")
}

# clause: callsapp.disclosure.group
test_unnamed_group_recipient_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "personalize", "recipient": {"kind": "corporate_family"}})
	testing.allowed_by(d, "callsapp.disclosure.group")
}

# clause: callsapp.disclosure.group
# L35, L58: the user can delink the account from the group's at any time.
test_joint_account_sharing_honours_delinking if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "personalize", "recipient": {"kind": "corporate_family"}})
	d.allow == true
	some o in d.obligations
	o.code == "honour_opt_out"
	o.clause == "callsapp.disclosure.group"
	o.opt_out == "group_account_link"
}

# clause: callsapp.disclosure.group
# L58 (ii): fraud sharing outlives delinking, so it carries no delinking opt-out.
test_group_fraud_sharing_carries_no_delinking_opt_out if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.fraud_detection",
		"recipient": {"kind": "corporate_family"},
	})
	d.allow == true
	_no_obligation_of(d, "callsapp.disclosure.group")
}

# clause: callsapp.disclosure.group
test_own_use_carries_no_delinking_opt_out if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "personalize"})
	d.allow == true
	_no_obligation_of(d, "callsapp.disclosure.group")
}

# clause: callsapp.disclosure.group
test_unknown_group_company_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family", "name": "Other Holdings Ltd"}})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.disclosure.group")
}

# clause: callsapp.disclosure.group
test_delinked_group_account_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"recipient": {"kind": "corporate_family", "name": "CallsApp Inc."},
		"opt_outs": ["group_account_link"],
	})
	testing.denied_with(d, "group_account_delinked")
	testing.denied_by(d, "callsapp.disclosure.group")
}

# clause: callsapp.disclosure.group
# L58 (ii): fraud prevention is a ground of its own; delinking (L35) ends the joint account only.
test_delinked_group_account_fraud_prevention_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email", "user.device.device_id"],
		"data_use": "essential.fraud_detection",
		"recipient": {"kind": "corporate_family", "name": "T-One Corporation Inc."},
		"opt_outs": ["group_account_link"],
	})
	testing.allowed_by(d, "callsapp.disclosure.group")
	testing.not_cited(d, "callsapp.consent.by_use")
}

# clause: callsapp.disclosure.group
# L58 (ii) covers data security breaches too.
test_delinked_group_account_security_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.security",
		"recipient": {"kind": "corporate_family"},
		"opt_outs": ["group_account_link"],
	})
	testing.allowed_by(d, "callsapp.disclosure.group")
}

# clause: callsapp.disclosure.group
# A broad use that reaches beyond ground (ii) is still stopped by delinking.
test_delinked_group_account_broad_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential",
		"recipient": {"kind": "corporate_family"},
		"opt_outs": ["group_account_link"],
	})
	testing.denied_with(d, "group_account_delinked")
}

# clause: callsapp.disclosure.group
test_group_sharing_for_third_party_advertising_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.advertising.third_party.targeted",
		"recipient": {"kind": "corporate_family", "name": "CallsApp Inc."},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# --- callsapp.disclosure.service_providers ------------------------------------

# clause: callsapp.disclosure.service_providers
test_contracted_provider_for_spam_investigation_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.phone_number", "user.device"],
		"data_use": "essential.fraud_detection",
		"recipient": {"kind": "service_provider", "name": "SpamGuard", "under_contract": true},
	})
	testing.allowed_by(d, "callsapp.disclosure.service_providers")
	testing.obliged(d, "contract_required", "callsapp.disclosure.service_providers")
}

# clause: callsapp.disclosure.service_providers
test_provider_without_contract_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.fraud_detection",
		"recipient": {"kind": "service_provider", "name": "SpamGuard"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.disclosure.service_providers")
}

# clause: callsapp.disclosure.service_providers
test_partnership_feature_with_pseudonymous_id_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id.pseudonymous"],
		"data_use": "functional.service",
		"recipient": {"kind": "third_party", "name": "GameCo", "under_contract": true},
		"identifiability": "pseudonymous",
	})
	testing.allowed_by(d, "callsapp.disclosure.service_providers")
}

# clause: callsapp.disclosure.service_providers
test_partnership_feature_with_identifiable_data_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id.pseudonymous"],
		"data_use": "functional.service",
		"recipient": {"kind": "third_party", "name": "GameCo", "under_contract": true},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.disclosure.service_providers
test_partnership_feature_with_email_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email"],
		"data_use": "functional.service",
		"recipient": {"kind": "third_party", "name": "GameCo", "under_contract": true},
		"identifiability": "pseudonymous",
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# --- callsapp.sharing.acquisition_ids -----------------------------------------

# clause: callsapp.sharing.acquisition_ids
test_acquisition_identifiers_to_contracted_provider_are_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id", "user.device.advertising_id"],
		"data_use": "marketing.advertising",
		"recipient": {"kind": "service_provider", "name": "GrowthCo", "under_contract": true},
	})
	testing.allowed_by(d, "callsapp.sharing.acquisition_ids")
}

# clause: callsapp.sharing.acquisition_ids
test_acquisition_with_email_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id", "user.contact.email"],
		"data_use": "marketing.advertising",
		"recipient": {"kind": "service_provider", "name": "GrowthCo", "under_contract": true},
	})
	# an advertising service provider (L62) gets no direct identifiers
	testing.denied_with(d, "direct_identifiers_to_ad_partner")
	testing.not_cited(d, "callsapp.sharing.acquisition_ids")
}

# clause: callsapp.sharing.advertising_id
test_withheld_advertising_id_to_provider_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id", "user.device.advertising_id"],
		"data_use": "marketing.advertising",
		"recipient": {"kind": "service_provider", "name": "GrowthCo", "under_contract": true},
		"opt_outs": ["advertising_id"],
	})
	testing.denied_with(d, "advertising_id_not_shared")
}

# --- callsapp.sharing.advertising_id ------------------------------------------

# clause: callsapp.sharing.advertising_id
test_ad_partner_gets_ad_id_and_technical_data_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _ad({"data_categories": [
		"user.device.advertising_id", "user.demographic.language", "user.contact.address.city",
		"user.contact.address.country", "user.device",
	]})
	testing.allowed_by(d, "callsapp.sharing.advertising_id")
	testing.obliged(d, "honour_opt_out", "callsapp.sharing.advertising_id")
}

# clause: callsapp.sharing.advertising_id
# L62 "your language preference, country, city": city and country asked as imprecise location.
test_ad_partner_gets_city_as_imprecise_location_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _ad({"data_categories": [
		"user.device.advertising_id", "user.location.imprecise",
	]})
	testing.allowed_by(d, "callsapp.sharing.advertising_id")
}

# clause: callsapp.sharing.advertising_id
# L62 names city and country, not a precise position.
test_ad_partner_precise_location_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({"data_categories": [
		"user.device.advertising_id", "user.location.precise",
	]})
	d.allow == false
	testing.not_cited(d, "callsapp.sharing.advertising_id")
}

# clause: callsapp.sharing.advertising_id
test_ad_partner_identifiable_flow_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({"identifiability": "identifiable"})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.sharing.advertising_id
test_ad_partner_name_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({"data_categories": ["user.device.advertising_id", "user.name"]})
	testing.denied_with(d, "direct_identifiers_to_ad_partner")
}

# clause: callsapp.sharing.advertising_id
test_ad_partner_street_address_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({"data_categories": ["user.device.advertising_id", "user.contact.address"]})
	testing.denied_with(d, "direct_identifiers_to_ad_partner")
}

# clause: callsapp.sharing.advertising_id
test_ad_partner_ip_address_is_not_permitted if {
	d := privacy.decision with data.privacy.request.document as _ad({"data_categories": ["user.device.advertising_id", "user.device.ip_address"]})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.sharing.advertising_id
test_ad_partner_with_advertising_id_withheld_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({"opt_outs": ["advertising_id"]})
	testing.denied_with(d, "advertising_id_withheld")
	testing.denied_by(d, "callsapp.sharing.advertising_id")
}

# clause: callsapp.sharing.advertising_id
test_ad_partner_with_personalised_ads_opt_out_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({"opt_outs": ["personalized_advertising"]})
	testing.denied_with(d, "personalized_advertising_opted_out")
}

# clause: callsapp.sharing.advertising_id
test_ad_id_rule_does_not_apply_to_callsapp_itself if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.device.advertising_id"],
		"data_use": "marketing.advertising.first_party.targeted",
		"opt_outs": ["advertising_id"],
	})
	testing.not_cited(d, "callsapp.sharing.advertising_id")
}

# --- callsapp.cookies ---------------------------------------------------------

# clause: callsapp.cookies
test_eea_ad_partner_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({"consents": []})
	testing.denied_with(d, "eea_tracking_without_consent")
	testing.denied_by(d, "callsapp.cookies")
}

# clause: callsapp.cookies
test_non_eea_ad_partner_without_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _ad({"consents": [], "subject": {"age": 34, "country": "BR"}})
	testing.allowed_by(d, "callsapp.sharing.advertising_id")
	testing.not_cited(d, "callsapp.cookies")
}

# --- callsapp.us_rights -------------------------------------------------------

# clause: callsapp.us_rights
test_californian_sale_opt_out_stops_ad_sharing if {
	d := privacy.decision with data.privacy.request.document as _ad({
		"subject": {"age": 34, "country": "US", "subdivision": "US-CA"},
		"opt_outs": ["sale"],
	})
	testing.denied_with(d, "ccpa_opt_out_of_sale")
	testing.denied_by(d, "callsapp.us_rights")
}

# clause: callsapp.us_rights
test_californian_without_opt_out_gets_ads_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _ad({"subject": {"age": 34, "country": "US", "subdivision": "US-CA"}})
	d.allow == true
	testing.not_cited(d, "callsapp.us_rights")
}

# --- callsapp.disclosure.law_enforcement --------------------------------------

# clause: callsapp.disclosure.law_enforcement
test_verified_terrorism_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.phone_number", "user.behavior.call_detail_records"],
		"data_use": "third_party_sharing.legal_obligation",
		"recipient": {"kind": "law_enforcement", "name": "Police"},
		"legal_request": {"verified": true, "matter": "terrorism"},
	})
	testing.allowed_by(d, "callsapp.disclosure.law_enforcement")
}

# clause: callsapp.disclosure.law_enforcement
test_authorised_third_party_with_verified_court_order_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.legal_obligation",
		"recipient": {"kind": "third_party", "name": "Court-appointed receiver"},
		"legal_request": {"verified": true, "matter": "court_order"},
	})
	testing.allowed_by(d, "callsapp.disclosure.law_enforcement")
}

# clause: callsapp.disclosure.law_enforcement
test_unverified_legal_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.legal_obligation",
		"recipient": {"kind": "law_enforcement"},
		"legal_request": {"verified": false, "matter": "criminal_investigation"},
	})
	testing.denied_by(d, "callsapp.disclosure.law_enforcement")
}

# clause: callsapp.disclosure.law_enforcement
test_law_enforcement_without_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "essential.legal_obligation", "recipient": {"kind": "law_enforcement"}})
	testing.denied_with(d, "law_enforcement_without_verified_request")
}

# clause: callsapp.disclosure.law_enforcement
test_national_security_matter_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.legal_obligation",
		"recipient": {"kind": "law_enforcement"},
		"legal_request": {"verified": true, "matter": "national_security"},
	})
	testing.denied_by(d, "callsapp.disclosure.law_enforcement")
}

# clause: callsapp.disclosure.law_enforcement
# L64: fraud is an activity that may expose CallsApp or users to legal liability.
test_verified_fraud_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.phone_number", "user.behavior.call_detail_records"],
		"data_use": "third_party_sharing.legal_obligation",
		"recipient": {"kind": "law_enforcement", "name": "Police"},
		"legal_request": {"verified": true, "matter": "fraud_prevention"},
	})
	testing.allowed_by(d, "callsapp.disclosure.law_enforcement")
}

# clause: callsapp.disclosure.law_enforcement
# L64: still only on a verified request.
test_unverified_fraud_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.legal_obligation",
		"recipient": {"kind": "law_enforcement"},
		"legal_request": {"verified": false, "matter": "fraud_prevention"},
	})
	testing.denied_with(d, "law_enforcement_without_verified_request")
}

# clause: callsapp.disclosure.law_enforcement
test_verified_request_for_analytics_is_not_permitted if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "analytics.reporting",
		"recipient": {"kind": "law_enforcement"},
		"legal_request": {"verified": true, "matter": "terrorism"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.disclosure.law_enforcement")
}

# --- callsapp.disclosure.change_of_control ------------------------------------

# clause: callsapp.disclosure.change_of_control
test_acquirer_is_allowed_with_prior_notice if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email", "user.account"],
		"recipient": {"kind": "acquirer", "name": "NewCo"},
	})
	testing.allowed_by(d, "callsapp.disclosure.change_of_control")
	testing.obliged(d, "prior_notice", "callsapp.disclosure.change_of_control")
}

# clause: callsapp.disclosure.change_of_control
test_acquirer_for_advertising_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "marketing.advertising", "recipient": {"kind": "acquirer", "name": "NewCo"}})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.disclosure.change_of_control")
}

# --- callsapp.transfer --------------------------------------------------------

# clause: callsapp.transfer
test_callsapp_servers_in_russia_are_allowed_with_safeguard if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "first_party", "country": "RU"}})
	d.allow == true
	testing.obliged(d, "transfer_safeguard", "callsapp.transfer")
}

# clause: callsapp.transfer
test_callsapp_servers_in_south_africa_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "first_party", "country": "ZA"}})
	testing.denied_with(d, "transfer_outside_storage_regions")
	testing.denied_by(d, "callsapp.transfer")
}

# clause: callsapp.transfer
# L117 bounds CallsApp's own computers; L68: recipients may be outside the user's country.
test_ad_partner_in_canada_is_allowed_with_safeguard if {
	d := privacy.decision with data.privacy.request.document as _ad({"recipient": {"kind": "advertising_partner", "country": "CA"}})
	testing.allowed_by(d, "callsapp.sharing.advertising_id")
	testing.obliged(d, "transfer_safeguard", "callsapp.transfer")
}

# clause: callsapp.transfer
# L33/L68: the called party's operator abroad sees the call details.
test_called_party_carrier_in_canada_is_allowed_with_safeguard if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"recipient": {"kind": "third_party", "name": "Canadian Telecom", "country": "CA"},
	})
	testing.allowed_by(d, "callsapp.calls.cdr")
	testing.not_cited(d, "callsapp.transfer")
	testing.obliged(d, "transfer_safeguard", "callsapp.transfer")
}

# clause: callsapp.transfer
# L64/L68: a verified request from a police force abroad.
test_police_in_canada_with_verified_request_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.legal_obligation",
		"recipient": {"kind": "law_enforcement", "name": "RCMP", "country": "CA"},
		"legal_request": {"verified": true, "matter": "criminal_investigation"},
	})
	testing.allowed_by(d, "callsapp.disclosure.law_enforcement")
	testing.not_cited(d, "callsapp.transfer")
}

# clause: callsapp.transfer
# L68: group companies may sit outside the user's country, outside the storage regions too.
test_group_company_in_south_africa_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family", "country": "ZA"}})
	testing.allowed_by(d, "callsapp.disclosure.group")
	testing.not_cited(d, "callsapp.transfer")
}

# clause: callsapp.transfer
test_provider_outside_the_regions_is_allowed_with_safeguard if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.operations",
		"recipient": {"kind": "service_provider", "country": "ZA", "under_contract": true},
	})
	testing.allowed_by(d, "callsapp.disclosure.service_providers")
	testing.obliged(d, "transfer_safeguard", "callsapp.transfer")
}

# clause: callsapp.transfer
test_callsapp_servers_in_germany_need_no_safeguard if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "first_party", "country": "DE"}})
	d.allow == true
	every o in d.obligations {
		o.clause != "callsapp.transfer"
	}
}

# --- callsapp.children --------------------------------------------------------

# clause: callsapp.children
test_child_under_ten_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 9, "country": "US"}})
	testing.denied_with(d, "child_below_minimum_age")
	testing.denied_by(d, "callsapp.children")
}

# clause: callsapp.children
test_ten_year_old_outside_eea_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 10, "country": "US"}, "data_use": "marketing.communications"})
	d.allow == true
	testing.not_cited(d, "callsapp.children")
}

# clause: callsapp.children
# L114: EEA users under 16 get protective default settings, not a sharing ban.
test_eea_fifteen_year_old_ad_sharing_is_not_banned if {
	d := privacy.decision with data.privacy.request.document as _ad({"subject": {"age": 15, "country": "FR"}})
	testing.allowed_by(d, "callsapp.sharing.advertising_id")
	testing.not_cited(d, "callsapp.children")
}

# clause: callsapp.children
# L114: "сознательно" (knowingly): an unknown age is not a child's.
test_eea_unknown_age_marketing_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"country": "DE"}, "data_use": "marketing.communications"})
	testing.allowed_by(d, "callsapp.marketing.offers")
	testing.not_cited(d, "callsapp.children")
}

# clause: callsapp.children
test_eea_minor_group_sharing_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 12, "country": "IT"}, "recipient": {"kind": "corporate_family"}})
	testing.allowed_by(d, "callsapp.disclosure.group")
	testing.not_cited(d, "callsapp.children")
}

# clause: callsapp.children
# L114 EEA defaults ban nothing: a 14-year-old's call reaches the called operator (L33).
test_eea_fourteen_year_old_call_details_to_called_operator_are_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.call_detail_records"],
		"recipient": {"kind": "third_party", "name": "Orange"},
		"subject": {"age": 14, "country": "DE"},
	})
	testing.allowed_by(d, "callsapp.calls.cdr")
	testing.not_cited(d, "callsapp.children")
}

# clause: callsapp.children
# L114 "knowingly": no age given, outside the EEA, is not a child under 10.
test_unknown_age_is_not_a_child_under_ten if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"country": "US"}, "recipient": {"kind": "corporate_family"}})
	testing.allowed_by(d, "callsapp.disclosure.group")
	testing.not_cited(d, "callsapp.children")
}

# clause: callsapp.children
test_eea_sixteen_year_old_group_sharing_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 16, "country": "IT"}, "recipient": {"kind": "corporate_family"}})
	testing.allowed_by(d, "callsapp.disclosure.group")
	testing.not_cited(d, "callsapp.children")
}

# clause: callsapp.children
test_eea_minor_service_use_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 12, "country": "IT"}})
	d.allow == true
	testing.not_cited(d, "callsapp.children")
}

# --- callsapp.content.bots_not_e2ee / callsapp.bots.messaging ------------------

# clause: callsapp.content.bots_not_e2ee
# L15: a chat the user writes to a bot or public account goes to its owner.
test_chat_with_bot_goes_to_its_owner_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private", "user.name"],
		"recipient": {"kind": "business_customer", "name": "Pizza Palace"},
		"requested_by_subject": true,
	})
	testing.allowed_by(d, "callsapp.content.bots_not_e2ee")
	testing.not_cited(d, "callsapp.content.no_access")
	testing.not_cited(d, "callsapp.content.e2ee")
}

# clause: callsapp.content.bots_not_e2ee
# L15 opens the chat the user wrote, nothing the user did not send.
test_private_content_to_business_customer_not_requested_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"recipient": {"kind": "business_customer"},
	})
	testing.denied_by(d, "callsapp.content.no_access")
	testing.denied_by(d, "callsapp.content.e2ee")
	testing.not_cited(d, "callsapp.content.bots_not_e2ee")
}

# clause: callsapp.content.bots_not_e2ee
# L15: the owner gets the chat for the service, not for analytics.
test_bot_chat_for_owner_analytics_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "business_customer"},
		"requested_by_subject": true,
	})
	testing.denied_by(d, "callsapp.content.no_access")
}

# clause: callsapp.content.bots_not_e2ee
# L5/L111: other private content is end-to-end encrypted, whoever asks.
test_private_content_to_third_party_on_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"recipient": {"kind": "third_party"},
		"requested_by_subject": true,
	})
	testing.denied_by(d, "callsapp.content.e2ee")
	testing.denied_by(d, "callsapp.content.no_access")
}

# clause: callsapp.content.e2ee
# L1, L5, L13: a message the user sends reaches the other users in the conversation.
test_message_sent_to_other_users_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private", "user.name"],
		"recipient": {"kind": "other_users"},
		"requested_by_subject": true,
	})
	testing.allowed_by(d, "callsapp.content.e2ee")
	testing.not_cited(d, "callsapp.content.no_access")
}

# clause: callsapp.content.e2ee
# L5, L111: what the user sends travels end-to-end encrypted.
test_message_sent_to_other_users_is_end_to_end_encrypted if {
	d := privacy.decision with data.privacy.request.document as _conversation
	d.allow == true
	testing.obliged(d, "encrypt_end_to_end", "callsapp.content.e2ee")
}

# clause: callsapp.content.e2ee
test_name_shown_to_other_users_carries_no_encryption_obligation if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "other_users"}})
	d.allow == true
	testing.not_obliged(d, "encrypt_end_to_end")
}

# clause: callsapp.content.undelivered_ttl
# L13: kept until delivered; deleted from the servers if undelivered within two weeks.
test_message_sent_to_other_users_carries_delivery_retention if {
	d := privacy.decision with data.privacy.request.document as _conversation
	testing.obliged(d, "retention_limit", "callsapp.content.undelivered_ttl")
	some o in d.obligations
	o.clause == "callsapp.content.undelivered_ttl"
	o.period == "2 weeks"
}

# clause: callsapp.content.undelivered_ttl
test_name_shown_to_other_users_carries_no_delivery_retention if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "other_users"}})
	d.allow == true
	testing.not_obliged(d, "retention_limit")
}

# clause: callsapp.content.e2ee
# L8, L13: private content the user did not send goes to no other user.
test_private_content_to_other_users_not_sent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"recipient": {"kind": "other_users"},
	})
	testing.denied_by(d, "callsapp.content.e2ee")
	testing.denied_by(d, "callsapp.content.no_access")
}

# clause: callsapp.content.e2ee
# L5, L13: the conversation is the service; other users get no content for analytics.
test_message_to_other_users_for_analytics_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "other_users"},
		"requested_by_subject": true,
	})
	testing.denied_by(d, "callsapp.content.no_access")
}

# clause: callsapp.content.e2ee
# L19: the conversation carries the sender's name and photo, not the e-mail address.
test_message_with_email_to_other_users_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private", "user.contact.email"],
		"recipient": {"kind": "other_users"},
		"requested_by_subject": true,
	})
	d.allow == false
	testing.not_cited(d, "callsapp.content.e2ee")
}

# clause: callsapp.bots.messaging
# L46: writing to or subscribing to a bot lets its admins send notifications.
test_bot_admins_may_notify_subscriber_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id", "user.name"],
		"data_use": "essential.service.notifications",
		"recipient": {"kind": "business_customer"},
		"requested_by_subject": true,
	})
	testing.allowed_by(d, "callsapp.bots.messaging")
}

# clause: callsapp.content.bots_not_e2ee
# L15 (RU): the chat is encrypted on its way to CallsApp and on to the owner.
test_chat_with_bot_is_encrypted_in_transit if {
	d := privacy.decision with data.privacy.request.document as _bot_chat
	d.allow == true
	testing.obliged(d, "encrypt_in_transit", "callsapp.content.bots_not_e2ee")
	_no_obligation_of(d, "callsapp.bots.messaging")
}

# clause: callsapp.bots.messaging
# L46 (RU): the user can decline the admins' notifications at any time.
test_bot_notifications_honour_the_opt_out if {
	d := privacy.decision with data.privacy.request.document as _bot_notice
	d.allow == true
	some o in d.obligations
	o.code == "honour_opt_out"
	o.clause == "callsapp.bots.messaging"
	o.opt_out == "all_correspondence"
}

# clause: callsapp.bots.messaging
# L46 is about the bot's admins: a join notice to contacts carries no bot opt-out.
test_join_notice_carries_no_bot_opt_out if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.phone_number"],
		"data_use": "essential.service.notifications",
		"recipient": {"kind": "other_users"},
	})
	d.allow == true
	_no_obligation_of(d, "callsapp.bots.messaging")
	testing.not_obliged(d, "encrypt_in_transit")
}

# clause: callsapp.bots.messaging
# L46: only after the user wrote or subscribed.
test_bot_admins_without_subscription_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id"],
		"data_use": "essential.service.notifications",
		"recipient": {"kind": "business_customer"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
	testing.not_cited(d, "callsapp.bots.messaging")
}

# clause: callsapp.bots.messaging
# L46: the user can opt out of further notifications at any time.
test_bot_notifications_after_all_correspondence_opt_out_are_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id"],
		"data_use": "essential.service.notifications",
		"recipient": {"kind": "business_customer"},
		"requested_by_subject": true,
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_with(d, "bot_notifications_declined")
	testing.denied_by(d, "callsapp.bots.messaging")
}

# clause: callsapp.bots.messaging
# L46 gives admins the means to notify, not the phone number.
test_bot_admins_get_no_phone_number if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.phone_number"],
		"data_use": "essential.service.notifications",
		"recipient": {"kind": "business_customer"},
		"requested_by_subject": true,
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.bots.messaging
# L80: third parties' offers come from CallsApp; bot admins get nothing for marketing.
test_bot_admin_marketing_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.unique_id"],
		"data_use": "marketing.communications",
		"recipient": {"kind": "business_customer"},
		"requested_by_subject": true,
	})
	testing.denied_with(d, "third_party_marketing_without_consent")
	testing.not_cited(d, "callsapp.bots.messaging")
}

# --- advertising service providers (L62) -----------------------------------------

# clause: callsapp.sharing.advertising_id
# L62 names "advertising service providers" beside the ad partners.
test_advertising_service_provider_gets_ad_id_and_language_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _ad({
		"recipient": {"kind": "service_provider", "name": "AdServe"},
		"subject": {"age": 34, "country": "US"},
		"consents": [],
	})
	testing.allowed_by(d, "callsapp.sharing.advertising_id")
	testing.obliged(d, "honour_opt_out", "callsapp.sharing.advertising_id")
}

# clause: callsapp.cookies
# L100: in the EEA, consent to the tracking use, for ad service providers as for ad partners.
test_eea_advertising_service_provider_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _ad({
		"recipient": {"kind": "service_provider", "name": "AdServe"},
		"consents": [],
	})
	testing.denied_with(d, "eea_tracking_without_consent")
}

# clause: callsapp.cookies
# A provider working on the service is no advertising recipient.
test_eea_service_provider_for_operations_needs_no_tracking_consent if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.operations",
		"recipient": {"kind": "service_provider", "under_contract": true},
		"subject": {"age": 34, "country": "DE"},
	})
	testing.allowed_by(d, "callsapp.disclosure.service_providers")
	testing.not_cited(d, "callsapp.cookies")
}

# --- monotonicity and fail-closed ----------------------------------------------

# clause: callsapp.disclosure.group
test_unlisted_category_added_to_group_flow_falls_to_catch_all if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.authorization.password"],
		"recipient": {"kind": "corporate_family"},
	})
	testing.catch_all_only(d, "callsapp.consent.by_use")
}

# clause: callsapp.consent.by_use
test_unknown_category_is_invalid_input if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.nonsense"]})
	d.allow == false
	some r in d.reasons
	r.code == "invalid_input"
}
