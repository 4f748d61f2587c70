"""The suppression rules, one at a time, on hand-made cells (mentoring/reports/suppression.py)."""

from mentoring.core.privacy import MIN_PAIRS, MIN_PEOPLE
from mentoring.reports.suppression import (
    HIDDEN,
    Cell,
    Follows,
    Total,
    activity,
    cells_of,
    csv_value,
    pairs,
    people,
    same,
    suppress,
)


def hidden(cells: dict) -> list:
    return [key for key, cell in cells.items() if cell.suppressed]


def breakdown(total: Cell, **parts: Cell) -> dict:
    suppress([Total(total, list(parts.values()))])
    return parts


def test_the_thresholds_are_five_people_and_three_pairs():
    assert (MIN_PEOPLE, MIN_PAIRS) == (5, 3)


# --- Rule 1: small groups, zero included ----------------------------------------------------------------------


def test_a_cell_describing_fewer_than_five_people_is_not_shown_and_five_are():
    assert people(4).suppressed and people(4).text == HIDDEN
    assert not people(5).suppressed and people(5).text == "5"


def test_zero_people_read_exactly_like_one_to_four():
    assert {people(n).text for n in range(MIN_PEOPLE)} == {HIDDEN}
    assert people(0).__html__() == people(4).__html__()


def test_pair_cells_use_the_pair_threshold():
    assert pairs(2).suppressed and pairs(0).suppressed and not pairs(3).suppressed


def test_a_figure_given_by_few_people_is_hidden_by_the_people_not_the_figure():
    # 12 check-ins by 4 people: a group of 4
    assert people(12, 4).suppressed and not people(2, 5).suppressed


def test_an_activity_figure_is_shown_whatever_its_size_zero_included():
    assert activity(0).text == "0" and activity(3, suffix=" min").text == "3 min"


# --- Rule 3: complements ----------------------------------------------------------------------------------------


def test_a_single_hidden_cell_hides_the_next_smallest_so_it_cannot_be_subtracted_from_the_total():
    cells = breakdown(activity(17), finance=people(2), sales=people(6), it=people(9))
    assert hidden(cells) == ["finance", "sales"]


def test_two_hidden_cells_need_no_complement():
    cells = breakdown(activity(13), finance=people(2), legal=people(0), it=people(11))
    assert hidden(cells) == ["finance", "legal"]


def test_a_total_over_a_single_hidden_group_is_hidden():
    total = activity(3)
    breakdown(total, finance=people(3))
    assert total.suppressed


def test_a_total_over_a_single_shown_group_is_shown():
    total = activity(12)
    breakdown(total, finance=people(12))
    assert not total.suppressed


def test_a_hidden_total_hides_the_smallest_of_its_shown_parts():
    total = activity(9)
    total.suppressed = True  # hidden by another table
    cells = breakdown(total, approved=activity(9), alumni=activity(0))
    assert hidden(cells) == ["approved"]  # a visible 0 is no cover: everyone knows it


def test_complements_reach_every_sum_a_cell_belongs_to():
    # Scores within groups within the answers, like the recommendation score.
    scores = {s: people(n) for s, n in zip("abcd", (2, 5, 6, 7), strict=True)}
    low, high, answers = people(7), people(13), activity(20)
    suppress(
        [
            Total(answers, [low, high]),
            Total(low, [scores["a"], scores["b"]]),
            Total(high, [scores["c"], scores["d"]]),
        ]
    )
    assert hidden(scores) == ["a", "b"] and not low.suppressed


def test_suppressing_again_with_more_relations_only_adds():
    a, b, c = people(2), people(6), people(9)
    suppress([Total(activity(17), [a, b, c])])
    suppress([Total(activity(17), [a, b, c]), *same(c, activity(9))])
    assert [a.suppressed, b.suppressed, c.suppressed] == [True, True, False]


# --- Rule 4: derived figures ------------------------------------------------------------------------------------


def test_an_average_is_hidden_with_any_cell_of_its_distribution():
    ratings = [people(9), people(6), people(0)]
    average = people(4.5, 15)
    suppress([Follows([average], ratings)])
    assert average.suppressed and average.value == 4.5


def test_one_figure_in_two_places_is_hidden_in_both():
    here, there = activity(90, suffix=" min"), activity(90, suffix=" min")
    here.suppressed = True
    suppress(same(here, there))
    assert there.suppressed


# --- What a reader gets -----------------------------------------------------------------------------------------


def test_a_hidden_cell_renders_as_a_note_in_html_and_keeps_its_value():
    cell = people(3)
    assert "data-suppressed" in cell.__html__() and cell.value == 3
    assert activity(12, suffix=" min").__html__() == "12 min"


def test_the_csv_writes_the_number_without_its_unit_or_the_same_words_for_every_hidden_cell():
    assert csv_value(activity(12, suffix=" min")) == "12"
    assert csv_value(people(0)) == csv_value(people(3)) == HIDDEN
    assert csv_value(activity(None)) == "" and csv_value(None) == ""


def test_cells_of_finds_every_cell_of_a_section():
    first, second, third = people(3), people(7), activity(1)
    assert list(cells_of({"a": [first, second], "b": (third,), "c": "text"})) == [first, second, third]
