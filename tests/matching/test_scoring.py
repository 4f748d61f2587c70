"""The score of a pair: symmetric, hard rules, the rewards asked for; explanation and vectorised score agree."""

import itertools
import re

import numpy as np
import pytest

from matching.engine import Candidate, Rules, breakdown, explain, score
from matching.scoring import CohortArrays
from tests.matching.helpers import person, random_cohort

RULE_VARIANTS = [
    Rules(),
    Rules(reciprocity_required=False, same_department="allowed", reverse_mentoring_weight=1.0),
    Rules(same_department="forbidden", max_timezone_gap_hours=5, reverse_mentoring_weight=0.33),
    Rules(avoid_manager_pairs=False, cross_department_bonus=False, max_timezone_gap_hours=0),
]


def points_in(text: str) -> list[int]:
    return [int(sign + digits) for sign, digits in re.findall(r"([+-])(\d+) points", text)]


@pytest.mark.parametrize("rules", RULE_VARIANTS)
def test_score_is_symmetric(rules):
    people = random_cohort(1, 14)
    for a, b in itertools.combinations(people, 2):
        assert score(a, b, rules) == score(b, a, rules)


@pytest.mark.parametrize("rules", RULE_VARIANTS)
def test_vectorised_scores_equal_score_for_every_pair(rules):
    people = sorted(random_cohort(2, 90), key=lambda p: p.id)
    excluded = [(3, 7), (10, 2)]
    arrays = CohortArrays(people, rules, excluded)
    i, j, out, inn = arrays.block(np.arange(len(people)), upper=True)
    total, blocked = arrays.evaluate(i, j, out, inn)
    vectorised = {(a, b): (t if not blk else None) for a, b, t, blk in zip(i, j, total, blocked, strict=True)}
    ids = {(people[x].id, people[y].id) for x, y in excluded}
    checked = 0
    for x, y in itertools.combinations(range(len(people)), 2):
        expected = score(people[x], people[y], rules, excluded=ids)
        assert vectorised.get((x, y)) == expected, (people[x].id, people[y].id)
        checked += expected is not None
    assert checked > 30  # the comparison covered plenty of allowed pairs


@pytest.mark.parametrize("rules", RULE_VARIANTS)
def test_explanation_parts_add_up_to_the_score(rules):
    for a, b in itertools.combinations(random_cohort(3, 12), 2):
        result = breakdown(a, b, rules)
        text = explain(a, b, rules)
        assert sum(p.points for p in result.parts) == result.total
        listed = text.split("Score: ")[1].split(" Total ")[0]
        assert sum(points_in(listed)) == result.total
        assert f"Total {result.total} points." in text
        if score(a, b, rules) is not None:
            assert score(a, b, rules) == result.total


def test_teaching_needs_a_real_level_gap():
    ana = person("ana", offers={"SQL": 3}, wants={"Excel": 1})
    ben = person("ben", offers={"Excel": 4}, wants={"SQL": 3})
    assert score(ana, ben, Rules()) is None  # ben already knows SQL as well as ana: nothing for ana to teach
    result = breakdown(ana, ben, Rules())
    assert result.a_teaches_b == ()
    assert "ana offers SQL at level 3 but ben is already at 3: no credit" in result.no_credit
    better = person("ana", offers={"SQL": 5}, wants={"Excel": 1})
    assert (
        score(better, ben, Rules(same_department="allowed", reverse_mentoring_weight=0)) == (20 + 20) + (20 + 30) + 20
    )


def test_bigger_level_gap_and_more_skills_score_more():
    learner = person("lea", offers={"Go": 5}, wants={"SQL": 1, "Excel": 2})
    base = {"wants": {"Go": 1}}
    one_small = person("t1", offers={"SQL": 2}, **base)
    one_big = person("t2", offers={"SQL": 5}, **base)
    two = person("t3", offers={"SQL": 5, "Excel": 4}, **base)
    rules = Rules()
    assert score(learner, one_small, rules) < score(learner, one_big, rules) < score(learner, two, rules)


def test_balanced_pair_beats_one_sided_pair_with_the_same_learning():
    rules = Rules(reciprocity_required=False, reverse_mentoring_weight=0)
    # Both learn 50 points' worth ...
    a = person("a", offers={"X": 4}, wants={"Y": 1})
    b = person("b", offers={"Y": 4}, wants={"X": 1})
    # ... versus one learning 100 and the other nothing.
    c = person("c", offers={"X": 5, "Z": 4}, wants={})
    d = person("d", offers={}, wants={"X": 1, "Z": 2})
    assert score(a, b, rules) == 50 + 50 + 25
    assert score(c, d, rules) == 60 + 40
    assert score(a, b, rules) > score(c, d, rules)


def test_reciprocity_required_refuses_one_way_pairs():
    c = person("c", offers={"X": 5}, wants={"Q": 1})
    d = person("d", offers={}, wants={"X": 1})
    assert score(c, d, Rules()) is None
    assert "not reciprocal" in breakdown(c, d, Rules()).blocked[0]
    assert score(c, d, Rules(reciprocity_required=False)) == 60 + 0


def test_department_rules():
    a = person("a", department="Sales", offers={"X": 4}, wants={"Y": 1})
    b = person("b", department=" sales ", offers={"Y": 4}, wants={"X": 1})
    c = person("c", department="Finance", offers={"Y": 4}, wants={"X": 1})
    neutral = {"reverse_mentoring_weight": 0}
    assert score(a, b, Rules(same_department="allowed", **neutral)) == 125
    assert score(a, b, Rules(same_department="discouraged", **neutral)) == 125 - 30
    assert score(a, b, Rules(same_department="forbidden", **neutral)) is None
    assert score(a, c, Rules(same_department="forbidden", **neutral)) == 125 + 10
    assert score(a, c, Rules(cross_department_bonus=False, **neutral)) == 125


def test_reverse_mentoring_rewards_the_junior_teaching_the_senior():
    junior = person("jo", seniority=2, offers={"TikTok": 5}, wants={"Budgeting": 2})
    senior = person("sam", seniority=7, offers={"Budgeting": 5}, wants={"TikTok": 1})
    rules = Rules(reverse_mentoring_weight=0.5, same_department="allowed")
    # jo teaches sam 60, sam teaches jo 50, balance 25, reverse 50% of 60.
    assert score(junior, senior, rules) == 60 + 50 + 25 + 30
    assert score(junior, senior, Rules(reverse_mentoring_weight=0, same_department="allowed")) == 135
    assert "reverse mentoring: jo (band 2) teaches sam (band 7), 50% of 60 +30 points" in explain(junior, senior, rules)


@pytest.mark.parametrize("manager_of", ["a", "b"])
def test_manager_and_direct_report_are_never_paired(manager_of):
    a = person("a", manager="b" if manager_of == "a" else None, offers={"X": 4}, wants={"Y": 1})
    b = person("b", manager="a" if manager_of == "b" else None, offers={"Y": 4}, wants={"X": 1})
    assert score(a, b, Rules()) is None
    assert score(a, b, Rules(avoid_manager_pairs=False)) is not None


def test_timezone_gap_uses_the_larger_of_winter_and_summer_gaps():
    a = person("a", timezone="Europe/Berlin", offers={"X": 4}, wants={"Y": 1})
    b = person("b", timezone="Australia/Sydney", offers={"Y": 4}, wants={"X": 1})
    # January: UTC+1 and UTC+11 (10 h); July: UTC+2 and UTC+10 (8 h).
    assert breakdown(a, b, Rules()).timezone_gap_minutes == 600
    assert score(a, b, Rules(max_timezone_gap_hours=9)) is None
    assert score(a, b, Rules(max_timezone_gap_hours=10)) is not None
    # 7 hours beyond the free 3, 2 points each.
    assert "time zones 10 h apart (2 per full hour beyond 3 h) -14 points" in explain(a, b, Rules())


def test_timezone_gap_is_measured_on_the_clock():
    a = person("a", timezone="Pacific/Auckland", offers={"X": 4}, wants={"Y": 1})
    b = person("b", timezone="Pacific/Honolulu", offers={"Y": 4}, wants={"X": 1})
    # UTC+13/+12 and UTC-10: 23 and 22 hours apart on the calendar, 1 and 2 hours on the clock.
    assert breakdown(a, b, Rules()).timezone_gap_minutes == 120
    assert score(a, b, Rules(max_timezone_gap_hours=2)) is not None


def test_excluded_pair_is_not_allowed():
    a = person("a", offers={"X": 4}, wants={"Y": 1})
    b = person("b", offers={"Y": 4}, wants={"X": 1})
    assert score(a, b, Rules(), excluded=[("b", "a")]) is None
    assert "excluded" in explain(a, b, Rules(), excluded=[("a", "b")])


def test_goals_and_meeting_preferences_adjust_the_score():
    rules = Rules(reverse_mentoring_weight=0)
    a = person("a", offers={"X": 4}, wants={"Y": 1}, goals=("Leadership", "data", "career", "writing"))
    b = person("b", offers={"Y": 4}, wants={"X": 1}, goals=("leadership", "Data", "Career", "Writing"))
    assert score(a, b, rules) == 125 + 3 * 5  # four shared keywords, three counted
    remote = Candidate(**{**a.__dict__, "goals": (), "meeting_mode": "remote"})
    in_person = Candidate(**{**b.__dict__, "goals": (), "meeting_mode": "in_person"})
    assert score(remote, in_person, rules) == 125 - 10


def test_explanation_names_skills_levels_and_every_adjustment():
    ana = person(
        "ana", department="Sales", seniority=2, timezone="Europe/Berlin", offers={"Tableau": 5}, wants={"SQL": 2}
    )
    ben = person(
        "ben", department="IT", seniority=6, timezone="America/New_York", offers={"SQL": 4}, wants={"Tableau": 1}
    )
    text = explain(ana, ben, Rules())
    assert text.startswith("ana teaches ben Tableau (level 5 to 1). ben teaches ana SQL (level 4 to 2).")
    assert "ana teaches ben Tableau (level 5 to ben's 1) +60 points" in text
    assert "ben teaches ana SQL (level 4 to ana's 2) +40 points" in text
    assert "balance, half of the lighter direction (40) +20 points" in text
    assert "reverse mentoring: ana (band 2) teaches ben (band 6), 50% of 60 +30 points" in text
    assert "different departments (Sales, IT) +10 points" in text
    assert "time zones 6 h apart (2 per full hour beyond 3 h) -6 points" in text
    assert text.endswith("Total 154 points.")


def test_rules_accept_the_cohort_models_decimal_weight_and_reference_instants():
    from datetime import UTC, datetime
    from decimal import Decimal

    junior = person("jo", seniority=2, timezone="Europe/London", offers={"TikTok": 5}, wants={"Budgeting": 2})
    senior = person("sam", seniority=7, timezone="America/New_York", offers={"Budgeting": 5}, wants={"TikTok": 1})
    rules = Rules(reverse_mentoring_weight=Decimal("0.25"), same_department="allowed")
    assert score(junior, senior, rules) == 60 + 50 + 25 + 15 - 4
    # In the week of 20 March 2026 New York has moved its clocks and London has not: 4 hours apart.
    spring = Rules(timezone_reference=(datetime(2026, 3, 20, 12, tzinfo=UTC),))
    assert breakdown(junior, senior, spring).timezone_gap_minutes == 240
    from matching.engine import solve

    assert solve([junior, senior], rules).total_score == score(junior, senior, rules)


@pytest.mark.parametrize(
    "rules, field",
    [
        (Rules(same_department="sometimes"), "rules.same_department"),
        (Rules(reverse_mentoring_weight=1.5), "rules.reverse_mentoring_weight"),
        (Rules(max_timezone_gap_hours=-1), "rules.max_timezone_gap_hours"),
        (Rules(reciprocity_required="yes"), "rules.reciprocity_required"),
        (Rules(timezone_reference=()), "rules.timezone_reference"),
    ],
)
def test_bad_rules_are_refused_with_the_field(rules, field):
    from matching.engine import InputError, solve

    with pytest.raises(InputError) as err:
        solve([person("a"), person("b")], rules)
    assert err.value.field == field


@pytest.mark.parametrize("rules", RULE_VARIANTS)
def test_hard_blocks_of_one_person_agree_with_evaluate(rules):
    people = sorted(random_cohort(5, 40), key=lambda p: p.id)
    arrays = CohortArrays(people, rules, [(0, 4), (9, 0)])
    everyone = np.arange(len(people))
    ones = np.ones(len(people), dtype=np.int64)
    for i in range(len(people)):
        _, expected = arrays.evaluate(np.full(len(people), i), everyone, ones, ones)
        expected[i] |= 32
        assert arrays.hard_blocks(i).tolist() == expected.tolist()
