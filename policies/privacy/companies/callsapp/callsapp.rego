# METADATA
# title: CallsApp
# description: >-
#   Disclosure rules of CallsApp's privacy policy (seed 002, English and Russian
#   mixed line by line). Each rule cites the clause it implements; facts live in
#   facts/data.json.
package privacy.companies.callsapp

import data.privacy.request
import data.privacy.vocabulary

# --- facts

_facts := data.privacy.companies.callsapp.facts

_reference := data.privacy.reference

# --- catch-all

# METADATA
# title: Only as described in this Policy
# description: >-
#   CallsApp uses and discloses personal information only as the policy describes;
#   any flow no clause permits is denied.
# custom:
#   clause: callsapp.consent.by_use
catch_all := {
	"code": "no_permitting_clause",
	"clause": "callsapp.consent.by_use",
	"message": "CallsApp's policy describes no such use or disclosure, and CallsApp uses personal information only as described in it",
}

# --- forbids

# METADATA
# title: A user who wants no further notifications gets none from bots
# description: >-
#   L46: the user can decline notifications from a bot or public account, or opt out
#   of further notifications at any time; asking for no correspondence at all does that.
# custom:
#   clause: callsapp.bots.messaging
forbids contains reason if {
	_bot_owner
	request.use_overlaps(_facts.bots.messaging_uses)
	some choice in _facts.bots.messaging_opt_outs
	request.opt_outs[choice]
	reason := {
		"code": "bot_notifications_declined",
		"clause": "callsapp.bots.messaging",
		"message": "the user asked for no further notifications, so bot and public-account admins get nothing to send them",
	}
}

# METADATA
# title: No data of children known to be under 10
# description: >-
#   L114 "мы сознательно не собираем личную информацию ... от лиц младше 10 лет"
#   (we knowingly do not collect from anyone under 10): knowingly is triggered by a
#   known age below 10, so an unknown age does not trigger it (request.known_younger_than).
#   The EEA sentence gives users under 16 protective default settings only; it bans
#   no recipient or use, so no rule follows from it.
# custom:
#   clause: callsapp.children
forbids contains reason if {
	request.age < _facts.children.minimum_age
	reason := {
		"code": "child_below_minimum_age",
		"clause": "callsapp.children",
		"message": "CallsApp is not for children under 10 and does not knowingly collect their data",
	}
}

# METADATA
# title: The address book is not stored or shared
# description: >-
#   A copy of the user's contacts is not collected or stored; the app only matches
#   contacts for the service, so the address book goes to no one else and to no other use.
# custom:
#   clause: callsapp.collection.address_book
forbids contains reason if {
	request.any_category_overlaps(_facts.address_book.categories)
	not _address_book_matching
	reason := {
		"code": "address_book_not_stored",
		"clause": "callsapp.collection.address_book",
		"message": "CallsApp does not collect or store the address book; it only matches contacts to provide the service",
	}
}

# METADATA
# title: No sensitive data is collected or shared
# description: >-
#   CallsApp never collects or shares sensitive user data (read as the GDPR special
#   categories and criminal records), so none goes to any recipient.
# custom:
#   clause: callsapp.collection.device_fraud
forbids contains reason if {
	request.any_category_overlaps(_facts.sensitive_categories)
	reason := {
		"code": "sensitive_data_never_shared",
		"clause": "callsapp.collection.device_fraud",
		"message": "CallsApp never collects or shares sensitive user data",
	}
}

# METADATA
# title: No sale of personal information
# description: >-
#   The policy never describes selling personal information (no sale or CCPA
#   section), and CallsApp uses information only as described, so any sale is denied.
# custom:
#   clause: callsapp.consent.by_use
forbids contains reason if {
	request.action == "sell"
	reason := {
		"code": "sale_not_described",
		"clause": "callsapp.consent.by_use",
		"message": "CallsApp's policy describes no sale of user data, and CallsApp uses information only as described",
	}
}

# METADATA
# title: Private content is end-to-end encrypted
# description: >-
#   Calls, messages and private media are end-to-end encrypted with keys only on the
#   users' devices, so no one outside the conversation can be given them. Chats with
#   bots and public accounts are not end-to-end encrypted (L15) and are left to
#   callsapp.content.bots_not_e2ee; a message or call the user sends to another user
#   is the conversation itself (_conversation_delivery).
# custom:
#   clause: callsapp.content.e2ee
forbids contains reason if {
	not request.recipient_kind == "first_party"
	_private_content
	not _bot_chat
	not _conversation_delivery
	reason := {
		"code": "private_content_end_to_end_encrypted",
		"clause": "callsapp.content.e2ee",
		"message": "private content is end-to-end encrypted and no one but the conversation's participants has access to it",
	}
}

# METADATA
# title: CallsApp never reads or listens to private content
# description: >-
#   Private messages, calls and media are never read or listened to by CallsApp,
#   so no recipient, CallsApp included, gets them for any use, whatever the consent.
#   The exceptions are the text's own: a chat the user writes to a bot or public
#   account goes to that account's owner (L15), and what the user shares privately
#   reaches the people it is shared with (L8 "the content you are sharing privately",
#   L13 messages "delivered to their destination"); CallsApp reads neither.
# custom:
#   clause: callsapp.content.no_access
forbids contains reason if {
	_private_content
	not _bot_chat
	not _conversation_delivery
	reason := {
		"code": "private_content_never_accessed",
		"clause": "callsapp.content.no_access",
		"message": "CallsApp never reads or listens to private messages, calls or media, so it discloses none",
	}
}

# METADATA
# title: Tracking needs consent where the law requires it
# description: >-
#   Cookies and tracking technologies (the advertising identifier included) are used
#   with consent where the law requires it; for subjects in the EEA, ad partners (and
#   advertising service providers, L62) get data only with consent to the advertising use.
# custom:
#   clause: callsapp.cookies
forbids contains reason if {
	_ad_recipient
	request.subject_country in _reference.eea
	not _use_consented
	reason := {
		"code": "eea_tracking_without_consent",
		"clause": "callsapp.cookies",
		"message": "in the EEA, data goes to advertising partners only with the user's consent to that use",
	}
}

# METADATA
# title: A delinked account is not shared with the group
# description: >-
#   A user who delinked the CallsApp account from the group's account (L35, L58) has
#   no data shared with the group for the joint account's purposes. Ground (ii) of L58,
#   detecting and preventing fraud, illegal acts and security breaches, stands on its
#   own and is not ended by delinking.
# custom:
#   clause: callsapp.disclosure.group
forbids contains reason if {
	request.recipient_kind == "corporate_family"
	request.opt_outs[_facts.group.delink_opt_out]
	not _group_fraud_use
	reason := {
		"code": "group_account_delinked",
		"clause": "callsapp.disclosure.group",
		"message": "the user delinked the CallsApp account from the group's accounts",
	}
}

# METADATA
# title: No disclosure to authorities without a verified request
# description: Authorities get nothing without a verified request on a matter the policy accepts.
# custom:
#   clause: callsapp.disclosure.law_enforcement
forbids contains reason if {
	request.recipient_kind == "law_enforcement"
	not _accepted_legal_request
	reason := {
		"code": "law_enforcement_without_verified_request",
		"clause": "callsapp.disclosure.law_enforcement",
		"message": "CallsApp discloses to authorities only on a verified request about terrorism, crime, illegal activity or legal liability",
	}
}

# METADATA
# title: Location-based offers need the user's permission
# description: >-
#   L46 "Вам будет предложено разрешить использование данных о вашем местоположении до
#   того, как CallsApp предоставит вам определенные предложения": permission is asked
#   before location data, of any precision, serves offers; without consent to the use,
#   no location data goes to offers.
# custom:
#   clause: callsapp.location
forbids contains reason if {
	request.any_category_overlaps(_facts.location.categories)
	request.use_overlaps(_facts.location.offer_uses)
	not _use_consented
	reason := {
		"code": "location_offers_without_permission",
		"clause": "callsapp.location",
		"message": "location data serves offers only once the user has allowed it",
	}
}

# METADATA
# title: Precise location beyond the service needs consent
# description: >-
#   Precise location is processed for anything other than providing the service only
#   with the user's consent.
# custom:
#   clause: callsapp.location
forbids contains reason if {
	request.any_category_overlaps(_facts.location.precise_categories)
	not request.use_under(_facts.location.service_uses)
	not _use_consented
	reason := {
		"code": "precise_location_without_consent",
		"clause": "callsapp.location",
		"message": "precise location is used beyond providing the service only with the user's consent",
	}
}

# METADATA
# title: The user can decline offers
# description: >-
#   A user who declined offer notifications (L80), or asked for no correspondence at
#   all, gets no marketing communications. Service updates (L80, first sentence) are
#   not declinable in the text, so all_correspondence does not stop them.
# custom:
#   clause: callsapp.marketing.offers
forbids contains reason if {
	some choice in _facts.marketing.opt_outs
	request.opt_outs[choice]
	_offers_use_overlap
	reason := {
		"code": "marketing_communications_declined",
		"clause": "callsapp.marketing.offers",
		"message": "the user declined offer notifications",
	}
}

# METADATA
# title: No data to third parties for their direct marketing
# description: >-
#   Third-party offers are sent by CallsApp itself; no outside party gets personal
#   data for direct marketing without express consent (and with consent the policy
#   still provides no such disclosure).
# custom:
#   clause: callsapp.marketing.offers
forbids contains reason if {
	not _marketing_exempt_recipient
	_offers_use_overlap
	not _use_consented
	reason := {
		"code": "third_party_marketing_without_consent",
		"clause": "callsapp.marketing.offers",
		"message": "CallsApp sends third-party offers itself and gives no outside party data for direct marketing without express consent",
	}
}

# METADATA
# title: Card numbers only for payment processing
# description: Card data is used only to process payments, by any recipient.
# custom:
#   clause: callsapp.payment
forbids contains reason if {
	request.any_category_overlaps(_facts.payment.card_categories)
	not request.use_under(_facts.payment.card_uses)
	reason := {
		"code": "card_data_only_for_payment",
		"clause": "callsapp.payment",
		"message": "card data is used only to process payments",
	}
}

# METADATA
# title: A withheld advertising identifier goes to no one
# description: A user who withheld the advertising identifier has it shared with no outside recipient.
# custom:
#   clause: callsapp.sharing.advertising_id
forbids contains reason if {
	request.opt_outs["advertising_id"]
	not request.recipient_kind == "first_party"
	request.any_category_overlaps(_facts.advertising.advertising_id)
	reason := {
		"code": "advertising_id_not_shared",
		"clause": "callsapp.sharing.advertising_id",
		"message": "the user chose not to share the advertising identifier",
	}
}

# METADATA
# title: A withheld advertising identifier stops ad sharing
# description: A user who reset or withheld the advertising identifier has nothing shared with ad partners.
# custom:
#   clause: callsapp.sharing.advertising_id
forbids contains reason if {
	_ad_recipient
	request.opt_outs["advertising_id"]
	reason := {
		"code": "advertising_id_withheld",
		"clause": "callsapp.sharing.advertising_id",
		"message": "the user chose not to share the advertising identifier",
	}
}

# METADATA
# title: No direct identifiers to ad partners
# description: >-
#   Ad partners get only a non-attributable identifier and technical data: never a
#   name, contact details other than city and country, financial data, ids or credentials.
# custom:
#   clause: callsapp.sharing.advertising_id
forbids contains reason if {
	_ad_recipient
	count(_ad_direct_identifiers) > 0
	reason := {
		"code": "direct_identifiers_to_ad_partner",
		"clause": "callsapp.sharing.advertising_id",
		"message": "advertising partners get no direct identifiers, only a non-attributable identifier and technical data",
	}
}

# METADATA
# title: Objection to personalised ads stops ad sharing
# description: A user who opted out of personalised advertising has nothing shared with ad partners.
# custom:
#   clause: callsapp.sharing.advertising_id
forbids contains reason if {
	_ad_recipient
	request.opt_outs["personalized_advertising"]
	reason := {
		"code": "personalized_advertising_opted_out",
		"clause": "callsapp.sharing.advertising_id",
		"message": "the user opted out of personalised advertising",
	}
}

# METADATA
# title: CallsApp's own computers are in the listed regions
# description: >-
#   L117: CallsApp stores and processes data "на наших компьютерах" (on our computers)
#   in the USA, Asia, Europe (Russia included), Australia and Brazil. That bounds
#   CallsApp itself, not its recipients: L68 says the recipients above may be located
#   outside the user's country, so no other recipient is bound by these regions.
# custom:
#   clause: callsapp.transfer
forbids contains reason if {
	request.recipient_kind in _facts.transfer.storage_recipients
	request.recipient_country
	not _storage_country
	reason := {
		"code": "transfer_outside_storage_regions",
		"clause": "callsapp.transfer",
		"message": "CallsApp's own computers are only in the USA, Asia, Europe including Russia, Australia and Brazil",
	}
}

# METADATA
# title: Californian opt-out of sale stops ad sharing
# description: >-
#   The policy's US section is empty, so the CCPA applies: for a Californian who opted
#   out of sale or sharing, nothing goes to advertising partners.
# custom:
#   clause: callsapp.us_rights
forbids contains reason if {
	_ad_recipient
	request.subdivision in _facts.ccpa_subdivisions
	request.opt_outs["sale"]
	reason := {
		"code": "ccpa_opt_out_of_sale",
		"clause": "callsapp.us_rights",
		"message": "the Californian user opted out of the sale or sharing of personal information",
	}
}

# --- permits

# METADATA
# title: Bot and public-account admins may message the user
# description: >-
#   L46: writing to or subscribing to a bot or public account lets its admins send the
#   user notifications and personal messages. The admins (the account's owner, a
#   business_customer) get what they need to reach the user, and only because the
#   user wrote or subscribed (requested_by_subject).
# custom:
#   clause: callsapp.bots.messaging
permits contains reason if {
	_bot_owner
	request.requested_by_subject
	request.all_categories_under(_facts.bots.messaging_categories)
	_bot_messaging_use
	reason := {
		"code": "bot_admin_messages",
		"clause": "callsapp.bots.messaging",
		"message": "the user wrote to or subscribed to the bot or public account, so its admins may send the user notifications and messages",
	}
}

# METADATA
# title: Carriers see the details of a call
# description: >-
#   When a user calls a phone number, the called party's carrier and any facilitating
#   carriers receive the call details, as with any phone call.
# custom:
#   clause: callsapp.calls.cdr
permits contains reason if {
	request.recipient_kind in _facts.carriers.recipients
	request.all_categories_under(_facts.carriers.cdr_categories)
	request.use_under(_facts.carriers.cdr_uses)
	reason := {
		"code": "call_details_to_carriers",
		"clause": "callsapp.calls.cdr",
		"message": "the called party's carrier and facilitating carriers receive the call details to connect the call",
	}
}

# METADATA
# title: Contacts are told when a user joins
# description: >-
#   Contacts who are already CallsApp members may be informed that the user joined,
#   which shows them the user's name and phone number.
# custom:
#   clause: callsapp.collection.address_book
permits contains reason if {
	request.recipient_kind in _facts.address_book.join_notice_recipients
	request.all_categories_under(_facts.address_book.join_notice_categories)
	request.use_under(_facts.address_book.join_notice_uses)
	reason := {
		"code": "join_notice_to_contacts",
		"clause": "callsapp.collection.address_book",
		"message": "contacts who are CallsApp members may be told that the user joined CallsApp",
	}
}

# METADATA
# title: A chat with a bot or public account goes to its owner
# description: >-
#   L15: chats with bots and public accounts are not end-to-end encrypted; CallsApp
#   sends them on to the account's owner and the tool (e.g. a CRM) the owner integrated.
#   The owner is a business_customer and gets the chat, with the sender's name, photo
#   and identifier, only because the user wrote to it (requested_by_subject).
# custom:
#   clause: callsapp.content.bots_not_e2ee
permits contains reason if {
	_bot_chat
	request.all_categories_under(_facts.bots.chat_categories)
	reason := {
		"code": "bot_chat_to_owner",
		"clause": "callsapp.content.bots_not_e2ee",
		"message": "the user's chat with a bot or public account goes to the account's owner and the owner's tools",
	}
}

# METADATA
# title: A message or call reaches the other users in the conversation
# description: >-
#   L1 "share the things that matter to you most with your friends, family", L5 calls,
#   one-on-one and group messages are end-to-end encrypted with keys "only on the
#   clients' devices", L13 messages are "delivered to their destination", L78 a deleted
#   message is deleted "for you, your friend and our service": what the user sends
#   (requested_by_subject) goes to the other CallsApp users in the conversation, with
#   the sender's name and photo (L19), for the service. Only other_users: a non-member
#   or an outside tool cannot be told from any third party.
# custom:
#   clause: callsapp.content.e2ee
permits contains reason if {
	_conversation_delivery
	request.all_categories_under(_facts.conversation.categories)
	reason := {
		"code": "conversation_delivery",
		"clause": "callsapp.content.e2ee",
		"message": "the message or call the user sent reaches the other users in the conversation, end-to-end encrypted",
	}
}

# METADATA
# title: Merger or acquisition
# description: The data may go to a business CallsApp merges with or is acquired by, for the uses the policy describes.
# custom:
#   clause: callsapp.disclosure.change_of_control
permits contains reason if {
	request.recipient_kind == "acquirer"
	_disclosable_categories
	request.use_under(_facts.acquirer.uses)
	reason := {
		"code": "change_of_control",
		"clause": "callsapp.disclosure.change_of_control",
		"message": "the data may go to a party to a merger or acquisition, which is asked to follow this policy",
	}
}

# METADATA
# title: Sharing within the CallsApp corporate family
# description: >-
#   Ground (i) of L58 and the joint account: the named group companies (parent,
#   controller, affiliates) may receive the data for joint services and accounts,
#   analytics, support and personalisation; the open-ended "any other purpose" is not
#   followed.
# custom:
#   clause: callsapp.disclosure.group
permits contains reason if {
	request.recipient_kind == "corporate_family"
	_group_recipient
	_disclosable_categories
	request.use_under(_facts.group.joint_uses)
	reason := {
		"code": "corporate_family_sharing",
		"clause": "callsapp.disclosure.group",
		"message": "the CallsApp corporate family may receive the data for joint services, analytics, support and personalisation",
	}
}

# METADATA
# title: The corporate family helps detect and prevent fraud
# description: >-
#   Ground (ii) of L58: the group may receive the data to help detect and prevent
#   potentially illegal acts, policy violations, fraud and data security breaches.
#   A ground of its own, so delinking the joint account does not end it.
# custom:
#   clause: callsapp.disclosure.group
permits contains reason if {
	request.recipient_kind == "corporate_family"
	_group_recipient
	_disclosable_categories
	_group_fraud_use
	reason := {
		"code": "group_fraud_prevention",
		"clause": "callsapp.disclosure.group",
		"message": "the CallsApp corporate family may receive the data to help detect and prevent fraud, illegal acts and security breaches",
	}
}

# METADATA
# title: Verified legal requests
# description: >-
#   Law enforcement, government bodies or authorised third parties may receive the
#   data in answer to a verified request about terrorism, crime, suspected illegal
#   activity or "любой другой деятельности, которая может раскрыть нас, вас или любого
#   другого пользователя CallsApp к юридической ответственности" (any activity exposing
#   anyone to legal liability, fraud included), for a legal use.
# custom:
#   clause: callsapp.disclosure.law_enforcement
permits contains reason if {
	request.recipient_kind in _facts.law_enforcement.recipients
	_accepted_legal_request
	_disclosable_categories
	request.use_under(_reference.legal_uses)
	reason := {
		"code": "verified_legal_request",
		"clause": "callsapp.disclosure.law_enforcement",
		"message": "the data answers a verified request about terrorism, crime, illegal activity or legal liability",
	}
}

# METADATA
# title: Partnership features get de-identified data only
# description: >-
#   Third parties under contract that provide partnership features in the service get
#   only aggregated data or an identifier not attributable to the user.
# custom:
#   clause: callsapp.disclosure.service_providers
permits contains reason if {
	request.recipient_kind in _facts.partnership.recipients
	request.under_contract == true
	request.identifiability in _facts.partnership.identifiability
	not request.any_category_overlaps(_reference.direct_identifiers)
	_disclosable_categories
	request.use_under(_facts.partnership.uses)
	reason := {
		"code": "partnership_feature_deidentified",
		"clause": "callsapp.disclosure.service_providers",
		"message": "a contracted partner may receive aggregated data or a non-attributable identifier for a partnership feature",
	}
}

# METADATA
# title: Contracted service providers
# description: >-
#   Service providers under contract may receive the data to help provide the
#   service (fraud and spam investigations, payments, analytics and operations).
# custom:
#   clause: callsapp.disclosure.service_providers
permits contains reason if {
	request.recipient_kind == "service_provider"
	request.under_contract == true
	_disclosable_categories
	request.use_under(_facts.service_providers.uses)
	reason := {
		"code": "service_provider_under_contract",
		"clause": "callsapp.disclosure.service_providers",
		"message": "a contracted service provider may receive the data to help provide CallsApp's services",
	}
}

# METADATA
# title: CallsApp fights fraud and spam
# description: >-
#   CallsApp itself uses the data to prevent, detect and investigate fraud, spam,
#   security breaches and illegal acts, and as applicable law allows.
# custom:
#   clause: callsapp.fraud.automated
permits contains reason if {
	request.recipient_kind == "first_party"
	_collected_categories
	request.use_under(_facts.first_party.fraud_uses)
	reason := {
		"code": "fraud_prevention",
		"clause": "callsapp.fraud.automated",
		"message": "CallsApp uses the data to prevent fraud, spam and illegal activity",
	}
}

# METADATA
# title: CallsApp sends its own and partners' offers
# description: >-
#   CallsApp itself may use the data to send the user offers of CallsApp and of third
#   parties; the offers are sent by CallsApp, not by the third party.
# custom:
#   clause: callsapp.marketing.offers
permits contains reason if {
	request.recipient_kind in _facts.marketing.offer_recipients
	_collected_categories
	_offers_use
	reason := {
		"code": "own_offers",
		"clause": "callsapp.marketing.offers",
		"message": "CallsApp may itself send the user offers it believes relevant",
	}
}

# METADATA
# title: Aggregated data sets carrier fees
# description: Aggregated data goes to phone operators and other providers to settle their fees.
# custom:
#   clause: callsapp.payment
permits contains reason if {
	request.recipient_kind in _facts.payment.fee_recipients
	request.identifiability in _facts.payment.fee_identifiability
	_disclosable_categories
	request.use_under(_facts.payment.fee_uses)
	reason := {
		"code": "aggregated_fee_settlement",
		"clause": "callsapp.payment",
		"message": "aggregated data goes to carriers and providers to determine their fees",
	}
}

# METADATA
# title: Payments go through a secure payment provider
# description: >-
#   Name, phone number and billing data go to a secure third-party payment provider,
#   bound by contract, to process the user's payments.
# custom:
#   clause: callsapp.payment
permits contains reason if {
	request.recipient_kind in _facts.payment.recipients
	request.under_contract == true
	request.all_categories_under(_facts.payment.categories)
	request.use_under(_facts.payment.uses)
	reason := {
		"code": "payment_processing",
		"clause": "callsapp.payment",
		"message": "name, phone number and billing data go to a contracted, secure payment provider to process payments",
	}
}

# METADATA
# title: Public posts are public
# description: What a user posts on a public feature is visible to the CallsApp community and possibly the web.
# custom:
#   clause: callsapp.public_content
permits contains reason if {
	_public_content_recipient
	request.all_categories_under(_facts.public_content.categories)
	request.use_under(_facts.public_content.uses)
	reason := {
		"code": "public_post_visible",
		"clause": "callsapp.public_content",
		"message": "information the user posts on a public feature is public",
	}
}

# METADATA
# title: CallsApp uses public posts to improve the service
# description: CallsApp may use public posts to improve the service, provide relevant content and analyse trends.
# custom:
#   clause: callsapp.public_content
permits contains reason if {
	request.recipient_kind == "first_party"
	request.all_categories_under(_facts.public_content.categories)
	request.use_under(_facts.public_content.first_party_uses)
	reason := {
		"code": "public_posts_used_by_callsapp",
		"clause": "callsapp.public_content",
		"message": "CallsApp may use public posts to improve its service, personalise content and analyse trends",
	}
}

# METADATA
# title: Unique identifiers for user acquisition
# description: >-
#   Contracted service providers may receive unique identifiers to work out how best
#   to reach potential new users.
# custom:
#   clause: callsapp.sharing.acquisition_ids
permits contains reason if {
	request.recipient_kind in _facts.acquisition.recipients
	request.under_contract == true
	request.all_categories_under(_facts.acquisition.categories)
	request.use_under(_facts.acquisition.uses)
	reason := {
		"code": "acquisition_identifiers",
		"clause": "callsapp.sharing.acquisition_ids",
		"message": "a contracted service provider may receive unique identifiers to plan how to reach new users",
	}
}

# METADATA
# title: Advertising identifier and technical data to ad partners
# description: >-
#   Advertising partners, advertisers and their agencies, and advertising service
#   providers (L62 names them too), may receive the non-attributable advertising
#   identifier with language, country, city and device data, for advertising. L62
#   "your language preference, country, city": the user's city and country, asked either
#   as the contact address's city and country or as imprecise location.
# custom:
#   clause: callsapp.sharing.advertising_id
permits contains reason if {
	_ad_recipient
	request.identifiability in _facts.advertising.identifiability
	_ad_categories_only
	request.use_under(_facts.advertising.uses)
	reason := {
		"code": "advertising_partner_technical_data",
		"clause": "callsapp.sharing.advertising_id",
		"message": "advertising partners may receive the advertising identifier with language, country, city and device data",
	}
}

# METADATA
# title: CallsApp provides and personalises the service
# description: >-
#   CallsApp itself uses registration, account and activity data to run the service,
#   its profile, payments and support, and to personalise content and its in-app ads.
# custom:
#   clause: callsapp.use.core
permits contains reason if {
	request.recipient_kind == "first_party"
	_collected_categories
	request.use_under(_facts.first_party.core_uses)
	reason := {
		"code": "own_service_use",
		"clause": "callsapp.use.core",
		"message": "CallsApp uses the data itself to provide and personalise the service",
	}
}

# METADATA
# title: CallsApp analyses network use
# description: CallsApp itself uses call logs and usage data to understand network trends and find outages.
# custom:
#   clause: callsapp.use.network
permits contains reason if {
	request.recipient_kind == "first_party"
	request.all_categories_under(_facts.first_party.network_categories)
	request.use_under(_facts.first_party.network_uses)
	reason := {
		"code": "network_analysis",
		"clause": "callsapp.use.network",
		"message": "CallsApp uses call logs and usage data to analyse network trends and improve the service",
	}
}

# METADATA
# title: Other users may learn which services a user uses
# description: >-
#   L27 "Мы также можем сообщить другим пользователям CallsApp, что вы используете
#   определенную услугу или приложение" (to recommend it to them); L23 adds that being
#   on a call is shown. The generic user.behavior key stands for that usage fact; its
#   children (browsing, search, purchase history...) are not opened. The L78 setting to
#   hide it has no opt-out in the contract.
# custom:
#   clause: callsapp.visibility.activity
permits contains reason if {
	_visibility_recipient
	every c in request.categories {
		c in _facts.visibility.app_use_exact_categories
	}
	request.use_under(_facts.visibility.app_use_uses)
	reason := {
		"code": "app_use_visible_to_users",
		"clause": "callsapp.visibility.activity",
		"message": "other CallsApp users may be told that the user uses a service or app, to recommend it to them",
	}
}

# METADATA
# title: Call information is shown to other users
# description: >-
#   Call and message metadata (who called or messaged whom, when, how long) is shown
#   to the other users concerned and cannot be switched off.
# custom:
#   clause: callsapp.visibility.activity
permits contains reason if {
	_visibility_recipient
	request.all_categories_under(_facts.visibility.activity_categories)
	request.use_under(_facts.visibility.uses)
	reason := {
		"code": "call_information_visible_to_users",
		"clause": "callsapp.visibility.activity",
		"message": "call information such as length, missed calls and who called whom is shown to other CallsApp users",
	}
}

# METADATA
# title: Name and photo are visible to other users
# description: The name and photo a user chooses to give are shown to other CallsApp users.
# custom:
#   clause: callsapp.visibility.profile
permits contains reason if {
	_visibility_recipient
	request.all_categories_under(_facts.visibility.profile_categories)
	request.use_under(_facts.visibility.uses)
	reason := {
		"code": "profile_visible_to_users",
		"clause": "callsapp.visibility.profile",
		"message": "the user's name and photo are visible to other CallsApp users",
	}
}

# --- obligations

# METADATA
# title: Bot and public-account messages stop when the user declines them
# description: >-
#   L46 (RU): a user who no longer wants a bot's or public account's notifications can
#   decline them in the settings or opt out of further ones at any time.
# custom:
#   clause: callsapp.bots.messaging
obligations contains obligation if {
	_bot_owner
	_bot_messaging_use
	some choice in _facts.bots.messaging_opt_outs
	obligation := {
		"code": "honour_opt_out",
		"clause": "callsapp.bots.messaging",
		"message": "stop the bot's or public account's notifications once the user declines them",
		"opt_out": choice,
	}
}

# METADATA
# title: A chat with a bot or public account is encrypted on its way
# description: >-
#   L15 (RU): such chats are not end-to-end encrypted, but CallsApp encrypts them on
#   their way to its servers and from its servers to the account's owner and the
#   owner's tools.
# custom:
#   clause: callsapp.content.bots_not_e2ee
obligations contains obligation if {
	_bot_chat
	obligation := {
		"code": "encrypt_in_transit",
		"clause": "callsapp.content.bots_not_e2ee",
		"message": "encrypt the chat on its way to CallsApp's servers and from them to the account's owner and the owner's tools",
	}
}

# METADATA
# title: A delivered message travels end-to-end encrypted
# description: >-
#   L5, L111: calls, one-on-one and group messages and private media are end-to-end
#   encrypted, the keys only on the participants' devices: what the user sends to the
#   other users in a conversation goes that way.
# custom:
#   clause: callsapp.content.e2ee
obligations contains obligation if {
	_conversation_delivery
	obligation := {
		"code": "encrypt_end_to_end",
		"clause": "callsapp.content.e2ee",
		"message": "deliver the message or call end-to-end encrypted, the keys only on the participants' devices",
	}
}

# METADATA
# title: A message leaves CallsApp's servers once delivered
# description: >-
#   L13: messages are not stored once delivered, and one not delivered within two
#   weeks is deleted from CallsApp's servers.
# custom:
#   clause: callsapp.content.undelivered_ttl
obligations contains obligation if {
	_conversation_delivery
	obligation := {
		"code": "retention_limit",
		"clause": "callsapp.content.undelivered_ttl",
		"message": "keep the message on CallsApp's servers only until it is delivered; delete it if it is not delivered in time",
		"period": _facts.conversation.undelivered_kept_at_most,
	}
}

# METADATA
# title: Notice before a new owner uses data differently
# description: Users get prior notice if the new entity would use their information differently.
# custom:
#   clause: callsapp.disclosure.change_of_control
obligations contains obligation if {
	request.recipient_kind == "acquirer"
	obligation := {
		"code": "prior_notice",
		"clause": "callsapp.disclosure.change_of_control",
		"message": "ask the new entity to follow this policy and to give users prior notice of any different use",
	}
}

# METADATA
# title: Joint-account sharing stops when the user delinks
# description: >-
#   L35, L58: the user can delink the CallsApp account from the group's account at any
#   time; sharing for the joint account then stops (fraud and security sharing,
#   ground (ii), goes on).
# custom:
#   clause: callsapp.disclosure.group
obligations contains obligation if {
	request.recipient_kind == "corporate_family"
	not _group_fraud_use
	obligation := {
		"code": "honour_opt_out",
		"clause": "callsapp.disclosure.group",
		"message": "stop sharing with the group for the joint account once the user delinks the account",
		"opt_out": _facts.group.delink_opt_out,
	}
}

# METADATA
# title: Providers must secure the data
# description: A service provider that receives data must be bound to secure it.
# custom:
#   clause: callsapp.disclosure.service_providers
obligations contains obligation if {
	request.recipient_kind == "service_provider"
	obligation := {
		"code": "contract_required",
		"clause": "callsapp.disclosure.service_providers",
		"message": "the provider must be under contract and secure the data it receives",
	}
}

# METADATA
# title: Offers honour the user's choice
# description: An allowed offer must stop when the user declines offer notifications.
# custom:
#   clause: callsapp.marketing.offers
obligations contains obligation if {
	_offers_use
	obligation := {
		"code": "honour_opt_out",
		"clause": "callsapp.marketing.offers",
		"message": "stop sending offers once the user declines them in the settings",
		"opt_out": "marketing_communications",
	}
}

# METADATA
# title: A deleted public post leaves the service
# description: >-
#   L71 "you can always actively delete messages you posted"; L75 (RU): deleted
#   content is removed from CallsApp's services (copies users saved stay on their devices).
# custom:
#   clause: callsapp.public_content
obligations contains obligation if {
	_public_content_recipient
	request.any_category_overlaps(_facts.public_content.categories)
	obligation := {
		"code": "delete_on_user_request",
		"clause": "callsapp.public_content",
		"message": "remove the post from CallsApp's services when the user deletes it",
	}
}

# METADATA
# title: Ad partners honour a reset identifier
# description: An allowed ad flow must stop when the user resets or withholds the advertising identifier.
# custom:
#   clause: callsapp.sharing.advertising_id
obligations contains obligation if {
	_ad_recipient
	obligation := {
		"code": "honour_opt_out",
		"clause": "callsapp.sharing.advertising_id",
		"message": "stop sharing once the user resets or withholds the advertising identifier",
		"opt_out": "advertising_id",
	}
}

# METADATA
# title: Safeguards for transfers outside the EEA
# description: Data held outside the EEA is protected by appropriate safeguards such as contractual obligations.
# custom:
#   clause: callsapp.transfer
obligations contains obligation if {
	not _not_a_transfer
	request.recipient_country
	not request.recipient_in(_reference.eea)
	obligation := {
		"code": "transfer_safeguard",
		"clause": "callsapp.transfer",
		"message": "protect data held outside the EEA with appropriate safeguards such as contractual obligations",
		"country": request.recipient_country,
	}
}

# METADATA
# title: App use shown only within the user's privacy settings
# description: >-
#   L78: the user can use the privacy settings to "prevent other users from knowing
#   which CallsApp apps and games you are using".
# custom:
#   clause: callsapp.visibility.activity
obligations contains obligation if {
	_visibility_recipient
	some c in request.categories
	c in _facts.visibility.app_use_exact_categories
	obligation := {
		"code": "honour_privacy_settings",
		"clause": "callsapp.visibility.activity",
		"message": "tell other users which apps and games the user uses only if the user's privacy settings allow it",
	}
}

# --- helpers

_address_book_matching if {
	request.recipient_kind in _facts.address_book.matching_recipients
	request.use_under(_facts.address_book.matching_uses)
}

# An unnamed group recipient is trusted as declared; a named one must be a group company.
_group_recipient if not request.recipient_name

_group_recipient if request.recipient_named(_facts.group.entities)

_ad_categories_only if {
	every c in request.categories {
		_ad_category(c)
	}
}

_ad_category(c) if c in _facts.advertising.exact_categories

_ad_category(c) if {
	some r in _facts.advertising.categories
	vocabulary.covers(r, c)
}

# Direct identifiers a request would give an ad partner; city and country are the
# only contact fields the policy names for ad partners.
_ad_direct_identifiers := {c |
	some c in request.categories_overlapping(_reference.direct_identifiers)
	not _ad_geo(c)
}

_ad_geo(c) if {
	some r in _facts.advertising.geo_categories
	vocabulary.covers(r, c)
}

# A chat the user wrote to a bot or public account, on its way to the account's owner (L15).
default _bot_chat := false

_bot_chat if {
	_bot_owner
	request.requested_by_subject
	request.use_under(_facts.bots.chat_uses)
}

# What the user sends to other users in a conversation (L5, L13), on its way to them.
default _conversation_delivery := false

_conversation_delivery if {
	request.recipient_kind in _facts.conversation.recipients
	request.requested_by_subject
	request.use_under(_facts.conversation.uses)
}

# Advertising partners, and service providers when the use is advertising (L62:
# "advertising service providers").
default _ad_recipient := false

_ad_recipient if request.recipient_kind in _facts.advertising.recipients

_ad_recipient if {
	request.recipient_kind in _facts.advertising.service_provider_recipients
	request.use_overlaps(_facts.advertising.uses)
}

_accepted_legal_request if {
	request.legal_request_verified
	request.legal_matter in _facts.law_enforcement.matters
}

# The recipient's country is one where CallsApp stores and processes data (L117), by
# the regions named in the policy.
_storage_country if {
	some region in _facts.transfer.storage_regions
	request.recipient_country in region
}

_marketing_exempt_recipient if request.recipient_kind in _facts.marketing.exempt_recipients

_not_a_transfer if request.recipient_kind in _facts.transfer.not_transfers

# Conditions several rules read, worked out once per decision: regopy keeps a rule's
# value for the rest of the query only when it is defined (and calls a function anew
# every time), so each defaults to false.
default _group_fraud_use := false

_group_fraud_use if request.use_under(_facts.group.fraud_uses)

default _bot_owner := false

_bot_owner if request.recipient_kind in _facts.bots.owner_recipients

default _bot_messaging_use := false

_bot_messaging_use if request.use_under(_facts.bots.messaging_uses)

default _visibility_recipient := false

_visibility_recipient if request.recipient_kind in _facts.visibility.recipients

default _public_content_recipient := false

_public_content_recipient if request.recipient_kind in _facts.public_content.recipients

default _use_consented := false

_use_consented if request.consented(request.use)

default _private_content := false

_private_content if request.any_category_overlaps(_facts.private_content)

default _offers_use_overlap := false

_offers_use_overlap if request.use_overlaps(_facts.marketing.communications_uses)

default _offers_use := false

_offers_use if request.use_under(_facts.marketing.communications_uses)

default _disclosable_categories := false

_disclosable_categories if request.all_categories_under(_facts.disclosable_categories)

default _collected_categories := false

_collected_categories if request.all_categories_under(_facts.collected_categories)
