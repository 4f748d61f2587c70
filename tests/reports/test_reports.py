"""The report as a whole: its sections put together and tied to each other, the program roll-up, the index, and
their fixed query counts. Each section's own figures are tested in tests/reports/sections/."""

import pytest

from mentoring.reports.selectors import build_report, programs_with_headlines
from tests.factories import ActiveCohortFactory, EnrollmentFactory
from tests.reports.helpers import add_pair, cohort_with_pairs, person

pytestmark = pytest.mark.django_db


def test_a_program_report_rolls_up_its_cohorts():
    first = cohort_with_pairs(2)
    cohort_with_pairs(3, cohort=ActiveCohortFactory(program=first.program))
    report = build_report(first.program.cohorts.all())
    assert report.is_program
    assert (report.participation.pairs.value, report.participation.matched_people.value) == (5, 10)
    assert report.sessions.held.value == 5 and report.reverse.reverse_pairs.value == 5


def test_a_groups_average_rating_is_hidden_while_the_satisfaction_table_hides_a_rating():
    cohort = cohort_with_pairs(5)  # ratings 4 and 5 only: 1, 2 and 3 read "not shown"
    finance = {row.label: row for row in build_report([cohort]).participation.by_department}["Finance"]
    # Finance's five people rated 4: shown on its own, but a new check-in rated 1 by one of them would move it.
    assert finance.average_usefulness.suppressed and finance.average_usefulness.value == 4.0
    assert finance.participants.text == "5" and finance.minutes_taught.text == "150 min"


def test_a_figure_two_sections_show_is_hidden_in_both():
    cohort = ActiveCohortFactory()
    add_pair(cohort, person("Finance", 2), person("Finance", 6))  # one department: its minutes are all the minutes
    report = build_report([cohort])
    assert report.participation.held_minutes.suppressed and report.sessions.held_minutes.suppressed


def test_the_report_says_when_anything_is_hidden():
    assert build_report([cohort_with_pairs(2)]).suppressed_anything


def test_the_report_costs_the_same_queries_for_ten_times_the_pairs(django_assert_num_queries):
    small = cohort_with_pairs(2)
    big = cohort_with_pairs(20)
    for cohort in (small, big):
        # each pair's held sessions and minutes 1 (shared by sessions, balance and reverse mentoring),
        # participation 4 (enrollments, minutes by group, ratings by group, pairs by state), sessions 2 (first
        # pairs, sessions by outcome), satisfaction 1, skills 2 (session topics, the matches' skill lists): 10
        with django_assert_num_queries(10):
            build_report([cohort])
    assert build_report([big]).participation.pairs.value == 20


# --- The index ---------------------------------------------------------------------------------------------


def test_the_index_hides_what_the_cohorts_report_hides():
    tiny = ActiveCohortFactory()
    add_pair(tiny, person("Finance", 2), person("Finance", 6))
    EnrollmentFactory(cohort=tiny, user=person("Finance", 3), status="approved")  # 3 participants, all Finance
    [(_, [headline])] = [(p, h) for p, h in programs_with_headlines() if p == tiny.program]
    report = build_report([tiny])
    assert headline.participants.suppressed and report.participation.participants.suppressed
    assert headline.average_usefulness.value is None  # no check-ins yet

    rated = cohort_with_pairs(5)  # every person rated 4 or 5: 1, 2 and 3 are hidden cells
    [(_, [headline])] = [(p, h) for p, h in programs_with_headlines() if p == rated.program]
    assert headline.participants.text == "10" and headline.pairs == 5 and headline.held == 5
    assert headline.average_usefulness.suppressed and headline.average_usefulness.value == 4.5


def test_the_index_costs_the_same_queries_for_ten_times_the_cohorts(django_assert_num_queries):
    cohort_with_pairs(1)
    # programs, their cohorts (prefetch), enrollments, pairs, held sessions and ratings by cohort: 6
    with django_assert_num_queries(6):
        programs_with_headlines()
    for _ in range(10):
        cohort_with_pairs(2)
    with django_assert_num_queries(6):
        result = programs_with_headlines()
    assert len(result) == 11
