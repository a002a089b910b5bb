# METADATA
# title: CallmatikPro
# description: >-
#   Disclosure rules of CallmatikPro's privacy policy (seed 004, English). Each rule
#   cites the clause it implements; facts live in facts/data.json. The policy has no
#   clause on law enforcement, acquirers, group companies or international transfer:
#   such flows fall to the catch-all (L101, no transfer to outside parties).
package privacy.companies.callmatikpro

import data.privacy.request

# --- facts

_facts := data.privacy.companies.callmatikpro.facts

_reference := data.privacy.reference

_direct_identifiers := _reference.direct_identifiers

# --- catch-all

# METADATA
# title: No sale, trade or transfer to outside parties
# description: >-
#   CallmatikPro sells, trades or otherwise transfers users' PII to no outside party;
#   a flow no clause permits is denied.
# custom:
#   clause: callmatikpro.sale.never
catch_all := {
	"code": "no_permitting_clause",
	"clause": "callmatikpro.sale.never",
	"message": "CallmatikPro's policy permits no such flow, and it transfers personal information to no outside party",
}

# --- forbids

# METADATA
# title: Opting out of personalised advertising
# description: >-
#   A user who opted out (Google Ad Settings, NAI opt-out, GA opt-out add-on) gets no
#   personalised advertising.
# custom:
#   clause: callmatikpro.ads.optout
forbids contains reason if {
	request.opt_outs[_facts.personalized_advertising_opt_out]
	request.use_overlaps(_facts.personalized_advertising_uses)
	reason := {
		"code": "personalized_advertising_opted_out",
		"clause": "callmatikpro.ads.optout",
		"message": "the user opted out of personalised advertising",
	}
}

# METADATA
# title: No marketing to children known to be under 13
# description: >-
#   "We do not specifically market to children under the age of 13" (L137): no
#   marketing, by anyone, to a subject whose age is known to be under 13. Reading: a
#   known age below the limit triggers it, an unknown age does not. "Specifically"
#   promises not to aim marketing at children; it is no promise to market only to
#   proven adults, and the policy sets no age gate on marketing or on the Google
#   advertising it permits (L111-113).
# custom:
#   clause: callmatikpro.children
forbids contains reason if {
	request.age < _facts.children_marketing_age
	request.use_overlaps(_reference.marketing_uses)
	reason := {
		"code": "marketing_to_child",
		"clause": "callmatikpro.children",
		"message": sprintf("CallmatikPro does not market to children under %d, and the subject is known to be younger", [_facts.children_marketing_age]),
	}
}

# METADATA
# title: Facebook app data is for the customer's contract, not for marketing
# description: >-
#   Posts, messages, reactions and profile information the Facebook app brings in
#   (L15-19) are saved into the customer's instance and are needed "for the
#   performance of the contracts concluded with our Customers" (L41). Nobody uses
#   message content or profile data for marketing, CallmatikPro included.
# custom:
#   clause: callmatikpro.collection.facebook
forbids contains reason if {
	request.any_category_overlaps(_facts.facebook_app_categories)
	request.use_overlaps(_facts.facebook_app_forbidden_uses)
	reason := {
		"code": "facebook_data_for_marketing",
		"clause": "callmatikpro.collection.facebook",
		"message": "message content and profile data reach CallmatikPro through its Facebook app for the customer's contract; they are not used for marketing",
	}
}

# METADATA
# title: Unsubscribing removes the user from ALL correspondence
# description: >-
#   "we will promptly remove you from ALL correspondence" (L131): after the opt-out
#   all_correspondence no e-mail or other message goes to the user, service
#   notifications included, whoever would send it. The service as a whole
#   (essential.service) is not correspondence: only its notification branch is.
# custom:
#   clause: callmatikpro.email.unsubscribe
forbids contains reason if {
	request.opt_outs[_facts.all_correspondence_opt_out]
	_correspondence_use
	reason := {
		"code": "unsubscribed_from_all_correspondence",
		"clause": "callmatikpro.email.unsubscribe",
		"message": "the user unsubscribed, and CallmatikPro removes an unsubscribed user from all correspondence",
	}
}

# METADATA
# title: Opting out of marketing stops marketing correspondence
# description: >-
#   A user who opted out of marketing communications gets no further marketing
#   correspondence, whoever would send it (L161: honour opt-out requests).
# custom:
#   clause: callmatikpro.email.unsubscribe
forbids contains reason if {
	request.opt_outs[_facts.unsubscribe_opt_out]
	_marketing_communications_use
	reason := {
		"code": "unsubscribed_from_marketing",
		"clause": "callmatikpro.email.unsubscribe",
		"message": "the user opted out of marketing, so CallmatikPro sends no further marketing correspondence",
	}
}

# METADATA
# title: Every customer's instance is private
# description: >-
#   Each customer runs an independent, private instance: no user data in it is shown
#   to other users of the platform or published.
# custom:
#   clause: callmatikpro.instance.isolation
forbids contains reason if {
	request.recipient_kind in _facts.isolated_from
	reason := {
		"code": "instance_isolation",
		"clause": "callmatikpro.instance.isolation",
		"message": "each customer's CallmatikPro instance is private; its data goes to no other user and is not published",
	}
}

# METADATA
# title: Card data is not stored or processed on CallmatikPro's servers
# description: >-
#   Transactions are processed by a gateway provider and not stored or processed on
#   CallmatikPro's own servers, so its own systems take no card or payment data.
# custom:
#   clause: callmatikpro.payment
forbids contains reason if {
	request.recipient_kind == "first_party"
	_payment_data
	reason := {
		"code": "payment_data_on_own_servers",
		"clause": "callmatikpro.payment",
		"message": "CallmatikPro neither stores nor processes card or payment data on its own servers",
	}
}

# METADATA
# title: Card data goes only to the payment gateway
# description: >-
#   Card and payment data go to nobody but the gateway provider, and only for
#   processing the transaction.
# custom:
#   clause: callmatikpro.payment
forbids contains reason if {
	not request.recipient_kind == "first_party"
	_payment_data
	not _gateway_flow
	reason := {
		"code": "payment_data_outside_gateway",
		"clause": "callmatikpro.payment",
		"message": "card and payment data go only to the payment gateway, for processing the transaction",
	}
}

# METADATA
# title: No sale of personal data
# description: CallmatikPro never sells user data, whatever its identifiability.
# custom:
#   clause: callmatikpro.sale.never
forbids contains reason if {
	request.action == "sell"
	reason := {
		"code": "sale_forbidden",
		"clause": "callmatikpro.sale.never",
		"message": "CallmatikPro does not sell or trade users' personal information",
	}
}

# METADATA
# title: No outside party gets data for its marketing, even with consent
# description: >-
#   No outside party (third party, ad partner, group company, acquirer, other users,
#   the public) receives user data for direct marketing; the policy's no-transfer
#   promise is absolute, so consent does not lift it.
# custom:
#   clause: callmatikpro.sale.never
forbids contains reason if {
	request.recipient_kind in _facts.never_marketing_recipients
	_marketing_communications_use
	reason := {
		"code": "outside_party_marketing_forbidden",
		"clause": "callmatikpro.sale.never",
		"message": "CallmatikPro transfers no personal information to outside parties for their marketing, even with consent",
	}
}

# METADATA
# title: No direct identifiers to advertising partners
# description: >-
#   Advertising partners are outside parties: they never receive names, contact
#   details, financial data, government ids, usernames or credentials.
# custom:
#   clause: callmatikpro.sale.never
forbids contains reason if {
	request.recipient_kind == "advertising_partner"
	request.any_category_overlaps(_direct_identifiers)
	reason := {
		"code": "direct_identifiers_to_advertiser",
		"clause": "callmatikpro.sale.never",
		"message": "CallmatikPro gives advertising partners no directly identifying personal information",
	}
}

# --- permits

# METADATA
# title: Google advertising cookies
# description: >-
#   Google, as third-party ad vendor, may receive pseudonymous cookie identifiers and
#   site-visit data to serve and remarket ads and report on impressions and audiences.
# custom:
#   clause: callmatikpro.ads.google
permits contains reason if {
	request.recipient_kind == "advertising_partner"
	request.recipient_named(_facts.ad_vendor_names)
	request.identifiability in _facts.ad_vendor_identifiability
	request.all_categories_under(_facts.ad_vendor_categories)
	request.use_under(_facts.ad_vendor_uses)
	reason := {
		"code": "google_ad_cookies",
		"clause": "callmatikpro.ads.google",
		"message": "Google may receive pseudonymous cookie data to serve ads and report on them",
	}
}

# METADATA
# title: Ad vendors compile ad-impression data
# description: >-
#   "third-party vendors such as Google" use cookies "or other third-party
#   identifiers" to compile data on user interactions with ad impressions on the
#   site (L125): any advertising partner may receive pseudonymous or aggregated
#   cookie and identifier data for ad-performance reporting.
# custom:
#   clause: callmatikpro.ads.google
permits contains reason if {
	request.recipient_kind == "advertising_partner"
	request.identifiability in _facts.ad_vendor_identifiability
	request.all_categories_under(_facts.ad_reporting_vendor_categories)
	request.use_under(_facts.ad_reporting_vendor_uses)
	reason := {
		"code": "ad_vendor_impression_reporting",
		"clause": "callmatikpro.ads.google",
		"message": "a third-party ad vendor may receive pseudonymous cookie data to compile data on ad impressions on CallmatikPro's site",
	}
}

# METADATA
# title: Trackers compile aggregate traffic data for CallmatikPro
# description: >-
#   Trusted third-party services may track site traffic and interactions on
#   CallmatikPro's behalf, as aggregate data only.
# custom:
#   clause: callmatikpro.cookies
permits contains reason if {
	request.recipient_kind in _facts.tracker_kinds
	request.identifiability == "aggregated"
	request.all_categories_under(_facts.tracker_categories)
	request.use_under(_facts.tracker_uses)
	reason := {
		"code": "aggregate_traffic_tracking",
		"clause": "callmatikpro.cookies",
		"message": "a tracking service may compile aggregate site-traffic data for CallmatikPro",
	}
}

# METADATA
# title: A tracking service tracks site traffic on CallmatikPro's behalf
# description: >-
#   "We may also use trusted third-party services that track this information on our
#   behalf" (L91): to track site traffic and interactions a service acting for
#   CallmatikPro receives the pseudonymous cookie and browsing data it compiles into
#   aggregates. Identifiable data is not tracking data.
# custom:
#   clause: callmatikpro.cookies
permits contains reason if {
	request.recipient_kind == "service_provider"
	request.identifiability == "pseudonymous"
	request.all_categories_under(_facts.tracker_categories)
	request.use_under(_facts.tracker_uses)
	reason := {
		"code": "traffic_tracking_on_behalf",
		"clause": "callmatikpro.cookies",
		"message": "a tracking service acting for CallmatikPro may receive pseudonymous site-traffic data to compile it",
	}
}

# METADATA
# title: Email marketing service acting for CallmatikPro
# description: >-
#   "Monitor third-party email marketing services for compliance, if one is used"
#   (L159): an email marketing service may send CallmatikPro's own commercial email,
#   monitored for CAN-SPAM compliance. The text asks for monitoring, not a contract.
# custom:
#   clause: callmatikpro.email.unsubscribe
permits contains reason if {
	request.recipient_kind == "service_provider"
	request.all_categories_under(_facts.email_service_categories)
	request.use_under(_facts.email_service_uses)
	reason := {
		"code": "email_service_for_callmatikpro",
		"clause": "callmatikpro.email.unsubscribe",
		"message": "an email marketing service may send CallmatikPro's own email, monitored for CAN-SPAM compliance",
	}
}

# METADATA
# title: The customer's own instance
# description: >-
#   Profile data and conversations of people who contact a customer are "saved
#   directly into their CallmatikPro instance" (L19), are needed for the contract
#   with that customer (L41) and end up "stored on their systems" (L47): the
#   business customer receives them to serve its clients. Payment processing is not
#   among its uses: all transactions go through the gateway provider (L79).
# custom:
#   clause: callmatikpro.instance.isolation
permits contains reason if {
	request.recipient_kind == "business_customer"
	request.all_categories_under(_facts.instance_categories)
	request.use_under(_facts.instance_uses)
	not request.use_under(_facts.payment_uses)
	reason := {
		"code": "customer_instance",
		"clause": "callmatikpro.instance.isolation",
		"message": "the data goes into the customer's own CallmatikPro instance, for the contract with that customer",
	}
}

# METADATA
# title: Payment gateway
# description: >-
#   "All transactions are processed through a gateway provider" (L79): the gateway
#   receives the card and payment data it needs to process the transaction. The text
#   names no contract as a condition.
# custom:
#   clause: callmatikpro.payment
permits contains reason if {
	_gateway_flow
	request.all_categories_under(_facts.gateway_categories)
	reason := {
		"code": "payment_gateway",
		"clause": "callmatikpro.payment",
		"message": "the payment gateway provider may receive the data it needs to process the transaction",
	}
}

# METADATA
# title: Kept to meet legal obligations or assert rights
# description: >-
#   "To satisfy its legal obligations or in order to have the necessary elements to
#   assert its rights, CallmatikPro will be able to retain the data" (L57): CallmatikPro
#   itself may keep and use the data it collects for a legal obligation.
# custom:
#   clause: callmatikpro.retention
permits contains reason if {
	request.recipient_kind == "first_party"
	_collected_categories
	request.use_under(_facts.legal_retention_uses)
	reason := {
		"code": "kept_for_legal_obligations",
		"clause": "callmatikpro.retention",
		"message": "CallmatikPro may keep the data to satisfy its legal obligations or assert its rights",
	}
}

# METADATA
# title: Contractors acting for CallmatikPro
# description: >-
#   Contractors bound by contract to act for CallmatikPro (hosting, support) may
#   access the data they need for the service; they are not outside parties.
# custom:
#   clause: callmatikpro.security.access
permits contains reason if {
	request.recipient_kind == "service_provider"
	request.under_contract == true
	_collected_categories
	request.use_under(_facts.contractor_uses)
	reason := {
		"code": "contractor_for_callmatikpro",
		"clause": "callmatikpro.security.access",
		"message": "a contractor bound to act for CallmatikPro may access the data it needs for the service",
	}
}

# METADATA
# title: CallmatikPro's own uses of the data it collects
# description: >-
#   CallmatikPro itself uses the data it collects to provide and improve the service,
#   personalise it, answer support requests, analyse site use and correspond with users.
# custom:
#   clause: callmatikpro.use.purposes
permits contains reason if {
	request.recipient_kind == "first_party"
	_collected_categories
	request.use_under(_facts.first_party_uses)
	reason := {
		"code": "first_party_listed_purpose",
		"clause": "callmatikpro.use.purposes",
		"message": "CallmatikPro uses the data itself for a purpose its policy lists",
	}
}

# METADATA
# title: CallmatikPro checks its customers' passwords
# description: >-
#   Customers protect their accounts by "choosing a robust password, keeping the
#   password private" (L49), and access goes "via authentication measures" (L45):
#   CallmatikPro itself uses account credentials to authenticate users and secure the
#   accounts, and for nothing else.
# custom:
#   clause: callmatikpro.use.purposes
permits contains reason if {
	request.recipient_kind == "first_party"
	request.all_categories_under(_facts.authentication_categories)
	request.use_under(_facts.authentication_uses)
	reason := {
		"code": "first_party_authentication",
		"clause": "callmatikpro.use.purposes",
		"message": "CallmatikPro uses account credentials itself to authenticate users and secure their accounts",
	}
}

# --- obligations

# METADATA
# title: Honour personalised-advertising opt-outs
# description: Personalised advertising stops for users who opt out through Google Ad Settings or the NAI page.
# custom:
#   clause: callmatikpro.ads.optout
obligations contains obligation if {
	request.use_overlaps(_facts.personalized_advertising_uses)
	obligation := {
		"code": "honour_opt_out",
		"clause": "callmatikpro.ads.optout",
		"message": "stop personalised advertising for users who opt out via Google Ad Settings, the NAI page or the GA opt-out add-on",
		"opt_out": _facts.personalized_advertising_opt_out,
	}
}

# METADATA
# title: Honour unsubscribe requests
# description: >-
#   Any correspondence to the user stops promptly once the user unsubscribes (L131:
#   "remove you from ALL correspondence").
# custom:
#   clause: callmatikpro.email.unsubscribe
obligations contains obligation if {
	_correspondence_use
	obligation := {
		"code": "honour_opt_out",
		"clause": "callmatikpro.email.unsubscribe",
		"message": "promptly remove a user who unsubscribes from all correspondence",
		"opt_out": _facts.all_correspondence_opt_out,
	}
}

# METADATA
# title: Honour marketing opt-outs
# description: >-
#   Marketing email carries an unsubscribe link and stops quickly after an opt-out
#   (L161-163).
# custom:
#   clause: callmatikpro.email.unsubscribe
obligations contains obligation if {
	_marketing_communications_use
	obligation := {
		"code": "honour_opt_out",
		"clause": "callmatikpro.email.unsubscribe",
		"message": "offer an unsubscribe link in each email and quickly stop marketing to users who opt out",
		"opt_out": _facts.unsubscribe_opt_out,
	}
}

# METADATA
# title: Commercial email follows CAN-SPAM
# description: >-
#   CallmatikPro agrees, "to be in accordance with CANSPAM" (L151-157), to use no false
#   or misleading subjects or sender addresses, to mark the message as an advertisement
#   and to include its physical address: every marketing email it allows carries them.
# custom:
#   clause: callmatikpro.email.unsubscribe
obligations contains obligation if {
	_commercial_email_use
	obligation := {
		"code": "commercial_email_rules",
		"clause": "callmatikpro.email.unsubscribe",
		"message": "no false or misleading subject or sender address, the message identified as an advertisement, the business's physical address included",
		"physical_addresses": _facts.addresses,
	}
}

# METADATA
# title: Email marketing service monitored
# description: >-
#   "Monitor third-party email marketing services for compliance, if one is used"
#   (L159): a service sending CallmatikPro's marketing email is monitored for CAN-SPAM
#   compliance.
# custom:
#   clause: callmatikpro.email.unsubscribe
obligations contains obligation if {
	request.recipient_kind == "service_provider"
	_commercial_email_use
	obligation := {
		"code": "monitor_email_service",
		"clause": "callmatikpro.email.unsubscribe",
		"message": "monitor the email marketing service for compliance with CAN-SPAM",
	}
}

# METADATA
# title: Card and credit information travels encrypted
# description: >-
#   L75: "all sensitive/credit information you supply is encrypted via Secure Socket
#   Layer (SSL) technology", on its way to the gateway too.
# custom:
#   clause: callmatikpro.payment
obligations contains obligation if {
	_payment_data
	obligation := {
		"code": "encrypt_transaction",
		"clause": "callmatikpro.payment",
		"message": "send the card and credit information encrypted (SSL/TLS)",
	}
}

# METADATA
# title: Customer identity and contact data kept at most two years after the contract
# description: >-
#   Identity and contact details of customers are kept at most two years after the
#   contract ends, unless legal obligations or rights require longer.
# custom:
#   clause: callmatikpro.retention
obligations contains obligation if {
	request.any_category_overlaps(_facts.retention_categories)
	obligation := {
		"code": "retention_limit",
		"clause": "callmatikpro.retention",
		"message": "keep customers' identity and contact details no longer than two years after the contract ends",
		"period": _facts.retention.period,
		"max_days_after_contract_end": _facts.retention.max_days_after_contract_end,
		"applies_to": _facts.retention.applies_to,
		"unless": _facts.retention.unless,
	}
}

# --- helpers

# The flow goes to a service provider for processing a payment (the gateway).
default _gateway_flow := false

_gateway_flow if {
	request.recipient_kind == "service_provider"
	request.use_under(_facts.payment_uses)
}

# Correspondence is marketing (matched broadly) or a notification (matched under the
# notification branch, so that the service itself does not count as correspondence).
default _correspondence_use := false

_correspondence_use if request.use_overlaps(_facts.correspondence.marketing_uses)

_correspondence_use if request.use_under(_facts.correspondence.notice_uses)

# Conditions several rules read, worked out once per decision: regopy keeps a rule's
# value for the rest of the query only when it is defined (and calls a function anew
# every time), so each defaults to false.
default _payment_data := false

_payment_data if request.any_category_overlaps(_facts.payment_categories)

default _commercial_email_use := false

_commercial_email_use if request.use_overlaps(_facts.commercial_email_uses)

default _marketing_communications_use := false

_marketing_communications_use if request.use_overlaps(["marketing.communications"])

default _collected_categories := false

_collected_categories if request.all_categories_under(_facts.collected_categories)
