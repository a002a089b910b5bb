package privacy.companies.callmatikpro_test

import data.privacy
import data.privacy.testing

# Tests replace the request document (see privacy.request) with inputs built by a
# function: regopy aborts on `with ... as <rule>`. object.union merges nested
# objects in OPA but replaces them in regopy, so overrides always give the whole
# nested object, and a test that needs a nested field absent sets it to null.
_req(extra) := object.union({
	"company": "callmatikpro",
	"data_categories": ["user.contact.email"],
	"data_use": "essential.service",
	"recipient": {"kind": "first_party"},
	"subject": {"age": 30},
}, extra)

# A flow to Google as ad vendor: pseudonymous cookie data for remarketing.
_google(extra) := object.union(_req({
	"data_categories": ["user.device.cookie_id", "user.behavior.browsing_history"],
	"data_use": "marketing.advertising.third_party.targeted",
	"recipient": {"kind": "advertising_partner", "name": "Google"},
	"identifiability": "pseudonymous",
}), extra)

_contractor := {"kind": "service_provider", "name": "Hosting Co", "under_contract": true}

_catch_all := "callmatikpro.sale.never"

_gateway := {"kind": "service_provider", "name": "Pay Gateway Inc", "under_contract": true}

# --- callmatikpro.sale.never -----------------------------------------------------

# clause: callmatikpro.sale.never
test_sale_of_personal_data_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"action": "sell",
		"recipient": {"kind": "third_party", "name": "Data Broker"},
	})
	testing.denied_by(d, "callmatikpro.sale.never")
	testing.denied_with(d, "sale_forbidden")
}

# clause: callmatikpro.sale.never
test_sale_of_aggregated_data_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"action": "sell",
		"data_categories": ["user.behavior.browsing_history"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "advertising_partner", "name": "Google"},
		"identifiability": "aggregated",
	})
	testing.denied_by(d, "callmatikpro.sale.never")
}

# clause: callmatikpro.sale.never
test_sale_rule_does_not_apply_to_own_disclosure_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_cited(d, "callmatikpro.sale.never")
}

# clause: callmatikpro.sale.never
test_third_party_marketing_with_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"recipient": {"kind": "third_party", "name": "Mailer Ltd"},
		"consents": ["marketing"],
	})
	testing.denied_by(d, "callmatikpro.sale.never")
	testing.denied_with(d, "outside_party_marketing_forbidden")
}

# clause: callmatikpro.sale.never
test_corporate_family_marketing_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications",
		"recipient": {"kind": "corporate_family", "name": "Sister Co"},
		"consents": ["marketing.communications"],
	})
	testing.denied_by(d, "callmatikpro.sale.never")
}

# clause: callmatikpro.sale.never
test_broad_marketing_use_to_advertising_partner_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"data_use": "marketing"})
	testing.denied_by(d, "callmatikpro.sale.never")
}

# clause: callmatikpro.sale.never
test_direct_identifier_to_google_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({
		"data_categories": ["user.device.cookie_id", "user.contact.email"],
	})
	testing.denied_by(d, "callmatikpro.sale.never")
	testing.denied_with(d, "direct_identifiers_to_advertiser")
}

# clause: callmatikpro.sale.never
test_third_party_analytics_cites_catch_all_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "analytics.reporting",
		"recipient": {"kind": "third_party", "name": "Research Ltd"},
	})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.sale.never
test_acquirer_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "acquirer", "name": "Buyer Inc"}})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.sale.never
test_corporate_family_service_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "corporate_family", "name": "Callmatik Group"}})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.sale.never
test_law_enforcement_with_verified_request_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.legal_obligation",
		"recipient": {"kind": "law_enforcement", "name": "Police"},
		"legal_request": {"verified": true, "matter": "court_order"},
	})
	testing.catch_all_only(d, _catch_all)
}

# --- callmatikpro.use.purposes ---------------------------------------------------

# clause: callmatikpro.use.purposes
test_first_party_support_use_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email", "user.content.private"],
		"data_use": "essential.service.operations.support",
	})
	testing.allowed_by(d, "callmatikpro.use.purposes")
}

# clause: callmatikpro.use.purposes
test_first_party_abroad_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "first_party", "country": "US"}})
	testing.allowed_by(d, "callmatikpro.use.purposes")
}

# clause: callmatikpro.use.purposes
test_first_party_unlisted_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "train_ai_system"})
	testing.catch_all_only(d, _catch_all)
	testing.not_cited(d, "callmatikpro.use.purposes")
}

# clause: callmatikpro.use.purposes
test_first_party_unlisted_category_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.contact.email", "user.government_id"]})
	testing.catch_all_only(d, _catch_all)
}

# L45 "via authentication measures", L49 "choosing a robust password, keeping the
# password private": CallmatikPro checks the password itself.
# clause: callmatikpro.use.purposes (004 L45, L49)
test_own_authentication_with_password_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.contact.email", "user.authorization.password"],
		"data_use": "essential.service.authentication",
	})
	testing.allowed_by(d, "callmatikpro.use.purposes")
}

# Passwords serve authentication only: not marketing, and no other recipient gets them.
# clause: callmatikpro.use.purposes (004 L49, L101)
test_password_outside_authentication_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.authorization.password"],
		"data_use": "marketing.communications.email",
	})
	testing.catch_all_only(d, _catch_all)
	t := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.authorization.password"],
		"data_use": "essential.service.authentication",
		"recipient": {"kind": "third_party", "name": "Login Co"},
	})
	testing.catch_all_only(t, _catch_all)
}

# --- callmatikpro.security.access ------------------------------------------------

# clause: callmatikpro.security.access
test_contractor_under_contract_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.content.private", "user.demographic.profile"],
		"recipient": _contractor,
	})
	testing.allowed_by(d, "callmatikpro.security.access")
}

# clause: callmatikpro.security.access
test_contractor_without_contract_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "service_provider", "name": "Freelancer"}})
	testing.catch_all_only(d, _catch_all)
	testing.not_cited(d, "callmatikpro.security.access")
}

# clause: callmatikpro.security.access
test_contractor_for_advertising_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.advertising.first_party.targeted",
		"recipient": _contractor,
	})
	testing.catch_all_only(d, _catch_all)
}

# --- callmatikpro.payment --------------------------------------------------------

# clause: callmatikpro.payment
test_card_to_gateway_for_payment_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card", "user.name"],
		"data_use": "essential.service.payment_processing",
		"recipient": _gateway,
	})
	testing.allowed_by(d, "callmatikpro.payment")
}

# clause: callmatikpro.payment
test_card_to_gateway_for_other_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card"],
		"data_use": "analytics.reporting",
		"recipient": _gateway,
	})
	testing.denied_by(d, "callmatikpro.payment")
}

# clause: callmatikpro.payment
test_card_to_gateway_for_broad_service_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card"],
		"recipient": _gateway,
	})
	testing.denied_by(d, "callmatikpro.payment")
}

# L79 "All transactions are processed through a gateway provider" names no contract.
# clause: callmatikpro.payment (004 L79)
test_card_to_gateway_without_contract_flag_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card", "user.name"],
		"data_use": "essential.service.payment_processing",
		"recipient": {"kind": "service_provider", "name": "Pay Gateway Inc"},
	})
	testing.allowed_by(d, "callmatikpro.payment")
}

# The gateway processes transactions; no contract flag opens any other use of card data.
# clause: callmatikpro.payment (004 L79)
test_card_to_gateway_without_contract_flag_for_other_use_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card"],
		"data_use": "essential.service",
		"recipient": {"kind": "service_provider", "name": "Pay Gateway Inc"},
	})
	testing.denied_by(d, "callmatikpro.payment")
}

# clause: callmatikpro.payment
test_card_on_own_servers_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card"],
		"data_use": "essential.service.payment_processing",
	})
	testing.denied_by(d, "callmatikpro.payment")
	testing.denied_with(d, "payment_data_on_own_servers")
}

# clause: callmatikpro.payment
test_broad_financial_category_to_third_party_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial"],
		"data_use": "essential.service.payment_processing",
		"recipient": {"kind": "third_party", "name": "Someone"},
	})
	testing.denied_by(d, "callmatikpro.payment")
	testing.denied_with(d, "payment_data_outside_gateway")
}

# clause: callmatikpro.payment
test_card_to_google_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"data_categories": ["user.financial.credit_card"]})
	testing.denied_by(d, "callmatikpro.payment")
}

# clause: callmatikpro.payment
test_payment_rule_does_not_apply_without_card_data if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": _contractor})
	d.allow == true
	testing.not_cited(d, "callmatikpro.payment")
}

# --- callmatikpro.instance.isolation ---------------------------------------------

# clause: callmatikpro.instance.isolation
test_end_user_messages_to_other_users_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private", "user.demographic.profile"],
		"recipient": {"kind": "other_users"},
	})
	testing.denied_by(d, "callmatikpro.instance.isolation")
}

# clause: callmatikpro.instance.isolation
test_publication_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.public"],
		"recipient": {"kind": "public"},
		"identifiability": "aggregated",
	})
	testing.denied_by(d, "callmatikpro.instance.isolation")
}

# clause: callmatikpro.instance.isolation
# L19, L41, L47: conversations and profile data go into the customer's own instance.
test_instance_data_to_business_customer_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.content.private", "user.demographic.profile"],
		"recipient": {"kind": "business_customer", "name": "Retail Co"},
	})
	testing.allowed_by(d, "callmatikpro.instance.isolation")
	some r in d.reasons
	r.code == "customer_instance"
}

# clause: callmatikpro.instance.isolation
# L41: the instance serves the contract; nothing in the text hands the customer data for analytics.
test_business_customer_for_analytics_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "business_customer", "name": "Retail Co"},
	})
	testing.catch_all_only(d, _catch_all)
	testing.not_cited(d, "callmatikpro.instance.isolation")
}

# clause: callmatikpro.instance.isolation
# L79: card data is not among what goes into the instance.
test_card_data_to_business_customer_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card"],
		"recipient": {"kind": "business_customer", "name": "Retail Co"},
	})
	testing.denied_by(d, "callmatikpro.payment")
	testing.not_cited(d, "callmatikpro.instance.isolation")
}

# clause: callmatikpro.instance.isolation
# L79 "All transactions are processed through a gateway provider": not the customer's instance.
test_business_customer_for_payment_processing_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.payment_processing",
		"recipient": {"kind": "business_customer", "name": "Retail Co"},
	})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.instance.isolation
# L19, L41, L101: the customer gets no instance data for marketing.
test_business_customer_for_marketing_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private"],
		"data_use": "marketing.communications.email",
		"recipient": {"kind": "business_customer", "name": "Retail Co"},
	})
	d.allow == false
	testing.not_cited(d, "callmatikpro.instance.isolation")
}

# clause: callmatikpro.instance.isolation
test_instance_data_in_own_instance_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"data_categories": ["user.content.private"]})
	d.allow == true
	testing.not_cited(d, "callmatikpro.instance.isolation")
}

# --- callmatikpro.children -------------------------------------------------------

# clause: callmatikpro.children
test_marketing_to_child_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"subject": {"age": 12},
	})
	testing.denied_by(d, "callmatikpro.children")
}

# clause: callmatikpro.children
# L137 "does not specifically market to children": an unknown age does not trigger it.
test_marketing_with_unknown_age_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"subject": {"age": null, "country": "US"},
	})
	testing.allowed_by(d, "callmatikpro.use.purposes")
	testing.not_cited(d, "callmatikpro.children")
}

# clause: callmatikpro.children
# L111-113, L137: Google's pseudonymous ad cookies for a subject of unknown age.
test_google_ads_with_unknown_age_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _google({"subject": null})
	testing.allowed_by(d, "callmatikpro.ads.google")
	testing.not_cited(d, "callmatikpro.children")
}

# clause: callmatikpro.children
# L137: a known age of 12 triggers the rule for CallmatikPro's own marketing email too.
test_marketing_email_to_known_child_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"subject": {"age": 12, "country": "US"},
	})
	testing.denied_with(d, "marketing_to_child")
}

# clause: callmatikpro.children
test_google_ads_to_child_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"subject": {"age": 11}})
	testing.denied_by(d, "callmatikpro.children")
}

# clause: callmatikpro.children
test_marketing_to_thirteen_year_old_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"subject": {"age": 13},
	})
	testing.allowed_by(d, "callmatikpro.use.purposes")
	testing.not_cited(d, "callmatikpro.children")
}

# clause: callmatikpro.children
test_service_use_for_child_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"subject": {"age": 10}})
	d.allow == true
	testing.not_cited(d, "callmatikpro.children")
}

# --- callmatikpro.email.unsubscribe ----------------------------------------------

# clause: callmatikpro.email.unsubscribe
test_unsubscribed_first_party_marketing_email_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"opt_outs": ["marketing_communications"],
	})
	testing.denied_by(d, "callmatikpro.email.unsubscribe")
}

# clause: callmatikpro.email.unsubscribe
test_unsubscribed_email_service_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "marketing.communications.email",
		"recipient": _contractor,
		"opt_outs": ["marketing_communications"],
	})
	testing.denied_by(d, "callmatikpro.email.unsubscribe")
}

# clause: callmatikpro.email.unsubscribe
test_email_marketing_service_under_contract_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name.first", "user.contact.email"],
		"data_use": "marketing.communications.email",
		"recipient": _contractor,
	})
	testing.allowed_by(d, "callmatikpro.email.unsubscribe")
	some o in d.obligations
	o.code == "honour_opt_out"
	o.clause == "callmatikpro.email.unsubscribe"
	o.opt_out == "marketing_communications"
}

# clause: callmatikpro.email.unsubscribe
# L151-157: CallmatikPro's own marketing email keeps the CAN-SPAM rules it agreed to.
test_marketing_email_carries_commercial_email_rules if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "marketing.communications.email"})
	d.allow == true
	testing.obliged(d, "commercial_email_rules", "callmatikpro.email.unsubscribe")
	some o in d.obligations
	o.code == "commercial_email_rules"
	count(o.physical_addresses) > 0
	testing.not_obliged(d, "monitor_email_service")
}

# clause: callmatikpro.email.unsubscribe
test_order_notification_email_carries_no_commercial_email_rules if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "essential.service.notifications.email"})
	d.allow == true
	testing.not_obliged(d, "commercial_email_rules")
}

# clause: callmatikpro.email.unsubscribe
# L159: a third-party email marketing service is monitored for compliance.
test_email_marketing_service_is_monitored if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name.first", "user.contact.email"],
		"data_use": "marketing.communications.email",
		"recipient": _contractor,
	})
	d.allow == true
	testing.obliged(d, "monitor_email_service", "callmatikpro.email.unsubscribe")
	testing.has_obligation(d, "commercial_email_rules")
}

# clause: callmatikpro.email.unsubscribe
test_payment_gateway_is_not_monitored_as_email_service if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card"],
		"data_use": "essential.service.payment_processing",
		"recipient": _gateway,
	})
	d.allow == true
	testing.not_obliged(d, "monitor_email_service")
}

# clause: callmatikpro.payment
# L75: credit information is encrypted via SSL.
test_card_data_to_gateway_travels_encrypted if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.financial.credit_card"],
		"data_use": "essential.service.payment_processing",
		"recipient": _gateway,
	})
	d.allow == true
	testing.obliged(d, "encrypt_transaction", "callmatikpro.payment")
}

# clause: callmatikpro.payment
test_contact_data_carries_no_encryption_obligation if {
	d := privacy.decision with data.privacy.request.document as _req({})
	d.allow == true
	testing.not_obliged(d, "encrypt_transaction")
}

# clause: callmatikpro.email.unsubscribe
test_unsubscribe_does_not_block_order_notifications_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.notifications.email",
		"opt_outs": ["marketing_communications"],
	})
	d.allow == true
	testing.not_cited(d, "callmatikpro.email.unsubscribe")
	every o in d.obligations {
		object.get(o, "opt_out", null) != "marketing_communications"
	}
}

# clause: callmatikpro.email.unsubscribe
# L131 "we will promptly remove you from ALL correspondence": order mail stops too.
test_all_correspondence_opt_out_stops_order_notifications_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.service.notifications.email",
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_by(d, "callmatikpro.email.unsubscribe")
	testing.denied_with(d, "unsubscribed_from_all_correspondence")
}

# clause: callmatikpro.email.unsubscribe
# L131: marketing email stops as well, and so does mail a contractor would send.
test_all_correspondence_opt_out_stops_marketing_by_contractor_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name.first", "user.contact.email"],
		"data_use": "marketing.communications.email",
		"recipient": _contractor,
		"opt_outs": ["all_correspondence"],
	})
	testing.denied_with(d, "unsubscribed_from_all_correspondence")
}

# clause: callmatikpro.email.unsubscribe
# L131: correspondence is mail to the user; providing the service itself (L31) goes on.
test_all_correspondence_opt_out_does_not_stop_the_service_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({"opt_outs": ["all_correspondence"]})
	d.allow == true
	testing.not_cited(d, "callmatikpro.email.unsubscribe")
}

# clause: callmatikpro.email.unsubscribe
# L131: unsubscribing stops correspondence, not CallmatikPro's other listed uses (L31).
test_all_correspondence_opt_out_does_not_stop_site_analytics_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.browsing_history"],
		"data_use": "analytics.reporting",
		"opt_outs": ["all_correspondence"],
	})
	testing.allowed_by(d, "callmatikpro.use.purposes")
	testing.not_cited(d, "callmatikpro.email.unsubscribe")
}

# clause: callmatikpro.email.unsubscribe
# L131: every allowed e-mail to the user carries the duty to honour an unsubscribe.
test_order_notification_carries_all_correspondence_obligation if {
	d := privacy.decision with data.privacy.request.document as _req({"data_use": "essential.service.notifications.email"})
	d.allow == true
	some o in d.obligations
	o.code == "honour_opt_out"
	o.clause == "callmatikpro.email.unsubscribe"
	o.opt_out == "all_correspondence"
}

# L159 "Monitor third-party email marketing services for compliance, if one is used":
# monitoring, not a contract, is the condition.
# clause: callmatikpro.email.unsubscribe (004 L159)
test_email_marketing_service_without_contract_flag_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email"],
		"data_use": "marketing.communications.email",
		"recipient": {"kind": "service_provider", "name": "Mailer Ltd"},
	})
	testing.allowed_by(d, "callmatikpro.email.unsubscribe")
}

# The email service sends email: a phone number for SMS marketing is not its job.
# clause: callmatikpro.email.unsubscribe (004 L159)
test_email_marketing_service_without_contract_flag_for_sms_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.phone_number"],
		"data_use": "marketing.communications.sms",
		"recipient": {"kind": "service_provider", "name": "Mailer Ltd"},
	})
	testing.catch_all_only(d, _catch_all)
}

# --- callmatikpro.collection.facebook --------------------------------------------

# clause: callmatikpro.collection.facebook
# L17, L19, L41: Facebook DMs are for the customer's contract, not CallmatikPro's marketing.
test_facebook_messages_for_own_marketing_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.content.private"],
		"data_use": "marketing.communications.email",
	})
	testing.denied_by(d, "callmatikpro.collection.facebook")
	testing.denied_with(d, "facebook_data_for_marketing")
}

# clause: callmatikpro.collection.facebook
# L19, L41: Facebook profile data does not feed advertising either, with consent or not.
test_facebook_profile_for_advertising_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.demographic.profile"],
		"data_use": "marketing.advertising.first_party.targeted",
		"consents": ["marketing"],
	})
	testing.denied_by(d, "callmatikpro.collection.facebook")
}

# clause: callmatikpro.collection.facebook
# L41, L53: the same messages serve the contract (chatbot, agent routing).
test_facebook_messages_for_the_service_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.content.private", "user.demographic.profile"],
		"data_use": "essential.service.operations.support",
	})
	testing.allowed_by(d, "callmatikpro.use.purposes")
	testing.not_cited(d, "callmatikpro.collection.facebook")
}

# --- callmatikpro.ads.google -----------------------------------------------------

# clause: callmatikpro.ads.google
test_google_remarketing_with_pseudonymous_cookies_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _google({})
	testing.allowed_by(d, "callmatikpro.ads.google")
}

# clause: callmatikpro.ads.google
test_google_impression_reporting_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _google({
		"data_use": "analytics.reporting.ad_performance",
		"recipient": {"kind": "advertising_partner", "name": "DoubleClick"},
	})
	testing.allowed_by(d, "callmatikpro.ads.google")
}

# clause: callmatikpro.ads.google
test_google_identifiable_cookies_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"identifiability": "identifiable"})
	testing.catch_all_only(d, _catch_all)
	testing.not_cited(d, "callmatikpro.ads.google")
}

# clause: callmatikpro.ads.google
# L125 "third-party vendors such as Google": other vendors compile ad-impression data too.
test_other_ad_vendor_impression_reporting_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _google({
		"data_categories": ["user.device.cookie_id", "user.unique_id.pseudonymous"],
		"data_use": "analytics.reporting.ad_performance",
		"recipient": {"kind": "advertising_partner", "name": "AdCo Ltd"},
	})
	testing.allowed_by(d, "callmatikpro.ads.google")
	some r in d.reasons
	r.code == "ad_vendor_impression_reporting"
}

# clause: callmatikpro.ads.google
# L125 names no identifiable data: an identifiable cookie id stays with CallmatikPro.
test_other_ad_vendor_identifiable_reporting_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({
		"data_use": "analytics.reporting.ad_performance",
		"recipient": {"kind": "advertising_partner", "name": "AdCo Ltd"},
		"identifiability": "identifiable",
	})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.ads.google
test_other_ad_partner_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"recipient": {"kind": "advertising_partner", "name": "AdCo Ltd"}})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.ads.google
test_google_unlisted_category_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({
		"data_categories": ["user.device.cookie_id", "user.demographic.gender"],
	})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.ads.google
test_google_as_third_party_kind_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"recipient": {"kind": "third_party", "name": "Google"}})
	testing.catch_all_only(d, _catch_all)
}

# --- callmatikpro.ads.optout -----------------------------------------------------

# clause: callmatikpro.ads.optout
test_google_personalized_ads_after_opt_out_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({"opt_outs": ["personalized_advertising"]})
	testing.denied_by(d, "callmatikpro.ads.optout")
}

# clause: callmatikpro.ads.optout
test_broad_advertising_use_after_opt_out_is_denied if {
	d := privacy.decision with data.privacy.request.document as _google({
		"data_use": "marketing.advertising",
		"opt_outs": ["personalized_advertising"],
	})
	testing.denied_by(d, "callmatikpro.ads.optout")
}

# clause: callmatikpro.ads.optout
test_contextual_ad_serving_after_opt_out_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _google({
		"data_use": "marketing.advertising.serving",
		"opt_outs": ["personalized_advertising"],
	})
	testing.allowed_by(d, "callmatikpro.ads.google")
	testing.not_cited(d, "callmatikpro.ads.optout")
}

# clause: callmatikpro.ads.optout
test_google_remarketing_carries_opt_out_obligation if {
	d := privacy.decision with data.privacy.request.document as _google({})
	d.allow == true
	some o in d.obligations
	o.code == "honour_opt_out"
	o.clause == "callmatikpro.ads.optout"
	o.opt_out == "personalized_advertising"
}

# --- callmatikpro.cookies --------------------------------------------------------

# L91 "trusted third-party services that track this information on our behalf": the
# tracking service gets the pseudonymous visit data it compiles.
# clause: callmatikpro.cookies (004 L91)
test_pseudonymous_traffic_to_tracking_service_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.device.cookie_id", "user.behavior.browsing_history"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "service_provider", "name": "Analytics Co"},
		"identifiability": "pseudonymous",
	})
	testing.allowed_by(d, "callmatikpro.cookies")
}

# Identifiable data is not tracking data, and a tracker not under contract gets none.
# clause: callmatikpro.cookies (004 L91)
test_identifiable_traffic_to_tracking_service_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.device.cookie_id", "user.behavior.browsing_history"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "service_provider", "name": "Analytics Co"},
		"identifiability": "identifiable",
	})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.cookies
test_aggregated_traffic_to_tracker_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.browsing_history", "user.device.cookie"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "service_provider", "name": "Analytics Co"},
		"identifiability": "aggregated",
	})
	testing.allowed_by(d, "callmatikpro.cookies")
}

# clause: callmatikpro.cookies
test_pseudonymous_traffic_to_tracker_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.browsing_history"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "advertising_partner", "name": "Analytics Co"},
		"identifiability": "pseudonymous",
	})
	testing.catch_all_only(d, _catch_all)
	testing.not_cited(d, "callmatikpro.cookies")
}

# clause: callmatikpro.cookies
test_aggregated_traffic_to_third_party_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.behavior.browsing_history"],
		"data_use": "analytics.reporting",
		"recipient": {"kind": "third_party", "name": "Analytics Co"},
		"identifiability": "aggregated",
	})
	testing.catch_all_only(d, _catch_all)
}

# --- callmatikpro.retention ------------------------------------------------------

# L57 "To satisfy its legal obligations ... CallmatikPro will be able to retain the data".
# clause: callmatikpro.retention (004 L57)
test_own_retention_for_legal_obligation_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_categories": ["user.name", "user.contact.email", "user.behavior.purchase_history"],
		"data_use": "essential.legal_obligation",
	})
	testing.allowed_by(d, "callmatikpro.retention")
}

# L57 is about CallmatikPro keeping data, not handing it to an authority (L101).
# clause: callmatikpro.retention (004 L57, L101)
test_legal_obligation_use_by_an_authority_is_denied if {
	d := privacy.decision with data.privacy.request.document as _req({
		"data_use": "essential.legal_obligation",
		"recipient": {"kind": "law_enforcement", "name": "Police"},
		"legal_request": {"verified": true, "matter": "required_by_law"},
	})
	testing.catch_all_only(d, _catch_all)
}

# clause: callmatikpro.retention
test_contact_data_flow_carries_retention_limit if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": _contractor})
	d.allow == true
	some o in d.obligations
	o.code == "retention_limit"
	o.clause == "callmatikpro.retention"
	o.max_days_after_contract_end == 730
}

# clause: callmatikpro.retention
test_cookie_flow_has_no_retention_limit if {
	d := privacy.decision with data.privacy.request.document as _google({})
	d.allow == true
	every o in d.obligations {
		o.clause != "callmatikpro.retention"
	}
}

# clause: callmatikpro.retention
test_denied_flow_has_no_obligations if {
	d := privacy.decision with data.privacy.request.document as _req({"recipient": {"kind": "third_party"}})
	d.allow == false
	count(d.obligations) == 0
}
