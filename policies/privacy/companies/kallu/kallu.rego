# METADATA
# title: Kallu
# description: >-
#   Disclosure rules of Kallu's privacy policy (seed 001, English). Each rule cites
#   the clause it implements; facts live in facts/data.json.
package privacy.companies.kallu

import data.privacy.request

# --- facts

_facts := data.privacy.companies.kallu.facts

_reference := data.privacy.reference

# --- catch-all

# METADATA
# title: Nothing else goes to third parties
# description: Except as the policy provides, Kallu gives personal information to no third party.
# custom:
#   clause: kallu.disclosure.default_deny
catch_all := {
	"code": "no_permitting_clause",
	"clause": "kallu.disclosure.default_deny",
	"message": "Kallu's policy permits no such flow, and except as the policy provides it gives personal information to no one",
}

# --- forbids

# METADATA
# title: Advertising partners get cookie-level data only
# description: >-
#   The policy's only advertising relationship is Google's cookies; an advertising
#   partner never receives names, contact details, financial data, ids or credentials.
# custom:
#   clause: kallu.cookies.google
forbids contains reason if {
	request.recipient_kind == "advertising_partner"
	request.any_category_overlaps(_reference.direct_identifiers)
	reason := {
		"code": "direct_identifiers_to_advertiser",
		"clause": "kallu.cookies.google",
		"message": "advertising partners receive cookie-level data only, never names, contact details, financial data, government ids, usernames or credentials",
	}
}

# METADATA
# title: Authorities get nothing without an accepted legal ground
# description: >-
#   Authorities receive information only on a ground L52-55 names: where the law
#   requires it, in connection with legal proceedings (a criminal investigation
#   included), for Kallu's legal rights, or on a likely court order.
# custom:
#   clause: kallu.disclosure.legal
forbids contains reason if {
	request.recipient_kind == "law_enforcement"
	not _legal_ground
	reason := {
		"code": "no_accepted_legal_ground",
		"clause": "kallu.disclosure.legal",
		"message": "Kallu discloses to authorities only where the law requires it, for legal proceedings or its legal rights, or where a court would likely order it",
	}
}

# METADATA
# title: Electronic marketing needs specific agreement
# description: Kallu sends marketing by email or similar technology only where the user specifically agreed.
# custom:
#   clause: kallu.marketing.channel
forbids contains reason if {
	_marketing_communications_use # a cached first check: electronic marketing uses sit under it (a test says so)
	not _use_consented
	request.use_under(_facts.electronic_marketing_uses)
	reason := {
		"code": "electronic_marketing_without_consent",
		"clause": "kallu.marketing.channel",
		"message": "marketing by email or similar technology needs the user's specific agreement",
	}
}

# METADATA
# title: Marketing to electronic contacts needs specific agreement
# description: >-
#   A marketing-communications use with an email address or phone number is
#   electronic marketing, and needs the user's specific agreement.
# custom:
#   clause: kallu.marketing.channel
forbids contains reason if {
	_marketing_communications_use
	not _use_consented
	request.any_category_overlaps(_facts.electronic_contact_categories)
	reason := {
		"code": "electronic_marketing_without_consent",
		"clause": "kallu.marketing.channel",
		"message": "marketing by email or similar technology needs the user's specific agreement",
	}
}

# METADATA
# title: Marketing stops on opt-out
# description: >-
#   A user who said they no longer want marketing communications (L37), or asked for
#   no correspondence at all, gets no marketing by any channel. The policy promises no
#   stop to service mail (L83 notices changes by email), so all_correspondence stops
#   marketing only.
# custom:
#   clause: kallu.marketing.channel
forbids contains reason if {
	_marketing_opted_out
	request.use_overlaps(_facts.marketing_communications)
	reason := {
		"code": "marketing_opted_out",
		"clause": "kallu.marketing.channel",
		"message": "the user told Kallu they no longer want marketing communications",
	}
}

# METADATA
# title: No display without explicit consent
# description: >-
#   "We won't display them without your explicit consent" (L1): information outside
#   what L20 says the user posts for publication (username, profile pictures, posts)
#   is not shown to others unless the user consented or asked for this very display.
#   The real name is profile data (L15), not published data. Display is showing
#   through the service; a disclosure to a person for a legal use is L52-55's.
# custom:
#   clause: kallu.publication.consent
forbids contains reason if {
	_publication_recipient
	request.use_overlaps(_facts.publication_uses)
	not request.all_categories_under(_facts.publication_categories)
	not _use_consented
	not request.requested_by_subject
	reason := {
		"code": "display_without_consent",
		"clause": "kallu.publication.consent",
		"message": "Kallu does not display personal information the user did not publish without explicit consent",
	}
}

# METADATA
# title: Kallu never sells user data
# description: Any sale of user data is forbidden, whatever its identifiability.
# custom:
#   clause: kallu.sale.never
forbids contains reason if {
	request.action == "sell"
	reason := {
		"code": "sale_forbidden",
		"clause": "kallu.sale.never",
		"message": "Kallu promises that it will not sell its users' data",
	}
}

# METADATA
# title: Card details only for payment processing
# description: Card numbers may go to no recipient for any use other than payment processing.
# custom:
#   clause: kallu.security.payment
forbids contains reason if {
	request.any_category_overlaps(_facts.payment.card_categories)
	not _payment_use
	reason := {
		"code": "card_details_outside_payment",
		"clause": "kallu.security.payment",
		"message": "card details are used only to process the user's payments",
	}
}

# METADATA
# title: No third-party direct marketing without express consent
# description: >-
#   A third party may not receive personal information for its own or another's
#   direct marketing unless the user expressly consented to that use.
# custom:
#   clause: kallu.sharing.direct_marketing
forbids contains reason if {
	_marketing_recipient
	request.use_overlaps(["marketing"])
	not _use_consented
	reason := {
		"code": "third_party_marketing_without_consent",
		"clause": "kallu.sharing.direct_marketing",
		"message": "Kallu gives no personal information to a third party for its direct marketing without express consent",
	}
}

# METADATA
# title: No transfer outside EEA-equivalent protection
# description: >-
#   Data is never transferred to a country without data-protection law equivalent to
#   the EEA's (the EEA and countries with an EU adequacy decision), whoever holds it.
# custom:
#   clause: kallu.transfer.countries
forbids contains reason if {
	country := request.recipient_country
	not _adequate_country
	reason := {
		"code": "transfer_to_inadequate_country",
		"clause": "kallu.transfer.countries",
		"message": sprintf("Kallu transfers no information to %v, a country without data protection equivalent to the EEA's", [country]),
	}
}

# --- permits

# METADATA
# title: Google Analytics and AdWords cookies
# description: >-
#   Google may receive cookie-level data (cookie ids, IP address, browsing on the
#   website) for analytics and advertising, where the user consented to cookies for that use.
# custom:
#   clause: kallu.cookies.google
permits contains reason if {
	request.recipient_kind in _facts.google.recipient_kinds
	request.recipient_named(_facts.google.names)
	request.use_under(_facts.google.uses)
	request.all_categories_under(_facts.google.categories)
	_use_consented
	reason := {
		"code": "google_cookies",
		"clause": "kallu.cookies.google",
		"message": "Google Analytics and AdWords receive cookie data for a use the user consented to",
	}
}

# METADATA
# title: Group companies for the policy's purposes
# description: >-
#   Kallu's group (subsidiaries, ultimate holding company and its subsidiaries) may
#   receive personal information where needed for the purposes the policy lists.
# custom:
#   clause: kallu.disclosure.group
permits contains reason if {
	request.recipient_kind == "corporate_family"
	_purpose_use
	reason := {
		"code": "group_disclosure",
		"clause": "kallu.disclosure.group",
		"message": "Kallu's group companies may receive the information for a purpose the policy lists",
	}
}

# METADATA
# title: Fraud prevention and credit risk
# description: >-
#   Defending Kallu's rights includes "providing information to others for the purposes
#   of fraud prevention and reducing credit risk" (L54): authorities, fraud and credit
#   agencies, and processors or group companies doing it for Kallu. Kallu gives it on
#   its own initiative: L54 waits for no request, so none is needed (authorities still
#   need an accepted ground, by the forbid above).
# custom:
#   clause: kallu.disclosure.legal
permits contains reason if {
	request.recipient_kind in _facts.legal.fraud_recipients
	request.use_under(_facts.legal.fraud_uses)
	reason := {
		"code": "fraud_prevention",
		"clause": "kallu.disclosure.legal",
		"message": "Kallu may give the information to others to prevent fraud and reduce credit risk",
	}
}

# METADATA
# title: Legal proceedings and Kallu's legal rights
# description: >-
#   Kallu may disclose in connection with "any ongoing or prospective legal proceedings"
#   (L53), which takes in a criminal investigation (prospective criminal proceedings),
#   or to establish, exercise or defend its legal rights (L54). The text asks no
#   verification for either, so none is required.
# custom:
#   clause: kallu.disclosure.legal
permits contains reason if {
	_legal_recipient
	request.legal_matter in _facts.legal.proceedings_and_rights_matters
	_legal_use
	reason := {
		"code": "legal_proceedings_or_rights",
		"clause": "kallu.disclosure.legal",
		"message": "Kallu may disclose the information in connection with legal proceedings or to establish, exercise or defend its legal rights",
	}
}

# METADATA
# title: Disclosure required by law
# description: >-
#   Kallu discloses to the extent the law requires it: on a verified request that the
#   law or a court order compels, for a legal use.
# custom:
#   clause: kallu.disclosure.legal
permits contains reason if {
	_legal_recipient
	request.legal_matter in _facts.legal.verified_matters
	request.legal_request_verified
	_legal_use
	reason := {
		"code": "required_by_law",
		"clause": "kallu.disclosure.legal",
		"message": "the law requires Kallu to disclose this information",
	}
}

# METADATA
# title: Someone likely to obtain a disclosure order
# description: >-
#   Kallu may disclose to "any person" it reasonably believes may apply to a court or
#   authority that would likely order the disclosure, before any order is verified.
# custom:
#   clause: kallu.disclosure.likely_order
permits contains reason if {
	request.recipient_kind in _facts.legal.likely_order_recipients
	request.legal_matter in _facts.legal.likely_order_matters
	not request.legal_request_verified
	_legal_use
	reason := {
		"code": "likely_court_order",
		"clause": "kallu.disclosure.likely_order",
		"message": "Kallu reasonably believes a court or authority would likely order this disclosure",
	}
}

# METADATA
# title: Marketing by email with specific agreement
# description: Kallu may send newsletters and marketing by email where the user specifically agreed to it.
# custom:
#   clause: kallu.marketing.channel
permits contains reason if {
	request.recipient_kind == "first_party"
	_marketing_communications_use
	_use_consented
	reason := {
		"code": "agreed_marketing",
		"clause": "kallu.marketing.channel",
		"message": "the user specifically agreed to receive these marketing communications",
	}
}

# METADATA
# title: Marketing by post
# description: Kallu may send its own marketing by post, using only the name and postal address.
# custom:
#   clause: kallu.marketing.channel
permits contains reason if {
	request.recipient_kind == "first_party"
	request.use == "marketing.communications"
	request.all_categories_under(_facts.postal_marketing_categories)
	reason := {
		"code": "postal_marketing",
		"clause": "kallu.marketing.channel",
		"message": "Kallu may market to the user by post unless the user opted out",
	}
}

# METADATA
# title: Displaying other data with explicit consent
# description: Other personal information may be displayed to others only with the user's explicit consent.
# custom:
#   clause: kallu.publication.consent
permits contains reason if {
	_publication_recipient
	_publication_use
	_use_consented
	reason := {
		"code": "display_with_consent",
		"clause": "kallu.publication.consent",
		"message": "the user explicitly consented to this information being displayed",
	}
}

# METADATA
# title: Publishing what the user submitted for publication
# description: >-
#   Other users and the public may see what the user posts for publication: L20 names
#   the username, profile pictures and posts (not the real name), under the licence
#   the user granted (L43).
# custom:
#   clause: kallu.publication.consent
permits contains reason if {
	_publication_recipient
	_publication_use
	request.all_categories_under(_facts.publication_categories)
	reason := {
		"code": "user_published_content",
		"clause": "kallu.publication.consent",
		"message": "the user submitted this information for publication on Kallu's website",
	}
}

# METADATA
# title: Showing what the user asked to show
# description: >-
#   "May you submit personal information for publication purposes on our website, we
#   will publish it" (L43): what the user asks to show to other users or the public
#   (a post, a message to a room) is shown, whatever its category.
# custom:
#   clause: kallu.publication.consent
permits contains reason if {
	_publication_recipient
	_publication_use
	request.requested_by_subject
	reason := {
		"code": "shown_at_user_request",
		"clause": "kallu.publication.consent",
		"message": "the user asked Kallu to show this information to other users or the public",
	}
}

# METADATA
# title: Purchase data to a payment processor
# description: >-
#   Purchase and payment data, including card details, may go to a payment processor
#   acting for Kallu, only to process the payment.
# custom:
#   clause: kallu.security.payment
permits contains reason if {
	request.recipient_kind == "service_provider"
	_payment_use
	request.all_categories_under(_facts.payment.categories)
	reason := {
		"code": "payment_processing",
		"clause": "kallu.security.payment",
		"message": "purchase and payment data go to a processor only to process the user's payment",
	}
}

# METADATA
# title: Third-party direct marketing with express consent
# description: With the user's express consent to the marketing use, a third party may receive the data for it.
# custom:
#   clause: kallu.sharing.direct_marketing
permits contains reason if {
	_marketing_recipient
	request.use_under(["marketing"])
	_use_consented
	reason := {
		"code": "third_party_marketing_with_consent",
		"clause": "kallu.sharing.direct_marketing",
		"message": "the user expressly consented to this direct-marketing use",
	}
}

# METADATA
# title: Anonymous statistics to third parties
# description: Third parties may receive statistics from which no individual user can be identified.
# custom:
#   clause: kallu.sharing.statistics
permits contains reason if {
	request.recipient_kind in _facts.statistics_recipients
	request.identifiability == "aggregated"
	reason := {
		"code": "aggregated_statistics",
		"clause": "kallu.sharing.statistics",
		"message": "third parties may receive statistics about users from which no individual can be identified",
	}
}

# METADATA
# title: Kallu's own systems in EEA-equivalent countries
# description: Kallu may store and process the information in countries with EEA-equivalent protection, for the policy's purposes.
# custom:
#   clause: kallu.transfer.countries
permits contains reason if {
	request.recipient_kind == "first_party"
	_adequate_country
	_purpose_use
	reason := {
		"code": "transfer_within_operating_countries",
		"clause": "kallu.transfer.countries",
		"message": sprintf("Kallu may store and process the information in %v for the policy's purposes", [request.recipient_country]),
	}
}

# METADATA
# title: Kallu's own use for the listed purposes
# description: >-
#   Kallu itself may use personal information for the purposes the policy lists
#   (administration, service delivery, billing, personalisation, notifications,
#   statistics, complaints, security and fraud, terms compliance).
# custom:
#   clause: kallu.use.purpose_limit
permits contains reason if {
	request.recipient_kind == "first_party"
	_purpose_use
	reason := {
		"code": "listed_purpose",
		"clause": "kallu.use.purpose_limit",
		"message": "Kallu uses the information itself for a purpose its policy lists",
	}
}

# --- obligations

# METADATA
# title: Only what the purpose needs goes to the group
# description: >-
#   L49: disclosure to the group "will be done reasonably and only if necessary for the
#   purposes set out in this policy": a group company gets only what that purpose needs.
# custom:
#   clause: kallu.disclosure.group
obligations contains obligation if {
	request.recipient_kind == "corporate_family"
	obligation := {
		"code": "necessary_only",
		"clause": "kallu.disclosure.group",
		"message": "disclose to the group company only what the purpose needs",
	}
}

# METADATA
# title: Marketing opt-out stays available
# description: Every marketing communication must honour the user's right to stop it at any time.
# custom:
#   clause: kallu.marketing.channel
obligations contains obligation if {
	_marketing_communications_use
	obligation := {
		"code": "honour_opt_out",
		"clause": "kallu.marketing.channel",
		"message": "the user may ask at any time to receive no more marketing communications",
		"opt_out": "marketing_communications",
	}
}

# METADATA
# title: Publication within the user's privacy settings
# description: >-
#   L44: "Your privacy settings can be used to limit the publication of your
#   information on our website": what other users or the public are shown stays within
#   those settings.
# custom:
#   clause: kallu.publication.consent
obligations contains obligation if {
	_publication_recipient
	obligation := {
		"code": "honour_privacy_settings",
		"clause": "kallu.publication.consent",
		"message": "show the information only as far as the user's privacy settings allow",
	}
}

# METADATA
# title: Kept no longer than necessary
# description: >-
#   Personal information Kallu or its group and processors hold for a purpose is kept
#   no longer than that purpose needs (legal holds aside).
# custom:
#   clause: kallu.retention.limits
obligations contains obligation if {
	request.recipient_kind in _facts.retention.recipients
	not request.identifiability == "aggregated"
	obligation := {
		"code": "retention_limit",
		"clause": "kallu.retention.limits",
		"message": "keep the information no longer than the purpose needs, unless the law or legal proceedings require more",
		"period": _facts.retention.period,
	}
}

# METADATA
# title: Payment processor under contract
# description: A payment processor not yet bound by contract must be, to act for Kallu and secure the data.
# custom:
#   clause: kallu.security.payment
obligations contains obligation if {
	request.recipient_kind == "service_provider"
	_payment_use
	not request.under_contract
	obligation := {
		"code": "contract_required",
		"clause": "kallu.security.payment",
		"message": "the payment processor must be bound by contract to act for Kallu and protect the transaction data",
	}
}

# METADATA
# title: Financial transactions encrypted
# description: >-
#   L77: every electronic financial transaction made through the website is protected by
#   encryption, so a payment flow, to Kallu itself or to its processor, travels encrypted.
# custom:
#   clause: kallu.security.payment
obligations contains obligation if {
	_payment_use
	obligation := {
		"code": "encrypt_transaction",
		"clause": "kallu.security.payment",
		"message": "protect the electronic financial transaction with encryption",
	}
}

# --- helpers

# The request carries a ground kallu.disclosure.legal or .likely_order accepts.
_legal_ground if {
	request.legal_matter in _facts.legal.verified_matters
	request.legal_request_verified
}

_legal_ground if request.legal_matter in _facts.legal.proceedings_and_rights_matters

_legal_ground if request.legal_matter in _facts.legal.likely_order_matters

# The recipient's country has data-protection law taken as equivalent to the EEA's.
# (Walking the source lists costs regopy less than a set built from them, which it
# would build anew for every decision.)
default _adequate_country := false

_adequate_country if {
	some list in _facts.transfer_country_lists
	request.recipient_country in _reference[list]
}

# The user no longer wants marketing, or asked for no correspondence at all.
_marketing_opted_out if {
	some choice in _facts.marketing_opt_outs
	request.opt_outs[choice]
}

# Conditions several rules read, worked out once per decision: regopy keeps a rule's
# value for the rest of the query only when it is defined (and calls a function anew
# every time), so each defaults to false.
default _marketing_recipient := false

_marketing_recipient if request.recipient_kind in _facts.marketing_recipients

default _legal_recipient := false

_legal_recipient if request.recipient_kind in _facts.legal.recipients

default _use_consented := false

_use_consented if request.consented(request.use)

default _marketing_communications_use := false

_marketing_communications_use if request.use_under(_facts.marketing_communications)

default _publication_recipient := false

_publication_recipient if request.recipient_kind in _facts.publication_recipients

default _publication_use := false

_publication_use if request.use_under(_facts.publication_uses)

default _legal_use := false

_legal_use if request.use_under(_reference.legal_uses)

default _payment_use := false

_payment_use if request.use_under(_facts.payment.uses)

default _purpose_use := false

_purpose_use if request.use_under(_facts.purposes)
