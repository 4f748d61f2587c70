"""Sessions: counted by outcome, minutes held, and the pairs' pace against the cadence; its fixed query count."""

import datetime

import pytest

from mentoring.programs.models import Cohort
from mentoring.reports.sections.sessions import expected_sessions, sessions
from tests.factories import ActiveCohortFactory, SessionFactory
from tests.reports.helpers import add_pair, cohort_with_pairs, person


@pytest.mark.django_db
def test_sessions_are_counted_by_outcome_and_compared_with_the_cadence():
    cohort = cohort_with_pairs(3)
    pair = cohort.partnerships.first()
    SessionFactory(partnership=pair, status="not_held", not_held_reason="no_show", no_show="a")
    SessionFactory(partnership=pair, status="cancelled", cancelled_late=True)
    SessionFactory(partnership=pair)  # accepted, tomorrow
    s = sessions([cohort])
    outcomes = {key: cell.text for key, cell in s.outcomes.items()}
    assert (outcomes["held"], outcomes["not_held_no_show"], outcomes["cancelled_late"], outcomes["upcoming"]) == (
        "3",
        "1",
        "1",
        "1",
    )
    assert outcomes["declined"] == "0"  # a count of sessions, not of people: zero is shown
    assert s.held_minutes.text == "180" and s.held_per_pair == 1.0


def test_the_cadence_expects_one_session_per_interval_since_the_start():
    cohort = Cohort(
        status="active", cadence="biweekly", starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 6, 1)
    )
    assert expected_sessions(cohort, datetime.date(2027, 1, 29)) == 2
    assert expected_sessions(cohort, datetime.date(2027, 1, 29), datetime.date(2026, 12, 18)) == 3
    assert expected_sessions(cohort, datetime.date(2028, 1, 1)) == 10  # counted to the end date only
    cohort.status = "enrolling"
    assert expected_sessions(cohort, datetime.date(2027, 1, 29)) == 0


@pytest.mark.django_db
def test_pace_hides_a_small_group_of_pairs_and_the_next_smallest_but_not_the_pairs_that_have_not_met():
    cohort = ActiveCohortFactory(starts_on=datetime.date.today() - datetime.timedelta(days=15), cadence="weekly")
    for n_sessions in (2, 2, 2, 2, 1, 1, 0):  # 4 on pace, 2 behind, 1 has not met
        add_pair(cohort, person("Finance", 2), person("Sales", 6), sessions=[(30, 30)] * n_sessions)
    on, behind, not_met = sessions([cohort]).pace
    assert (on.count.value, behind.count.value) == (4, 2)
    assert on.count.suppressed and behind.count.suppressed and on.percent is None
    # Pairs less pairs that met: both shown as they are, so this is an activity figure too.
    assert not_met.count.text == "1" and not_met.percent == 14


@pytest.mark.django_db
def test_sessions_cost_the_same_queries_for_ten_times_the_pairs(django_assert_num_queries):
    small, big = cohort_with_pairs(2), cohort_with_pairs(20)
    for cohort in (small, big):
        # each cohort's first pair, sessions by outcome, the pairs' held sessions and minutes: 3
        with django_assert_num_queries(3):
            sessions([cohort])
    assert sessions([big]).pairs.value == 20
