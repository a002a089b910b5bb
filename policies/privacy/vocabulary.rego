# METADATA
# title: Vocabulary
# description: >-
#   Matching over dotted fideslang keys. A key covers itself and its descendants,
#   so a rule on user.contact covers user.contact.email and consent to marketing
#   covers marketing.communications.email.
package privacy.vocabulary

# covers(parent, key) holds when key is parent or one of its descendants.
covers(parent, key) if parent == key

covers(parent, key) if startswith(key, concat("", [parent, "."]))

# overlaps(a, b) holds when one key covers the other. Forbidding rules match on
# overlap so that a broad request (user.financial) cannot slip past a rule on one
# of its parts (user.financial.credit_card).
overlaps(a, b) if covers(a, b)

overlaps(a, b) if covers(b, a)

is_data_category(key) if key in data.privacy.taxonomy.data_categories

is_data_use(key) if key in data.privacy.taxonomy.data_uses
