"""Logging what happened, the minutes of each half, and the teaching balance computed from them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sessions_log import selectors
from sessions_log.services import session_log
from tests.factories import PartnershipFactory, SessionFactory, UserFactory
from tests.sessions_log.conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(pair):
    """An accepted session of the pair that started an hour ago."""
    return SessionFactory(partnership=pair, start=timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1))


def halves(session):
    return [h.actual_minutes for h in session.halves.order_by("order")]


def test_log_as_held_defaults_to_equal_halves(due, ben):
    session_log(session=due, by=ben, held=True)
    due.refresh_from_db()
    assert due.status == "held" and due.logged_by == ben
    assert halves(due) == [30, 30]


def test_log_with_actual_minutes(due, ana):
    session_log(session=due, by=ana, held=True, minutes=[45, 25])
    assert halves(due) == [45, 25]


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ([-5, 30], "negative"),
        ([0, 0], "not held"),
        ([100, 30], "more than twice"),
    ],
)
def test_minutes_that_do_not_add_up_are_refused_and_nothing_is_written(due, ana, minutes, message):
    with pytest.raises(ValidationError, match=message):
        session_log(session=due, by=ana, held=True, minutes=minutes)
    due.refresh_from_db()
    assert due.status == "accepted" and due.sequence == 0
    assert halves(due) == [None, None]


def test_a_session_cannot_be_logged_before_it_starts(pair, ana):
    session = SessionFactory(partnership=pair, start=in_days(2))
    with pytest.raises(ValidationError, match="once it has started"):
        session_log(session=session, by=ana, held=True)
    session.refresh_from_db()
    assert session.status == "accepted"


def test_a_cancelled_session_cannot_be_logged(pair, ana):
    session = SessionFactory(partnership=pair, start=in_days(-1), status="cancelled")
    with pytest.raises(ValidationError, match="nothing to log"):
        session_log(session=session, by=ana, held=True)


def test_not_held_with_a_no_show(due, ana, ben):
    session_log(session=due, by=ana, held=False, not_held_reason="no_show", no_show="b")
    due.refresh_from_db()
    assert (due.status, due.not_held_reason, due.no_show) == ("not_held", "no_show", "b")
    assert due.no_show_people() == [ben]
    assert halves(due) == [None, None]


def test_not_held_needs_a_reason_and_for_no_show_a_person(due, ana):
    with pytest.raises(ValidationError):
        session_log(session=due, by=ana, held=False)
    with pytest.raises(ValidationError):
        session_log(session=due, by=ana, held=False, not_held_reason="no_show")
    due.refresh_from_db()
    assert due.status == "accepted"


def test_outsider_cannot_log(due):
    with pytest.raises(ValidationError):
        session_log(session=due, by=UserFactory(), held=True)
    due.refresh_from_db()
    assert due.status == "accepted"


def test_log_page_refuses_bad_minutes_with_a_message(due, ana, client_for):
    url = reverse("sessions_log:session_log", args=[due.pk])
    response = client_for(ana).post(url, {"outcome": "held", "first_half_minutes": "130", "second_half_minutes": "0"})
    assert response.status_code == 400
    assert "more than twice the planned 60" in response.text
    due.refresh_from_db()
    assert due.status == "accepted"


def test_log_page_records_a_held_session_and_leads_to_the_check_in(due, ana, client_for):
    url = reverse("sessions_log:session_log", args=[due.pk])
    response = client_for(ana).post(url, {"outcome": "held", "first_half_minutes": "30", "second_half_minutes": "30"})
    assert response.status_code == 302
    assert response["Location"] == reverse("sessions_log:checkin", args=[due.pk])
    due.refresh_from_db()
    assert due.status == "held"


def test_log_page_requires_who_did_not_come(due, ana, client_for):
    url = reverse("sessions_log:session_log", args=[due.pk])
    response = client_for(ana).post(url, {"outcome": "not_held", "not_held_reason": "no_show"})
    assert response.status_code == 400
    assert "Say who did not come" in response.text


# --- Balance --------------------------------------------------------------------------------------


def held(pair, days_ago, minutes, first=None):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)
    return SessionFactory(
        partnership=pair, status="held", start=start, halves=minutes, halves__first_mentor=first or pair.member_a
    )


def test_balance_counts_minutes_as_mentor_and_mentee(pair, ana, ben):
    held(pair, 10, (30, 30))
    held(pair, 5, (40, 20), first=ben)  # Ben mentors 40, Ana 20
    balance = selectors.teaching_balances([pair])[pair.pk]
    me, them = balance.person(ana), balance.person(ben)
    assert (me.mentor_minutes, me.mentee_minutes) == (50, 70)
    assert (them.mentor_minutes, them.mentee_minutes) == (70, 50)
    assert balance.held_sessions == 2


def test_balance_ignores_sessions_that_were_not_held(pair, ana):
    held(pair, 10, (30, 30))
    SessionFactory(partnership=pair, start=in_days(-3), status="not_held", not_held_reason="other")
    SessionFactory(partnership=pair, start=in_days(2))
    balance = selectors.teaching_balances([pair])[pair.pk]
    assert balance.person(ana).mentor_minutes == 30
    assert balance.held_sessions == 1


def test_a_split_within_60_40_is_not_flagged(pair, ana):
    held(pair, 9, (36, 24))  # exactly 60/40
    balance = selectors.teaching_balances([pair])[pair.pk]
    assert not balance.is_imbalanced
    assert balance.prompt_for(ana) == ""


def test_drift_beyond_60_40_over_the_last_three_sessions_prompts_both_partners(pair, ana, ben):
    held(pair, 30, (10, 50))  # older than the window: Ben mentored a lot, but it no longer counts
    for days in (9, 6, 3):
        held(pair, days, (45, 15))
    balance = selectors.teaching_balances([pair])[pair.pk]
    assert balance.recent_sessions == 3
    assert balance.recent_leader == ana and balance.recent_leader_percent == 75
    assert "you mentored for 75%" in balance.prompt_for(ana)
    assert "Ana Costa mentored for 75%" in balance.prompt_for(ben)


def test_a_recent_balanced_window_clears_an_old_imbalance(pair):
    held(pair, 20, (60, 0))
    for days in (9, 6, 3):
        held(pair, days, (30, 30))
    assert not selectors.teaching_balances([pair])[pair.pk].is_imbalanced


def test_program_admins_see_the_flag_for_imbalanced_pairs_only(pair, ana, program_admin, client_for):
    for days in (9, 6, 3):
        held(pair, days, (50, 10))
    balanced = PartnershipFactory(cohort=pair.cohort)
    for days in (9, 6, 3):
        held(balanced, days, (30, 30))
    flagged = selectors.imbalanced_partnerships(pair.cohort)
    assert [b.partnership for b in flagged] == [pair]
    page = client_for(program_admin).get(reverse("sessions_log:cohort_overview", args=[pair.cohort.pk]))
    assert page.status_code == 200
    assert "Ana Costa" in page.text and "83%" in page.text


def test_the_pair_page_shows_the_prompt(pair, ana, client_for):
    for days in (9, 6, 3):
        held(pair, days, (50, 10))
    page = client_for(ana).get(reverse("sessions_log:partnership_sessions", args=[pair.pk]))
    assert 'data-testid="balance-prompt"' in page.text
    assert "you mentored for 83%" in page.text


def test_log_page_of_a_future_session_explains_instead_of_offering_the_form(pair, ana, client_for):
    session = SessionFactory(partnership=pair, start=in_days(2))
    url = reverse("sessions_log:session_log", args=[session.pk])
    page = client_for(ana).get(url)
    assert "once it has started" in page.text and "Save the log" not in page.text
    response = client_for(ana).post(url, {"outcome": "held", "first_half_minutes": "30", "second_half_minutes": "30"})
    assert response.status_code == 400 and "once it has started" in response.text
    session.refresh_from_db()
    assert session.status == "accepted"
