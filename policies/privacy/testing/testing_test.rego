# METADATA
# title: Shared test helpers
# description: >-
#   Assertions over a decision document, shared by every company's tests. A test-only
#   module (its name ends in _test.rego), so it never ships in a bundle.
package privacy.testing

# An allow that cites clause among its permitting reasons.
allowed_by(d, clause) if {
	d.allow == true
	some r in d.reasons
	r.clause == clause
	r.effect == "allow"
}

# A deny that cites clause among its forbidding reasons.
denied_by(d, clause) if {
	d.allow == false
	some r in d.reasons
	r.clause == clause
	r.effect == "deny"
}

# A deny with a reason of this code.
denied_with(d, code) if {
	d.allow == false
	some r in d.reasons
	r.code == code
}

# Some reason, whatever its effect, cites clause.
cites(d, clause) if {
	some r in d.reasons
	r.clause == clause
}

not_cited(d, clause) if {
	every r in d.reasons {
		r.clause != clause
	}
}

# A default deny: the company's catch-all clause is the only reason.
catch_all_only(d, clause) if {
	d.allow == false
	[r] := d.reasons
	r.clause == clause
	r.code == "no_permitting_clause"
}

obliged(d, code, clause) if {
	some o in d.obligations
	o.code == code
	o.clause == clause
}

has_obligation(d, code) if {
	some o in d.obligations
	o.code == code
}

not_obliged(d, code) if {
	every o in d.obligations {
		o.code != code
	}
}
