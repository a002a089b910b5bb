# METADATA
# title: Kallu
# description: >-
#   Disclosure rules of Kallu's privacy policy (seed 001, English). Each rule cites
#   the clause it implements; facts live in facts/data.json.
package privacy.companies.kallu

import data.privacy.request

_facts := data.privacy.companies.kallu.facts

# METADATA
# title: Nothing else goes to third parties
# description: Except as the policy provides, Kallu gives personal information to no third party.
# custom:
#   clause: kallu.disclosure.default_deny
catch_all := {
	"code": "no_permitting_clause",
	"clause": "kallu.disclosure.default_deny",
	"message": "Kallu's policy permits no such disclosure, and it gives personal information to no one else",
}

# METADATA
# title: No third-party direct marketing without express consent
# description: >-
#   A third party may not receive personal information for its own or another's
#   direct marketing unless the user expressly consented to that use.
# custom:
#   clause: kallu.sharing.direct_marketing
forbids contains {
	"code": "third_party_marketing_without_consent",
	"clause": "kallu.sharing.direct_marketing",
	"message": "Kallu gives no personal information to a third party for its direct marketing without express consent",
} if {
	request.recipient_kind in _facts.marketing_recipients
	request.use_overlaps(["marketing"])
	not request.consented(request.use)
}

# METADATA
# title: Third-party direct marketing with express consent
# description: With the user's express consent to the marketing use, a third party may receive the data for it.
# custom:
#   clause: kallu.sharing.direct_marketing
permits contains {
	"code": "third_party_marketing_with_consent",
	"clause": "kallu.sharing.direct_marketing",
	"message": "the user expressly consented to this direct-marketing use",
} if {
	request.recipient_kind in _facts.marketing_recipients
	request.use_under(["marketing"])
	request.consented(request.use)
}
