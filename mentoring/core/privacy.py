"""Small-group thresholds: a figure that describes fewer people (or pairs) than this is never shown on its own."""

# A breakdown cell, an average or a comment needs at least this many people behind it.
MIN_PEOPLE = 5
# A skill or a pair-level figure needs at least this many pairs behind it.
MIN_PAIRS = 3
