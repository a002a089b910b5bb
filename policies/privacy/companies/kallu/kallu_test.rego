package privacy.companies.kallu_test

import data.privacy

# Tests replace the request document (see privacy.request) with inputs built by a
# function: regopy aborts on `with ... as <rule>`.
_marketing(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.contact.email"],
	"data_use": "marketing.communications.email",
	"recipient": {"kind": "third_party", "name": "Mailer Ltd"},
}, extra)

test_third_party_marketing_without_consent_is_denied if {
	d := privacy.decision with data.privacy.request.document as _marketing({})
	d.allow == false
	some r in d.reasons
	r.clause == "kallu.sharing.direct_marketing"
	r.effect == "deny"
}

test_third_party_marketing_with_express_consent_is_allowed if {
	d := privacy.decision with data.privacy.request.document as _marketing({"consents": ["marketing.communications"]})
	d.allow == true
	some r in d.reasons
	r.clause == "kallu.sharing.direct_marketing"
}

test_consent_to_another_use_does_not_count if {
	d := privacy.decision with data.privacy.request.document as _marketing({"consents": ["analytics"]})
	d.allow == false
}

test_direct_marketing_rule_does_not_apply_to_analytics if {
	d := privacy.decision with data.privacy.request.document as _marketing({"data_use": "analytics.reporting"})
	every r in d.reasons {
		r.clause != "kallu.sharing.direct_marketing"
	}
}

test_unpermitted_flow_cites_catch_all if {
	d := privacy.decision with data.privacy.request.document as _marketing({"data_use": "analytics.reporting"})
	d.allow == false
	[r] := d.reasons
	r.clause == "kallu.disclosure.default_deny"
}
