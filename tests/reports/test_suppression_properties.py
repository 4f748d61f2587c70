"""Property tests of small-group suppression over many random small cohorts.

1. On the suppression rules alone (fast, many examples): random people in departments, bands and ratings give
   breakdowns that share totals, a nested one (ratings grouped low/high) and an average; after ``suppress`` no
   hidden figure is worked out by adding and subtracting the shown ones, and every small cell is hidden.
2. On the CSV a leader downloads for a random small cohort (pairs, sessions, check-ins, survey answers made in the
   database): the same, with every sum and average a reader can see on the page written here, in the test.
3. The before/after attack on that CSV: one new check-in, whichever rating it has among the cells hidden before
   and after it, gives the same CSV, which differs from the one before only by the count of check-ins.

The equations a reader can use are written in this file, not read from the code under test. ``worked_out`` solves
them exactly (tests/reports/helpers.py).
"""

from fractions import Fraction

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mentoring.reports.suppression import HIDDEN, Follows, Total, activity, csv_value, people, suppress
from sessions_log.models import CheckIn
from tests.factories import (
    ActiveCohortFactory,
    AssessmentFactory,
    AssessmentResponseFactory,
    CheckInFactory,
    EnrollmentFactory,
    SessionFactory,
)
from tests.reports.helpers import add_pair, csv_figures, person, worked_out

RATINGS = ["5 · very useful", "4 · useful", "3 · somewhat", "2 · a little", "1 · not useful"]
DB_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same cohorts on every run and every machine
    database=None,
    # Each example is a cohort in the database: a failure reports it as generated rather than spend minutes shrinking.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- 1. The rules alone -----------------------------------------------------------------------------------------


@st.composite
def people_strategy(draw) -> list[tuple]:
    """People as (department 0-3, band 0-2, rating 1-5 or none), most sharing one rating so some cells are shown."""
    usual = draw(st.integers(1, 5))
    person = st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from([usual] * 5 + [None, 1, 2, 3, 4, 5]))
    return draw(st.lists(person, max_size=40))


def _column(everyone, index, size) -> dict:
    return {key: people(sum(1 for p in everyone if p[index] == key)) for key in range(size)}


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(people_strategy(), st.booleans())
def test_no_hidden_figure_of_random_tables_can_be_worked_out(everyone, only_present_groups):
    total = activity(len(everyone))
    departments, bands = _column(everyone, 0, 4), _column(everyone, 1, 3)
    if only_present_groups:  # like the department rows, which list only groups someone is in
        departments = {k: c for k, c in departments.items() if c.value}
        bands = {k: c for k, c in bands.items() if c.value}
    rated = [p for p in everyone if p[2]]
    ratings = {r: people(sum(1 for p in rated if p[2] == r)) for r in range(1, 6)}
    low, high = people(ratings[1].value + ratings[2].value), people(sum(ratings[r].value for r in (3, 4, 5)))
    answered = activity(len(rated))
    # Exact, not rounded as the report rounds it: the strongest reader.
    average = people(Fraction(sum(p[2] for p in rated), len(rated)) if rated else None, len(rated))
    suppress(
        [
            Total(total, list(departments.values())),
            Total(total, list(bands.values())),
            Total(answered, list(ratings.values())),
            Total(answered, [low, high]),
            Total(low, [ratings[1], ratings[2]]),
            Total(high, [ratings[3], ratings[4], ratings[5]]),
            Follows([average], list(ratings.values())),
        ]
    )
    cells = {
        **{("dept", k): c for k, c in departments.items()},
        **{("band", k): c for k, c in bands.items()},
        **{("rating", k): c for k, c in ratings.items()},
        "total": total,
        "answered": answered,
        "low": low,
        "high": high,
        "average": average,
    }
    figures = {name: csv_value(cell) for name, cell in cells.items()}
    equations = [
        {"total": 1, **{("dept", k): -1 for k in departments}},
        {"total": 1, **{("band", k): -1 for k in bands}},
        {"answered": 1, **{("rating", k): -1 for k in ratings}},
        {"answered": 1, "low": -1, "high": -1},
        {"low": 1, ("rating", 1): -1, ("rating", 2): -1},
        {"high": 1, **{("rating", k): -1 for k in (3, 4, 5)}},
    ]
    if average.shown:
        equations.append({"answered": -Fraction(figures["average"]), **{("rating", k): k for k in ratings}})
    assert worked_out(equations, figures) == {}
    # Rule 1: no group of fewer than five people is shown, none included; every hidden figure reads alike.
    for name, cell in cells.items():
        if cell.people is not None and cell.people < 5:
            assert figures[name] == HIDDEN, name
    assert {text for text in figures.values() if not text.replace(".", "").isdigit()} <= {HIDDEN, ""}


# --- 2. The CSV of random small cohorts ------------------------------------------------------------------------


@st.composite
def cohort_strategy(draw, *, answers: bool = True) -> dict:
    """A small cohort whose people mostly share a department, a band and a rating, as real ones do: some of its
    cells reach five people and are shown, the others are hidden, so the attacks have something to work with."""
    usual = draw(st.tuples(st.integers(1, 5), st.integers(0, 10), st.integers(1, 5)))
    member = st.tuples(
        st.sampled_from(["Finance", "Finance", "Finance", "Sales", "Sales", "Legal"]),
        st.sampled_from([2, 2, 6, 6, 4, None]),
    )
    rating = st.sampled_from([usual[0]] * 6 + [None, 1, 2, 3, 4, 5])
    pair = st.tuples(
        member,
        member,
        st.lists(st.sampled_from([(30, 30)] * 3 + [(36, 24), (39, 21), (45, 15), (50, 10), (15, 45)]), max_size=2),
        st.tuples(rating, rating),
    )
    answer = st.tuples(
        st.sampled_from([usual[1]] * 3 + list(range(11))), *[st.sampled_from([usual[2]] * 3 + [1, 2, 3, 4, 5])] * 4
    )
    return {
        "pairs": draw(st.lists(pair, min_size=3, max_size=12)),
        "unmatched": draw(st.lists(member, max_size=3)),
        "answers": draw(st.lists(answer, min_size=4, max_size=16)) if answers else [],
    }


STATEMENTS = ("met_as_agreed", "learned_used", "taught_used", "two_way_better")


def make_cohort(spec: dict):
    cohort = ActiveCohortFactory()
    members = []
    for a, b, sessions, ratings in spec["pairs"]:
        ratings = ratings if sessions else ()
        pair = add_pair(cohort, person(*a), person(*b), sessions=sessions, ratings=[r for r in ratings if r])
        members += pair.members
    for who in spec["unmatched"]:
        EnrollmentFactory(cohort=cohort, user=person(*who), status="approved")
    if spec["answers"]:
        survey = AssessmentFactory(cohort=cohort)
        for respondent, (nps, *likert) in zip(members, spec["answers"], strict=False):
            AssessmentResponseFactory(
                assessment=survey, respondent=respondent, nps=nps, **dict(zip(STATEMENTS, likert, strict=True))
            )
    return cohort


def groups(figures: dict, section: str, exclude: str = "") -> list[str]:
    return sorted({group for s, group, _ in figures if s == section and group != exclude})


def total(of: tuple, parts: list[tuple]) -> dict:
    return {of: 1, **dict.fromkeys(parts, -1)}


def reader_equations(figures: dict) -> list[dict]:
    """Every sum and average a leader can see between the report's figures, as the page and README explain them."""
    P, S, T = "Participation", "Sessions", "Teaching balance"
    participants, matched = (P, "All", "Participants (approved or alumni)"), (P, "All", "Matched people")
    held = (S, "All", "Minutes in held sessions")
    with_held = (T, "All", "Pairs with held sessions")
    pace = [key for key in figures if key[:2] == (S, "Pace")]
    buckets = [key for key in figures if key[:2] == (T, "Larger partner's share")]
    ratings = [("Satisfaction", "Rating", label) for label in RATINGS]
    checkins = ("Satisfaction", "All", "Check-ins")
    equations = [
        total(participants, [(P, "Enrollments", "Approved"), (P, "Enrollments", "Alumni")]),
        total((P, "All", "Pairs"), pace),
        total(with_held, pace[:2]),
        total(with_held, buckets),
        {(T, "All", "Pairs within 60/40"): 1, buckets[0]: -1},
        total(checkins, ratings),
    ]
    for section in ("By department", "By seniority band"):
        rows = groups(figures, section)
        equations += [
            total(participants, [(section, g, "Participants") for g in rows]),
            total(matched, [(section, g, "Matched people") for g in rows]),
            total(held, [(section, g, "Minutes taught") for g in rows]),
            total(held, [(section, g, "Minutes learned") for g in rows]),
        ]
    average = figures["Satisfaction", "All", "Average usefulness (1-5)"]
    if average not in (HIDDEN, ""):
        equations.append({checkins: -Fraction(average), **{key: 5 - i for i, key in enumerate(ratings)}})
    R = "Reverse mentoring"
    bands = groups(figures, R, exclude="All")
    equations += [
        total((R, "All", "Pairs with a seniority gap"), [(R, b, "Senior partners") for b in bands]),
        total(
            (R, "All", "Pairs where the junior partner mentored"),
            [(R, b, "Learning from a junior partner") for b in bands],
        ),
        total((R, "All", "Minutes the junior partner mentored"), [(R, b, "Minutes") for b in bands]),
    ]
    return equations + survey_equations(figures)


def survey_equations(figures: dict) -> list[dict]:
    section = "Mid-point survey"
    if (section, "All", "Answered") not in figures:
        return []
    answered = (section, "All", "Answered")
    score = {s: (section, "Recommendation score (0-10)", str(s)) for s in range(11)}
    group = {
        name: (section, "Recommendation groups", label)
        for name, label in (("p", "Promoters (9–10)"), ("n", "Passives (7–8)"), ("d", "Detractors (0–6)"))
    }
    equations = [
        total(answered, list(group.values())),
        total(answered, list(score.values())),
        total(group["p"], [score[9], score[10]]),
        total(group["n"], [score[7], score[8]]),
        total(group["d"], [score[s] for s in range(7)]),
    ]
    nps = figures[section, "All", "Net Promoter Score (-100 to 100)"]
    if nps not in (HIDDEN, ""):
        equations.append({answered: Fraction(nps), group["p"]: -100, group["d"]: 100})
    for key in {key[:2] for key in figures if key[0] == section and key[2] == "Average (1-5)"}:
        answers = [
            (*key, label)
            for label in ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
        ]
        equations.append(total(answered, answers))
        if figures[(*key, "Average (1-5)")] not in (HIDDEN, ""):
            average = Fraction(figures[(*key, "Average (1-5)")])
            equations.append({answered: -average, **{a: i + 1 for i, a in enumerate(answers)}})
    return equations


# Rows that count people (5) or pairs (3): when shown they are never below the threshold, never 0.
PEOPLE_ROWS = {"Participants", "Matched people", "Senior partners", "Learning from a junior partner"}
PAIR_GROUPS = {("Sessions", "Pace"), ("Teaching balance", "Larger partner's share")}


def assert_small_groups_hidden(figures: dict) -> None:
    for (section, group, measure), value in figures.items():
        if value in (HIDDEN, ""):
            continue
        if section in ("By department", "By seniority band", "Reverse mentoring") and measure in PEOPLE_ROWS:
            assert int(value) >= 5, (section, group, measure, value)
        if group in ("Rating", "Recommendation groups", "Recommendation score (0-10)"):
            assert int(value) >= 5, (section, group, measure, value)
        if (section, group) in PAIR_GROUPS and not measure.startswith("Not met"):
            assert int(value) >= 3, (section, group, measure, value)


@pytest.mark.django_db
@DB_SETTINGS
@given(cohort_strategy())
def test_no_hidden_figure_of_a_random_cohorts_csv_can_be_worked_out(client_for, leader, spec):
    client = client_for(leader)
    with transaction.atomic():
        cohort = make_cohort(spec)
        figures = csv_figures(client.get(reverse("reports:cohort_csv", args=[cohort.pk])))
        transaction.set_rollback(True)
    assert_small_groups_hidden(figures)
    assert worked_out(reader_equations(figures), figures) == {}


# --- 3. Before and after one new check-in ---------------------------------------------------------------------


@pytest.mark.django_db
@DB_SETTINGS
@given(cohort_strategy(answers=False), st.data())
def test_one_new_check_in_with_a_hidden_rating_cannot_be_told_from_the_csv(client_for, leader, spec, data):
    client = client_for(leader)
    with transaction.atomic():
        cohort = make_cohort(spec)
        pair = data.draw(st.sampled_from(list(cohort.partnerships.all())))
        author = data.draw(st.sampled_from(pair.members))
        session = SessionFactory(partnership=pair, held=True, halves=(30, 30))  # the author's check-in is to come
        url = reverse("reports:cohort_csv", args=[cohort.pk])
        before = csv_figures(client.get(url))
        raters = {r: set() for r in range(1, 6)}
        for usefulness, author_id in CheckIn.objects.filter(session__partnership__cohort=cohort).values_list(
            "usefulness", "author_id"
        ):
            raters[usefulness].add(author_id)
        after = {}
        for usefulness in range(1, 6):
            with transaction.atomic():
                CheckInFactory(session=session, author=author, usefulness=usefulness)
                after[usefulness] = csv_figures(client.get(url))
                transaction.set_rollback(True)
        transaction.set_rollback(True)
    # The ratings given by fewer than five people, the new one's author included: the small groups the rules
    # protect. Whichever of them the new check-in has, the CSV must not tell, nor differ but by the count.
    small = [r for r in range(1, 6) if len(raters[r] | {author.pk}) < 5]
    for r in small:
        changed = {key for key in before if before[key] != after[r][key]}
        assert changed == {("Satisfaction", "All", "Check-ins")}, (r, changed)
