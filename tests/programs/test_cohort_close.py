"""Closing a cohort ends every pair, so it has its own page: it says what will happen and closes only once the
admin types the cohort's name. The transition buttons cannot close a cohort any more."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.partnerships.models import Partnership, PartnershipStatus
from mentoring.programs.models import CohortStatus, Enrollment, EnrollmentStatus
from sessions_log import selectors as session_selectors
from sessions_log.models import Session, SessionStatus
from tests.factories import ActiveCohortFactory, EnrollmentFactory, PartnershipFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _add_pairs(cohort, *, with_sessions: int, without_sessions: int) -> None:
    """`with_sessions` pairs with two sessions still to come each (one accepted, one proposed) and one held in the
    past, plus one under way; `without_sessions` pairs with none."""
    now = timezone.now().replace(second=0, microsecond=0)
    for _ in range(with_sessions):
        pair = PartnershipFactory(cohort=cohort)
        SessionFactory(partnership=pair, invitation_sent=True)
        SessionFactory(partnership=pair, status="proposed", start=now + datetime.timedelta(days=8))
        SessionFactory(partnership=pair, held=True)
        SessionFactory(partnership=pair, start=now - datetime.timedelta(minutes=10))  # under way: left to log
    for _ in range(without_sessions):
        PartnershipFactory(cohort=cohort)


@pytest.fixture
def cohort():
    """An active cohort: 3 pairs (2 with sessions still to come), an ended pair, 1 applicant and 1 waitlisted."""
    cohort = ActiveCohortFactory(name="Spring 2027")
    _add_pairs(cohort, with_sessions=2, without_sessions=1)
    ended = PartnershipFactory(cohort=cohort, enroll=False)
    Partnership.objects.filter(pk=ended.pk).update(status=PartnershipStatus.ENDED, ended_at=timezone.now())
    EnrollmentFactory(cohort=cohort, status="applied")
    EnrollmentFactory(cohort=cohort, status="waitlisted")
    return cohort


def _close_url(cohort) -> str:
    return reverse("programs:cohort_close", args=[cohort.pk])


def _unchanged(cohort) -> None:
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.ACTIVE
    assert cohort.partnerships.filter(status=PartnershipStatus.ACTIVE).count() == 3
    assert Session.objects.filter(partnership__cohort=cohort, status=SessionStatus.CANCELLED).count() == 0
    assert not Enrollment.objects.filter(cohort=cohort, status=EnrollmentStatus.ALUMNI).exists()


def test_the_closing_page_states_the_pairs_sessions_and_people_it_touches(admin_client, cohort):
    response = admin_client.get(_close_url(cohort))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "<strong>3 pairs end.</strong>" in page
    assert "<strong>4 sessions still to come are cancelled</strong>" in page
    assert "calendars that hold them get a cancellation" in page
    assert "Both partners of each are e-mailed the cancellation: 4 people." in page
    assert "<strong>6 approved participants become alumni</strong>" in page
    assert "<strong>2 people still waiting are withdrawn</strong> (1 awaiting a decision, 1 on the waitlist)" in page
    assert 'class="btn btn-danger" type="submit">Close the cohort</button>' in page


def test_the_closing_page_of_a_cohort_without_sessions_says_no_cancellation_is_emailed(admin_client):
    cohort = ActiveCohortFactory()
    _add_pairs(cohort, with_sessions=0, without_sessions=1)
    page = " ".join(admin_client.get(_close_url(cohort)).content.decode().split())
    assert "<strong>1 pair ends.</strong>" in page
    assert "No session is still to come, so no cancellation is e-mailed." in page
    assert "Each partner still enrolled is e-mailed a summary of what their pair did" in page
    assert "<strong>2 approved participants become alumni</strong>" in page
    assert "Nobody is still waiting for a decision or a place." in page


@pytest.mark.parametrize("count", [1, 10])
def test_counting_what_closing_touches_costs_three_queries(django_assert_num_queries, count):
    cohort = ActiveCohortFactory()
    _add_pairs(cohort, with_sessions=count, without_sessions=count)
    # 1 active pairs counted, 2 sessions still to come counted, 3 the partners of those sessions
    with django_assert_num_queries(3):
        closing = session_selectors.cohort_closing(cohort)
    assert (closing.pairs, closing.sessions, closing.people_emailed) == (2 * count, 2 * count, 2 * count)


@pytest.mark.parametrize("typed", ["", "   ", "Spring 2026", "Spring", "Spring 2027 cohort"])
def test_a_wrong_or_missing_name_is_a_field_error_and_changes_nothing(admin_client, cohort, typed):
    response = admin_client.post(_close_url(cohort), {"name": typed})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    _unchanged(cohort)


def test_a_wrong_name_says_which_name_to_type(admin_client, cohort):
    response = admin_client.post(_close_url(cohort), {"name": "Autumn"})
    assert response.context["form"].errors["name"] == [
        "That is not this cohort's name: type “Spring 2027” to close it."
    ]


def test_the_cohorts_name_in_any_case_closes_it(admin_client, cohort, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(_close_url(cohort), {"name": "  spring 2027 "})
    assert response.status_code == 302
    assert response["Location"] == cohort.get_absolute_url()
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.CLOSED
    assert not cohort.partnerships.filter(status=PartnershipStatus.ACTIVE).exists()
    cancelled = Session.objects.filter(partnership__cohort=cohort, status=SessionStatus.CANCELLED).count()
    assert cancelled == 4
    statuses = set(Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True))
    assert statuses == {EnrollmentStatus.ALUMNI, EnrollmentStatus.WITHDRAWN}
    followed = admin_client.get(response["Location"])
    assert "The cohort is now closed." in followed.content.decode()
    # What the page promised: both partners of each session still to come, and nobody else, are e-mailed.
    with_sessions = Session.objects.filter(partnership__cohort=cohort, status=SessionStatus.CANCELLED)
    partners = {s.partnership.member_a.email for s in with_sessions} | {
        s.partnership.member_b.email for s in with_sessions
    }
    assert len(partners) == 4
    # The summaries (mentoring.nudges) and the alumni invitations (tests/community/test_alumni.py) go out too.
    cancellations = [
        m for m in mailoutbox if "has closed: what you and" not in m.subject and "alumni network" not in m.subject
    ]
    assert sorted(to for message in cancellations for to in message.to) == sorted(list(partners) * 2)  # 2 each
    # And the summaries (mentoring.nudges): one to each partner of the 3 pairs still active, not the ended one.
    summaries = [m for m in mailoutbox if "has closed: what you and" in m.subject]
    assert len(summaries) == 6


@pytest.mark.parametrize("data", [{"to": "closed"}, {"to": "closed", "name": "Spring 2027"}])
def test_the_transition_buttons_cannot_close_a_cohort(admin_client, cohort, data):
    response = admin_client.post(reverse("programs:cohort_transition", args=[cohort.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == _close_url(cohort)
    followed = admin_client.get(response["Location"]).content.decode()
    assert "Nothing changed: to close the cohort, read what closing does and type its name." in followed
    _unchanged(cohort)


def test_the_cohort_page_leads_to_the_closing_page(admin_client, cohort):
    page = admin_client.get(cohort.get_absolute_url()).content.decode()
    assert f'href="{_close_url(cohort)}">Close the cohort…</a>' in page
    assert 'name="to" value="closed"' not in page


def test_a_cohort_that_cannot_close_shows_why_and_no_form(admin_client):
    cohort = ActiveCohortFactory(status="matching")
    response = admin_client.get(_close_url(cohort))
    assert "cannot move to closed" in response.content.decode()
    assert 'name="name"' not in response.content.decode()
    refused = admin_client.post(_close_url(cohort), {"name": cohort.name})
    assert refused.status_code == 400
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.MATCHING


def test_only_program_admins_reach_the_closing_page(client, client_for, employee, leader, cohort):
    url = _close_url(cohort)
    for method in ("get", "post"):
        response = getattr(client, method)(url, {"name": "Spring 2027"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    for person in (employee, leader):
        signed_in = client_for(person)
        assert signed_in.get(url).status_code == 403
        assert signed_in.post(url, {"name": "Spring 2027"}).status_code == 403
    _unchanged(cohort)
