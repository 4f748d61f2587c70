"""When a partnership ends, its sessions still to come are cancelled and leave both calendars."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentoring.partnerships.services import partnership_end
from mentoring.programs import services as program_services
from mentoring.programs.models import Enrollment
from sessions_log.models import Session
from tests.factories import SessionFactory
from tests.sessions_log.conftest import BASE_URL, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(pair):
    """An accepted session next week (invitations sent), a proposal after it, one held last week, one under way."""
    return {
        "accepted": SessionFactory(partnership=pair, start=in_days(7), invitation_sent=True),
        "proposed": SessionFactory(partnership=pair, start=in_days(14), status="proposed", proposed_by=pair.member_a),
        "held": SessionFactory(partnership=pair, held=True),
        "under_way": SessionFactory(
            partnership=pair, start=timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=10)
        ),
    }


def status_of(session) -> str:
    return Session.objects.get(pk=session.pk).status


def test_a_partner_ending_it_cancels_the_sessions_still_to_come(
    pair, ana, sessions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partnership_end(partnership=pair, ended_by=ana, reason="I moved teams.", base_url=BASE_URL)
    accepted = Session.objects.get(pk=sessions["accepted"].pk)
    assert accepted.status == "cancelled" and accepted.cancelled_by == ana and not accepted.cancelled_late
    assert accepted.cancel_reason == "The partnership ended: I moved teams."
    assert status_of(sessions["proposed"]) == "cancelled"
    assert status_of(sessions["held"]) == "held"
    assert status_of(sessions["under_way"]) == "accepted"  # theirs to log


def test_calendars_holding_a_session_get_a_cancellation_and_no_one_is_asked_to_pick_a_new_time(
    pair, ana, ben, sessions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partnership_end(partnership=pair, ended_by=ana, reason="I moved teams.", base_url=BASE_URL)
    # Besides the notice that the partnership ended (to Ben only), the sessions: the accepted one was in both
    # calendars, so both get the cancellation; only Ben hears of the proposal.
    session_mail = [m for m in mail.outbox if "has ended" not in m.subject]
    assert [m.to for m in mail.outbox if "has ended" in m.subject] == [[ben.email]]
    assert sorted(m.to[0] for m in session_mail) == sorted([ana.email, ben.email, ben.email])
    to_ben = [m for m in session_mail if m.to == [ben.email]]
    assert all("cancelled" in m.subject for m in to_ben)
    assert all("Ana Costa cancelled" in m.body and "Propose a new time" not in m.body for m in to_ben)
    assert sum("text/calendar" in [mime for _, mime in m.alternatives] for m in session_mail) == 2


def test_withdrawing_a_partner_cancels_the_pairs_sessions_in_the_name_of_the_program_team(
    pair, ana, ben, sessions, django_capture_on_commit_callbacks
):
    enrollment = Enrollment.objects.get(cohort=pair.cohort, user=ana)
    with django_capture_on_commit_callbacks(execute=True):
        program_services.enrollment_withdraw_by_admin(enrollment=enrollment, base_url=BASE_URL)
    accepted = Session.objects.get(pk=sessions["accepted"].pk)
    assert accepted.status == "cancelled" and accepted.cancelled_by is None
    assert accepted.cancel_reason == (
        "The partnership ended: Ana Costa was withdrawn from the cohort by the program team."
    )
    to_ben = [m for m in mail.outbox if m.to == [ben.email]]
    assert len(to_ben) == 2
    assert all("The program team cancelled" in m.body for m in to_ben)


def test_a_program_admin_ending_it_cancels_in_the_name_of_the_program_team(
    pair, ben, sessions, program_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partnership_end(partnership=pair, ended_by=program_admin, reason="Left the company.", base_url=BASE_URL)
    assert Session.objects.get(pk=sessions["accepted"].pk).cancelled_by is None
    session_mail = [m for m in mail.outbox if m.to == [ben.email] and "has ended" not in m.subject]
    assert session_mail and all("The program team cancelled" in m.body for m in session_mail)


def test_ending_through_the_page_cancels_the_next_session(client_for, pair, ana, sessions):
    response = client_for(ana).post(reverse("partnerships:end", args=[pair.pk]), {"reason": "I moved teams."})
    assert response.status_code == 302
    assert status_of(sessions["accepted"]) == "cancelled"
    page = client_for(ana).get(sessions["accepted"].get_absolute_url()).text
    assert "The partnership ended: I moved teams." in page


def test_the_end_page_warns_that_sessions_to_come_are_cancelled(client_for, pair, ana):
    page = client_for(ana).get(reverse("partnerships:end", args=[pair.pk])).text
    assert "Ending cancels the sessions still to come" in page


def test_closing_the_cohort_ends_its_pairs_and_cancels_what_is_still_to_come(
    pair, ana, ben, sessions, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://twoway.northwind.example"
    held = SessionFactory(partnership=pair, held=True)
    with django_capture_on_commit_callbacks(execute=True):
        program_services.cohort_close(cohort=pair.cohort)
    pair.refresh_from_db()
    assert pair.status == "ended"
    assert pair.end_reason == "The cohort closed."
    assert Session.objects.get(pk=sessions["accepted"].pk).status == "cancelled"
    assert Session.objects.get(pk=held.pk).status == "held"
    assert Enrollment.objects.get(cohort=pair.cohort, user=ana).status == "alumni"
    cancellations = [m for m in mail.outbox if "cancelled" in m.subject]
    assert cancellations
    assert all("https://twoway.northwind.example/" in m.body for m in cancellations)


def test_the_partner_who_did_not_end_it_is_told_why(pair, ana, ben, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        partnership_end(partnership=pair, ended_by=ana, reason="I moved teams.", base_url=BASE_URL)
    told = [m for m in mail.outbox if "has ended" in m.subject]
    assert [m.to for m in told] == [[ben.email]]
    assert "Your partnership with Ana Costa" in told[0].body
    assert "Ana Costa ended it." in told[0].body
    assert "I moved teams." in told[0].body
    assert f"http://testserver/partnerships/{pair.pk}/" in told[0].body


def test_when_a_program_admin_ends_it_both_partners_are_told(
    pair, ana, ben, program_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partnership_end(partnership=pair, ended_by=program_admin, reason="Left the company.", base_url=BASE_URL)
    told = [m for m in mail.outbox if "has ended" in m.subject]
    assert sorted(m.to[0] for m in told) == sorted([ana.email, ben.email])
    assert all("the program team ended it." in m.body for m in told)
