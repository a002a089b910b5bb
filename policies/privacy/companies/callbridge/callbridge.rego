# METADATA
# title: Callbridge
# description: >-
#   Disclosure rules of Callbridge's privacy policy (seed 003, Albanian; Callbridge is a
#   service of Iotum Inc.). Each rule cites the clause it implements; facts, including the
#   sub-processor matrix, live in facts/data.json.
package privacy.companies.callbridge

import data.privacy.request

# --- facts

_facts := data.privacy.companies.callbridge.facts

_reference := data.privacy.reference

# --- catch-all

# METADATA
# title: Nothing goes to a third party without express approval
# description: >-
#   Except for the disclosures the policy permits, Callbridge gives personal information
#   to no third party without the user's express approval.
# custom:
#   clause: callbridge.disclosure.express_consent
catch_all := {
	"code": "no_permitting_clause",
	"clause": "callbridge.disclosure.express_consent",
	"message": "no clause of Callbridge's policy permits this disclosure, and the user gave no express approval for it",
}

# --- forbids

# METADATA
# title: Ad networks never get direct identifiers
# description: >-
#   Ad networks never use the user's name, address, phone number, e-mail address or
#   anything else that identifies them personally.
# custom:
#   clause: callbridge.ads.offsite
forbids contains reason if {
	request.recipient_kind == "advertising_partner"
	request.any_category_overlaps(_reference.direct_identifiers)
	reason := {
		"code": "direct_identifiers_to_ad_network",
		"clause": "callbridge.ads.offsite",
		"message": "ad networks never receive names, addresses, phone numbers, e-mail addresses or other direct identifiers",
	}
}

# METADATA
# title: Ad networks never get identifiable data
# description: In all cases ad networks identify the user only by an anonymous number.
# custom:
#   clause: callbridge.ads.offsite
forbids contains reason if {
	request.recipient_kind == "advertising_partner"
	request.identifiability == "identifiable"
	reason := {
		"code": "identifiable_data_to_ad_network",
		"clause": "callbridge.ads.offsite",
		"message": "ad networks identify users only by an anonymous number, never by identifiable data",
	}
}

# METADATA
# title: No traditional sale of personal information
# description: Callbridge does not give identifiable personal information to third parties for money.
# custom:
#   clause: callbridge.ccpa.sale
forbids contains reason if {
	request.action == "sell"
	request.identifiability == "identifiable"
	reason := {
		"code": "no_sale_of_personal_information",
		"clause": "callbridge.ccpa.sale",
		"message": "Callbridge does not sell identifiable personal information",
	}
}

# METADATA
# title: The only sale-like sharing is web advertising
# description: >-
#   Apart from aggregated data, the only sharing that may count as a sale is sharing with
#   advertising partners on the websites; pseudonymous data is sold to no one else.
# custom:
#   clause: callbridge.ccpa.sale
forbids contains reason if {
	request.action == "sell"
	request.identifiability == "pseudonymous"
	not request.recipient_kind == "advertising_partner"
	reason := {
		"code": "no_sale_outside_web_advertising",
		"clause": "callbridge.ccpa.sale",
		"message": "apart from web advertising, Callbridge sells no pseudonymous personal information",
	}
}

# METADATA
# title: Do Not Sell stops advertising sharing
# description: >-
#   Once the user opted out of sale, no personal information is made available to
#   advertising partners or otherwise sold.
# custom:
#   clause: callbridge.ccpa.sale
forbids contains reason if {
	request.opt_outs[_facts.sale_opt_out]
	not request.identifiability == "aggregated"
	_sale_like
	reason := {
		"code": "sale_opted_out",
		"clause": "callbridge.ccpa.sale",
		"message": "the user opted out of the sale of personal information, which covers sharing with advertising partners",
	}
}

# METADATA
# title: No personal information of known minors
# description: >-
#   Age reading: a KNOWN age below 18 triggers it, an unknown age does not. Callbridge
#   "nuk mbledh në mënyrë të vetëdijshme" (does not knowingly collect) from under-18s
#   (L88, L160), and what minors do on a family account "do të duket të jetë informacion
#   personal i pajtimtarit aktual të rritur" (is the adult subscriber's data, L81, L88).
#   So personal data of a subject known to be under 18 goes nowhere, while a subject of
#   unknown age is treated as the adult subscriber.
# custom:
#   clause: callbridge.children
forbids contains reason if {
	request.age < _facts.minimum_age
	not request.identifiability == "aggregated"
	reason := {
		"code": "known_minor",
		"clause": "callbridge.children",
		"message": "Callbridge does not knowingly collect or disclose personal information of children under 18",
	}
}

# METADATA
# title: Identifiers are personal information, never aggregated data
# description: >-
#   Names, street addresses, e-mail addresses, phone numbers, IP addresses and login data
#   are personal information; data that still carries them cannot pass as aggregated.
# custom:
#   clause: callbridge.definition.pi
forbids contains reason if {
	request.identifiability == "aggregated"
	request.any_category_overlaps(_facts.pi_identifiers)
	reason := {
		"code": "identifiers_in_aggregated_data",
		"clause": "callbridge.definition.pi",
		"message": "data carrying names, contact details, IP addresses or login data is personal information, not aggregated data",
	}
}

# METADATA
# title: Nothing to authorities without a lawful request
# description: Public authorities receive personal data only on a lawful (verified) request.
# custom:
#   clause: callbridge.disclosure.public_authorities
forbids contains reason if {
	request.recipient_kind == "law_enforcement"
	not request.legal_request_verified
	reason := {
		"code": "authority_without_lawful_request",
		"clause": "callbridge.disclosure.public_authorities",
		"message": "public authorities receive personal data only on a lawful request",
	}
}

# METADATA
# title: Product e-mails only with express consent
# description: >-
#   Callbridge, its affiliates and the processors that run its campaigns send marketing
#   messages only to users who gave express (opt-in) consent.
# custom:
#   clause: callbridge.marketing.email
forbids contains reason if {
	request.recipient_kind in _facts.own_marketing_kinds
	_direct_marketing_use
	not _use_consented
	reason := {
		"code": "marketing_without_express_consent",
		"clause": "callbridge.marketing.email",
		"message": "Callbridge sends marketing messages only with the user's express consent",
	}
}

# METADATA
# title: Opting out of marketing stops marketing messages
# description: >-
#   A user who opted out of marketing communications gets no further marketing messages;
#   the wider L210 opt-out of all correspondence is the rule below.
# custom:
#   clause: callbridge.marketing.email
forbids contains reason if {
	request.opt_outs[_facts.marketing_opt_out]
	_direct_marketing_use
	reason := {
		"code": "marketing_opted_out",
		"clause": "callbridge.marketing.email",
		"message": "the user opted out of all future marketing correspondence from Callbridge",
	}
}

# METADATA
# title: Opting out of all correspondence stops every e-mail to the user
# description: >-
#   L210: a user may withdraw "nga e gjithë korrespondenca e ardhshme nga ne" (from all
#   future correspondence from us), so service notices stop as well as marketing. A
#   request for the service as a whole (essential.service) is not correspondence: only
#   the notification branch of the service and marketing communications are. Notices
#   stop where they come "from us" (Callbridge, its affiliates, its processors); a
#   notice to other users about the subject (a meeting invitation) is not mail to them.
# custom:
#   clause: callbridge.marketing.email
forbids contains reason if {
	request.opt_outs[_facts.correspondence.opt_out]
	_correspondence_use
	reason := {
		"code": "all_correspondence_opted_out",
		"clause": "callbridge.marketing.email",
		"message": "the user withdrew from all future correspondence from Callbridge, service notices included",
	}
}

# METADATA
# title: Card numbers only to the US card processor
# description: >-
#   Credit card numbers go only to the card processor, in the US, for card processing;
#   every other recipient (hosting, development, analytics, Callbridge's own systems), use
#   or country is forbidden.
# custom:
#   clause: callbridge.payment.card
forbids contains reason if {
	request.any_category_overlaps(_facts.card.categories)
	not _card_processing_flow
	reason := {
		"code": "card_number_outside_card_processing",
		"clause": "callbridge.payment.card",
		"message": "credit card numbers go only to Callbridge's US card processor for card processing",
	}
}

# METADATA
# title: No passwords to development platforms
# description: >-
#   Software development environments and platforms receive all data except card numbers
#   and passwords: no processor gets passwords or credentials for development, debugging,
#   logging or code work.
# custom:
#   clause: callbridge.payment.card
forbids contains reason if {
	request.recipient_kind == "service_provider"
	request.any_category_overlaps(_facts.development.secrets)
	request.use_overlaps(_facts.development.uses)
	reason := {
		"code": "password_to_development_platform",
		"clause": "callbridge.payment.card",
		"message": "development platforms never receive passwords or login credentials",
	}
}

# METADATA
# title: Third-party direct marketing only under the user's opt-in
# description: >-
#   Third parties use personal information for their direct marketing only under the
#   choice the policy gives, read as the express opt-in of the unticked boxes.
# custom:
#   clause: callbridge.shine_the_light
forbids contains reason if {
	request.recipient_kind in _facts.third_party_marketing_kinds
	_direct_marketing_use
	not _use_consented
	reason := {
		"code": "third_party_marketing_without_consent",
		"clause": "callbridge.shine_the_light",
		"message": "no personal information goes to a third party for its direct marketing without the user's express opt-in",
	}
}

# METADATA
# title: Sub-processors only in the listed countries
# description: >-
#   A processor whose country is given may hold the data only in a country that the matrix
#   lists for a row able to carry this data for this use. The matrix lists "Llojet e të
#   dhënave personale" (types of personal data); aggregated data is not personal
#   information (L12, L85) and may go to any third party, so it is not bound here.
# custom:
#   clause: callbridge.subprocessors
forbids contains reason if {
	request.recipient_kind == "service_provider"
	not request.identifiability == "aggregated"
	request.recipient_country
	count(_serving_rows) > 0
	not _serving_row_in_country
	reason := {
		"code": "subprocessor_country_not_listed",
		"clause": "callbridge.subprocessors",
		"message": "the sub-processor matrix lists no such processor in this country for this data and use",
	}
}

# --- permits

# METADATA
# title: Off-site ad networks get only an anonymous number and visit data
# description: >-
#   Third-party ad companies that place Callbridge's ads on other sites and measure them
#   may use an anonymous number and information about visits, never anything that
#   identifies the user personally.
# custom:
#   clause: callbridge.ads.offsite
permits contains reason if {
	request.recipient_kind == "advertising_partner"
	request.all_categories_under(_facts.offsite_ads.categories)
	request.use_under(_facts.offsite_ads.uses)
	request.identifiability in _facts.ad_identifiability
	reason := {
		"code": "offsite_ads_anonymous_number",
		"clause": "callbridge.ads.offsite",
		"message": "ad networks may use an anonymous number and visit data to place and measure Callbridge's ads",
	}
}

# METADATA
# title: Aggregated data may be shared or sold
# description: >-
#   Aggregated data, from which individual customer identifiers have been removed, is not
#   personal information; Callbridge may share it with or sell it to third parties.
# custom:
#   clause: callbridge.aggregate.sale
permits contains reason if {
	request.identifiability == "aggregated"
	request.recipient_kind in _facts.aggregate_recipients
	reason := {
		"code": "aggregate_data",
		"clause": "callbridge.aggregate.sale",
		"message": "Callbridge may share or sell aggregated data from which no individual can be identified",
	}
}

# METADATA
# title: Advertisers' cookies on Callbridge's websites
# description: >-
#   Advertisers serving ads on Callbridge's websites may set their own cookies, which
#   pass cookie and device identifiers and the IP address to them.
# custom:
#   clause: callbridge.cookies
permits contains reason if {
	request.recipient_kind == "advertising_partner"
	request.all_categories_under(_facts.web_ads.categories)
	request.use_under(_facts.web_ads.uses)
	request.identifiability in _facts.ad_identifiability
	reason := {
		"code": "advertiser_cookies",
		"clause": "callbridge.cookies",
		"message": "advertisers on Callbridge's websites may receive cookie and device identifiers for advertising",
	}
}

# METADATA
# title: Disclosure with express approval
# description: >-
#   An outside party may receive personal information for a use the user expressly
#   approved, in any of the ways L99-102 list (in writing, verbally, by ticking an
#   unticked box, in the terms at service start); other clauses may still forbid the flow.
#   A processor is such a party (L112 "përpunuesve të palëve të treta", third-party
#   processors): approval opens to one a use the matrix does not list; for the uses it
#   lists, its countries still bind.
# custom:
#   clause: callbridge.disclosure.express_consent
permits contains reason if {
	request.recipient_kind in _facts.consent_recipients
	_use_consented
	reason := {
		"code": "express_consent",
		"clause": "callbridge.disclosure.express_consent",
		"message": "the user expressly approved this use of their personal information by this recipient",
	}
}

# METADATA
# title: Consent implied by the use of the service
# description: >-
#   L104: the return address "zbulohet si pjesë e shërbimit" (is disclosed as part of the
#   service): the user's name and return address go to the people the user communicates
#   with; consent is implied by the use of the service. What the user sends them is
#   disclosed by the nature of the request (the next rule), not by mere use.
# custom:
#   clause: callbridge.disclosure.express_consent
permits contains reason if {
	request.recipient_kind in _facts.implied_consent.recipients
	request.use_under(_facts.implied_consent.uses)
	request.all_categories_under(_facts.implied_consent.categories)
	reason := {
		"code": "implied_consent",
		"clause": "callbridge.disclosure.express_consent",
		"message": "the user's own use of the service implies consent to show this information to the people they communicate with",
	}
}

# METADATA
# title: Consent implied by the nature of the user's request
# description: >-
#   L104: consent "mund të nënkuptohet gjithashtu thjesht nga natyra e kërkesës suaj" (may
#   be implied simply by the nature of the request), e.g. an e-mail the user asks
#   Callbridge to send to another person: what the user asked to send goes to the people
#   the request is addressed to, for the service itself.
# custom:
#   clause: callbridge.disclosure.express_consent
permits contains reason if {
	request.requested_by_subject
	request.recipient_kind in _facts.requested.implied_recipients
	request.use_under(_facts.requested.uses)
	reason := {
		"code": "implied_by_request",
		"clause": "callbridge.disclosure.express_consent",
		"message": "the user asked for this disclosure, which implies consent to it",
	}
}

# METADATA
# title: Disclosure on lawful requests of public authorities
# description: >-
#   Callbridge may disclose personal data in response to lawful requests by public
#   authorities, including national security and law enforcement requirements.
# custom:
#   clause: callbridge.disclosure.public_authorities
permits contains reason if {
	request.recipient_kind == "law_enforcement"
	request.legal_request_verified
	request.legal_matter in _facts.authority_matters
	request.use_under(_reference.legal_uses)
	reason := {
		"code": "lawful_authority_request",
		"clause": "callbridge.disclosure.public_authorities",
		"message": "a public authority made a lawful request for this personal data",
	}
}

# METADATA
# title: Third parties as needed for a transaction the user asked for
# description: >-
#   L106: personal information may go to third parties "sipas nevojës për të përfunduar
#   një transaksion ... që ju keni kërkuar" (as needed to complete a transaction or a
#   service you requested), business partners for example; L97 exempts this from the
#   express-approval rule ("Kurseni për çdo zbulim të lejuar ... në këtë seksion").
# custom:
#   clause: callbridge.disclosure.service_providers
permits contains reason if {
	request.requested_by_subject
	request.recipient_kind in _facts.requested.transaction_recipients
	request.use_under(_facts.requested.uses)
	reason := {
		"code": "requested_transaction",
		"clause": "callbridge.disclosure.service_providers",
		"message": "a business partner receives what it needs to complete a transaction the user asked for",
	}
}

# METADATA
# title: A business customer's access follows its service agreement
# description: >-
#   L83 (with L23, L25): when a business buys the service for its employees or other
#   authorised users, "nëse klienti i biznesit ka qasje ... do të rregullohet nga kushtet e
#   ndonjë marrëveshjeje shërbimi" (its access to their data is governed by the service
#   agreement); Iotum processes that data on the customer's behalf to provide the service.
# custom:
#   clause: callbridge.role
permits contains reason if {
	request.recipient_kind == "business_customer"
	request.use_under(_facts.business_customer.uses)
	reason := {
		"code": "business_customer_account",
		"clause": "callbridge.role",
		"message": "the business customer that bought the service may access its users' data for that service, as its service agreement provides",
	}
}

# METADATA
# title: Sub-processors as listed in the matrix
# description: >-
#   A processor acting for Callbridge may receive the data types the matrix lists for its
#   type of service, for the listed purpose, in the listed countries. Any matrix row that
#   covers every requested category and the use, and the recipient's country if given,
#   permits the flow.
# custom:
#   clause: callbridge.subprocessors
permits contains reason if {
	request.recipient_kind == "service_provider"
	some row in _facts.subprocessors
	_row_carries(row)
	request.use_under(row.purposes)
	_country_fits(row)
	reason := {
		"code": "listed_subprocessor",
		"clause": "callbridge.subprocessors",
		"message": sprintf("the sub-processor matrix lets a %s receive this data for this purpose", [row.type]),
	}
}

# METADATA
# title: Transfer to Iotum affiliates worldwide
# description: >-
#   Personal information may go to any Iotum affiliate anywhere in the world for the
#   policy's purposes; a named recipient must be one of the group companies the policy names.
# custom:
#   clause: callbridge.transfer
permits contains reason if {
	request.recipient_kind == "corporate_family"
	_known_group_member
	_purpose_use
	reason := {
		"code": "group_transfer",
		"clause": "callbridge.transfer",
		"message": "Callbridge may transfer personal information to Iotum affiliates worldwide for the policy's purposes",
	}
}

# METADATA
# title: Callbridge's own use for a purpose the user later authorised
# description: >-
#   L108: Iotum uses personal information for no purpose materially different from the one
#   it was collected for "ose është autorizuar më pas nga individi" (or later authorised by
#   the individual): a use beyond the listed purposes that the user consented to is open
#   to Callbridge and the Iotum group.
# custom:
#   clause: callbridge.use.new_purpose_optout
permits contains reason if {
	_the_company
	not _purpose_use
	_use_consented
	reason := {
		"code": "authorised_purpose",
		"clause": "callbridge.use.new_purpose_optout",
		"message": "the user authorised Callbridge to use their personal information for this purpose",
	}
}

# METADATA
# title: Callbridge's own use for the policy's purposes
# description: >-
#   Callbridge (Iotum) may process personal information on its own systems, wherever
#   they are, to operate, secure, provide, improve and personalise its services, for
#   notices, for marketing and for legal duties.
# custom:
#   clause: callbridge.use.purposes
permits contains reason if {
	request.recipient_kind == "first_party"
	_purpose_use
	reason := {
		"code": "own_purposes",
		"clause": "callbridge.use.purposes",
		"message": "Callbridge uses personal information for this purpose under its policy",
	}
}

# --- obligations

# METADATA
# title: Honour the Do Not Sell choice on advertising sharing
# description: Sharing with advertising partners may be a sale under California law and stops on a Do Not Sell opt-out.
# custom:
#   clause: callbridge.ccpa.sale
obligations contains obligation if {
	request.recipient_kind == "advertising_partner"
	not request.identifiability == "aggregated"
	obligation := {
		"code": "honour_opt_out",
		"clause": "callbridge.ccpa.sale",
		"message": "stop this advertising sharing as soon as the browser carries a Do Not Sell opt-out",
		"opt_out": _facts.sale_opt_out,
	}
}

# METADATA
# title: Agents follow Callbridge's privacy practices
# description: >-
#   A third party acting on Callbridge's behalf must be required to follow Callbridge's
#   privacy practices; without a contract on record, one is required.
# custom:
#   clause: callbridge.disclosure.service_providers
obligations contains obligation if {
	request.recipient_kind == "service_provider"
	not request.under_contract
	obligation := {
		"code": "contract_required",
		"clause": "callbridge.disclosure.service_providers",
		"message": "bind the processor by contract to act only for Callbridge, follow its privacy practices and secure the data",
	}
}

# METADATA
# title: Correspondence stops when the user withdraws from it
# description: >-
#   L210: a user may withdraw from all future correspondence from Callbridge at any
#   time (privacy@ or support@): every allowed message to the user stops then.
# custom:
#   clause: callbridge.marketing.email
obligations contains obligation if {
	_correspondence_use
	obligation := {
		"code": "honour_opt_out",
		"clause": "callbridge.marketing.email",
		"message": "stop all further correspondence once the user withdraws from it",
		"opt_out": _facts.correspondence.opt_out,
	}
}

# METADATA
# title: Marketing stops when the user opts out of it
# description: >-
#   L91, L210: product e-mails rest on consent the user may withdraw; an opt-out of
#   marketing stops every further marketing message.
# custom:
#   clause: callbridge.marketing.email
obligations contains obligation if {
	_direct_marketing_use
	obligation := {
		"code": "honour_opt_out",
		"clause": "callbridge.marketing.email",
		"message": "stop marketing messages once the user opts out of them",
		"opt_out": _facts.marketing_opt_out,
	}
}

# METADATA
# title: Keep processing data no longer than the table allows
# description: >-
#   Every category in the processing table is kept for the longer of the customer's
#   contract term and any longer period a specific regulation requires.
# custom:
#   clause: callbridge.processing.table
obligations contains obligation if {
	request.recipient_kind in _facts.retention_kinds
	not request.identifiability == "aggregated"
	obligation := {
		"code": "retention_limit",
		"clause": "callbridge.processing.table",
		"message": "keep the data no longer than the customer's contract term or any longer period a specific regulation requires",
		"period": _facts.retention_period,
	}
}

# METADATA
# title: Access only as the service agreement provides
# description: >-
#   L83: a business customer's access to its employees' or authorised users' data "do të
#   rregullohet nga kushtet e ndonjë marrëveshjeje shërbimi" (is governed by the terms of
#   the service agreement), so the access must stay within those terms.
# custom:
#   clause: callbridge.role
obligations contains obligation if {
	request.recipient_kind == "business_customer"
	obligation := {
		"code": "service_agreement_terms",
		"clause": "callbridge.role",
		"message": "give the business customer access to its users' personal information only as its service agreement provides",
	}
}

# METADATA
# title: Contractual clauses for sub-processors abroad
# description: >-
#   Where applicable, Iotum relies on contractual clauses with its third-party processors,
#   including the European Commission's standard contractual clauses for international
#   transfers.
# custom:
#   clause: callbridge.transfer
obligations contains obligation if {
	request.recipient_kind == "service_provider"
	_needs_transfer_safeguard
	obligation := {
		"code": "transfer_safeguard",
		"clause": "callbridge.transfer",
		"message": "bind the processor by contractual clauses, including the EU standard contractual clauses, for this international transfer",
	}
}

# METADATA
# title: DPF safeguard for EU, UK and Swiss data sent to Iotum outside Europe
# description: >-
#   Personal data of subjects in the EEA, the UK or Switzerland that goes to Iotum or its
#   affiliates outside the EEA and adequate countries is handled under the EU-US DPF, its
#   UK extension and the Swiss-US DPF (or contractual clauses for uncertified affiliates).
# custom:
#   clause: callbridge.transfer.dpf
obligations contains obligation if {
	request.recipient_kind in {"first_party", "corporate_family"}
	_needs_transfer_safeguard
	obligation := {
		"code": "transfer_safeguard",
		"clause": "callbridge.transfer.dpf",
		"message": "handle this European, UK or Swiss personal data under the Data Privacy Framework principles (Iotum Inc., Iotum Global Holdings Inc.) or standard contractual clauses",
		"entities": _facts.transfer.dpf_entities,
	}
}

# --- helpers

# Callbridge itself, or an Iotum company (L5: "Kompania" is Iotum and its affiliates).
_the_company if request.recipient_kind == "first_party"

_the_company if {
	request.recipient_kind == "corporate_family"
	_known_group_member
}

# E-mail and other messages to the user: marketing (matched broadly) and service notices
# sent by Callbridge or those acting for it (matched under the notification branch, so
# the service itself is not correspondence).
default _correspondence_use := false

_correspondence_use if request.use_overlaps(_facts.correspondence.marketing_uses)

_correspondence_use if {
	request.use_under(_facts.correspondence.notice_uses)
	request.recipient_kind in _facts.correspondence.notice_senders
}

# An unnamed affiliate is trusted as declared; a named one must be in the facts.
_known_group_member if not request.recipient_name

_known_group_member if request.recipient_named(_facts.group_entities)

default _needs_transfer_safeguard := false

_needs_transfer_safeguard if {
	_european_subject
	not _adequate_destination
	not request.identifiability == "aggregated"
}

_european_subject if request.subject_country in _reference.eea

_european_subject if request.subject_country in _facts.transfer.dpf_origin_countries

_adequate_destination if request.recipient_country in _reference.eea

_adequate_destination if request.recipient_country in _reference.eu_adequacy

# Every requested category is a listed data type of the row and none is excluded from it.
_row_carries(row) if {
	request.all_categories_under(row.categories)
	not request.any_category_overlaps(row.excluded)
}

_row_might_serve(row) if {
	_row_carries(row)
	request.use_overlaps(row.purposes)
}

# The matrix rows able to carry this data for this use, worked out once per decision
# (regopy calls a function anew every time, and the forbid above asks about each row twice).
_serving_rows := [row |
	some row in _facts.subprocessors
	_row_might_serve(row)
]

_serving_row_in_country if {
	some row in _serving_rows
	_country_in_row(request.recipient_country, row)
}

_country_fits(_) if not request.recipient_country

_country_fits(row) if _country_in_row(request.recipient_country, row)

_country_in_row(country, row) if country in row.countries

_country_in_row(country, row) if {
	"EU" in row.countries
	country in _facts.eu_member_states
}

_country_in_row(_, row) if "ANY" in row.countries

_card_processing_flow if {
	request.recipient_kind == _facts.card.recipient_kind
	request.use_under([_facts.card.use])
	not _card_country_outside
}

_card_country_outside if {
	request.recipient_country
	not request.recipient_country in _facts.card.countries
}

_sale_like if request.action == "sell"

_sale_like if request.recipient_kind == "advertising_partner"

# Conditions several rules read, worked out once per decision: regopy keeps a rule's
# value for the rest of the query only when it is defined (and calls a function anew
# every time), so each defaults to false.
default _purpose_use := false

_purpose_use if request.use_under(_facts.purposes)

default _use_consented := false

_use_consented if request.consented(request.use)

default _direct_marketing_use := false

_direct_marketing_use if request.use_overlaps(_facts.direct_marketing_uses)
