# METADATA
# title: Vocabulary tests
# description: Key matching (covers, overlaps) and the taxonomy lookups.
package privacy.vocabulary_test

import data.privacy.vocabulary

test_a_key_covers_itself if {
	vocabulary.covers("user.contact", "user.contact")
}

test_a_key_covers_its_descendants if {
	vocabulary.covers("user.contact", "user.contact.email")
	vocabulary.covers("user", "user.contact.address.city")
}

test_a_key_does_not_cover_its_parent if {
	not vocabulary.covers("user.contact.email", "user.contact")
}

test_a_shared_prefix_that_is_not_a_whole_segment_does_not_cover if {
	not vocabulary.covers("user.contact", "user.contactless")
	not vocabulary.covers("marketing", "marketingx.email")
}

test_siblings_do_not_cover_each_other if {
	not vocabulary.covers("user.contact.email", "user.contact.phone_number")
}

test_overlap_holds_both_ways if {
	vocabulary.overlaps("user.financial", "user.financial.credit_card")
	vocabulary.overlaps("user.financial.credit_card", "user.financial")
}

test_unrelated_keys_do_not_overlap if {
	not vocabulary.overlaps("user.financial", "user.contact")
	not vocabulary.overlaps("marketing", "essential.service")
}

test_taxonomy_categories_are_data_categories if {
	vocabulary.is_data_category("user.contact.email")
	vocabulary.is_data_category("user.device.advertising_id") # an extension of fideslang
}

test_a_use_or_an_unknown_key_is_not_a_data_category if {
	not vocabulary.is_data_category("marketing.communications")
	not vocabulary.is_data_category("user.contact.nope")
}

test_taxonomy_uses_are_data_uses if {
	vocabulary.is_data_use("marketing.communications.email")
	not vocabulary.is_data_use("user.contact.email")
}
