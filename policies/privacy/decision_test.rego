# METADATA
# title: Decision tests
# description: >-
#   How privacy.decision combines a company's answers, whatever the company: fail
#   closed, deny overrides, an allow needs a permit, the catch-all denies otherwise,
#   reasons carry their effect and obligations come only with an allow. The company's
#   rules are replaced (with data.privacy.dispatch...) so that no company's reading
#   is needed.
package privacy.decision_test

import data.privacy
import data.privacy.testing

_req(extra) := object.union({
	"company": "kallu",
	"data_categories": ["user.contact.email"],
	"data_use": "marketing.communications.email",
	"recipient": {"kind": "third_party"},
}, extra)

_reason(code, clause) := {"code": code, "clause": clause, "message": concat(" ", [code, clause])}

_catch_all := _reason("no_permitting_clause", "test.default_deny")

test_an_invalid_input_is_denied_citing_fail_closed if {
	d := privacy.decision with data.privacy.request.document as _req({"company": "no such company"})
		with data.privacy.dispatch.permits as {_reason("ok", "test.permit")}
	d.allow == false
	d.obligations == []
	[r] := d.reasons
	r == {"field": "company", "message": "unknown company 'no such company'", "effect": "deny", "code": "invalid_input", "clause": "privacy.fail_closed"}
}

test_a_forbid_overrides_a_permit if {
	d := privacy.decision with data.privacy.request.document as _req({})
		with data.privacy.dispatch.forbids as {_reason("no", "test.forbid")}
		with data.privacy.dispatch.permits as {_reason("ok", "test.permit")}
		with data.privacy.dispatch.obligations as {_reason("do", "test.obligation")}
	testing.denied_by(d, "test.forbid")
	testing.not_cited(d, "test.permit")
	d.obligations == []
}

test_a_permit_without_a_forbid_allows_with_its_obligations if {
	d := privacy.decision with data.privacy.request.document as _req({})
		with data.privacy.dispatch.forbids as set()
		with data.privacy.dispatch.permits as {_reason("ok", "test.permit")}
		with data.privacy.dispatch.obligations as {_reason("do", "test.obligation")}
	testing.allowed_by(d, "test.permit")
	testing.obliged(d, "do", "test.obligation")
}

test_no_forbid_and_no_permit_denies_citing_the_catch_all_alone if {
	d := privacy.decision with data.privacy.request.document as _req({})
		with data.privacy.dispatch.forbids as set()
		with data.privacy.dispatch.permits as set()
		with data.privacy.dispatch.obligations as {_reason("do", "test.obligation")}
		with data.privacy.dispatch.catch_all as _catch_all
	testing.catch_all_only(d, "test.default_deny")
	d.reasons[0].effect == "deny"
	d.obligations == []
}

test_reasons_are_ordered_by_clause_whatever_the_rule_order if {
	d := privacy.decision with data.privacy.request.document as _req({})
		with data.privacy.dispatch.forbids as {_reason("b", "test.z"), _reason("a", "test.a"), {"code": "c", "clause": "test.m", "message": "m", "extra": 1}}
	[r.clause | some r in d.reasons] == ["test.a", "test.m", "test.z"]
}

test_the_catalogue_document_holds_every_company_file if {
	count(data.privacy.catalogue) > 0
	every _, entries in data.privacy.catalogue {
		every id, entry in entries {
			privacy.clauses[id] == entry
		}
	}
}
