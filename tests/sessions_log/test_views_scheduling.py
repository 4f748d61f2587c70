"""Scheduling through the pages: local times, DST gaps and folds, and refusals that write nothing."""

import datetime

import pytest
from django.urls import reverse

from mentoring.notifications.models import Message
from sessions_log.models import Session
from tests.factories import PartnershipFactory, SessionFactory, UserFactory
from tests.sessions_log.conftest import in_days

pytestmark = pytest.mark.django_db


def propose_url(pair):
    return reverse("sessions_log:session_propose", args=[pair.pk])


def form(day, time, **extra):
    return {"date": day, "time": time, "location": "Room 4.12", "agenda": "", **extra}


# Sessions are planned at most two years ahead: the clock changes of next year (Europe's: the last Sundays of
# March and October, at 02:00 and 03:00 local time).
YEAR = datetime.date.today().year + 1


def _last_sunday(month: int) -> datetime.date:
    day = datetime.date(YEAR, month + 1, 1) - datetime.timedelta(days=1)
    return day - datetime.timedelta(days=(day.weekday() - 6) % 7)


SPRING, AUTUMN = _last_sunday(3), _last_sunday(10)


@pytest.fixture
def berlin_ana(ana):
    ana.timezone = "Europe/Berlin"
    ana.save()
    return ana


def test_time_entered_in_the_viewers_zone_is_stored_in_utc(pair, berlin_ana, client_for):
    response = client_for(berlin_ana).post(propose_url(pair), form(f"{YEAR}-07-10", "14:00"))
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert session.start == datetime.datetime(YEAR, 7, 10, 12, 0, tzinfo=datetime.UTC)  # CEST = UTC+2


def test_session_page_shows_the_time_in_each_viewers_zone(pair, berlin_ana, ben, client_for, client):
    session = SessionFactory(partnership=pair, start=datetime.datetime(YEAR, 1, 15, 9, 0, tzinfo=datetime.UTC))
    url = session.get_absolute_url()
    assert "10:00" in client_for(berlin_ana).get(url).text  # CET = UTC+1
    client.logout()
    ben.timezone = "Asia/Kolkata"
    ben.save()
    assert "14:30" in client_for(ben).get(url).text  # IST = UTC+5:30


def test_dst_gap_time_is_refused_with_a_clear_message(pair, berlin_ana, client_for):
    response = client_for(berlin_ana).post(propose_url(pair), form(SPRING.isoformat(), "02:30"))
    assert response.status_code == 400
    assert "does not exist in Europe/Berlin" in response.text
    assert not Session.objects.exists()


def test_dst_fold_time_is_refused_as_ambiguous(pair, berlin_ana, client_for):
    response = client_for(berlin_ana).post(propose_url(pair), form(AUTUMN.isoformat(), "02:30"))
    assert response.status_code == 400
    assert "happens twice in Europe/Berlin" in response.text
    assert not Session.objects.exists()


def test_times_next_to_the_clock_change_are_fine(pair, berlin_ana, client_for):
    client = client_for(berlin_ana)
    assert client.post(propose_url(pair), form(SPRING.isoformat(), "03:30")).status_code == 302
    assert client.post(propose_url(pair), form(AUTUMN.isoformat(), "03:30")).status_code == 302
    starts = sorted(Session.objects.values_list("start", flat=True))
    assert starts == [
        datetime.datetime.combine(SPRING, datetime.time(1, 30), tzinfo=datetime.UTC),
        datetime.datetime.combine(AUTUMN, datetime.time(2, 30), tzinfo=datetime.UTC),
    ]


def test_past_time_is_refused_on_the_form(pair, ana, client_for):
    yesterday = in_days(-1).date().isoformat()
    response = client_for(ana).post(propose_url(pair), form(yesterday, "10:00"))
    assert response.status_code == 400
    assert "in the past" in response.text
    assert not Session.objects.exists()


def test_overlap_is_refused_on_the_form(pair, ana, client_for):
    ana.timezone = "UTC"
    ana.save()
    other = PartnershipFactory(member_a=ana, member_b=UserFactory(), cohort=pair.cohort)
    SessionFactory(partnership=other, start=in_days(3, hour=10))
    day = in_days(3).date().isoformat()
    response = client_for(ana).post(propose_url(pair), form(day, "10:30"))
    assert response.status_code == 400
    assert "You already have a session" in response.text
    assert Session.objects.filter(partnership=pair).count() == 0


def test_missing_place_is_refused(pair, ana, client_for):
    day = in_days(3).date().isoformat()
    response = client_for(ana).post(propose_url(pair), form(day, "10:30", location=""))
    assert response.status_code == 400
    assert not Session.objects.exists()


def test_partner_accepts_from_the_session_page(pair, ana, ben, client_for):
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=ana)
    page = client_for(ben).get(session.get_absolute_url())
    assert "Accept this time" in page.text
    response = client_for(ben).post(reverse("sessions_log:session_accept", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "accepted"


def test_proposer_pressing_accept_gets_a_message_and_nothing_changes(pair, ana, client_for):
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=ana)
    client = client_for(ana)
    assert "Accept this time" not in client.get(session.get_absolute_url()).text
    response = client.post(reverse("sessions_log:session_accept", args=[session.pk]), follow=True)
    assert "You proposed this time" in response.text
    session.refresh_from_db()
    assert session.status == "proposed"
    assert not Message.objects.exists()


def test_decline_without_reason_is_refused(pair, ana, ben, client_for):
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=ana)
    url = reverse("sessions_log:session_decline", args=[session.pk])
    assert client_for(ben).post(url, {"reason": ""}).status_code == 400
    session.refresh_from_db()
    assert session.status == "proposed"
    assert client_for(ben).post(url, {"reason": "Away that week"}).status_code == 302
    session.refresh_from_db()
    assert session.status == "declined"


def test_other_time_through_the_page(pair, ana, ben, client_for):
    ben.timezone = "UTC"
    ben.save()
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=ana)
    url = reverse("sessions_log:session_other_time", args=[session.pk])
    assert client_for(ben).get(url).status_code == 200
    day = in_days(4).date().isoformat()
    response = client_for(ben).post(url, {"date": day, "time": "16:00", "location": "Café", "note": "Later?"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.start, session.location, session.proposed_by) == (in_days(4, hour=16), "Café", ben)


def test_reschedule_and_cancel_through_the_pages(pair, ana, client_for):
    ana.timezone = "UTC"
    ana.save()
    session = SessionFactory(partnership=pair, start=in_days(2))
    client = client_for(ana)
    day = in_days(6).date().isoformat()
    url = reverse("sessions_log:session_reschedule", args=[session.pk])
    assert client.post(url, {"date": day, "time": "08:00", "location": "Room 2", "reason": ""}).status_code == 400
    response = client.post(url, {"date": day, "time": "08:00", "location": "Room 2", "reason": "Moved office"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.start == in_days(6, hour=8) and session.sequence == 1
    response = client.post(reverse("sessions_log:session_cancel", args=[session.pk]), {"reason": "Ill"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "cancelled"


def test_cancelling_is_a_red_button_and_declining_a_plain_one(pair, ana, client_for):
    session = SessionFactory(partnership=pair, start=in_days(2))
    page = client_for(ana).get(reverse("sessions_log:session_cancel", args=[session.pk])).text
    assert '<button class="btn btn-danger" type="submit">Cancel the session</button>' in page
    proposed = SessionFactory(partnership=pair, start=in_days(3), status="proposed", proposed_by=pair.partner_of(ana))
    page = client_for(ana).get(reverse("sessions_log:session_decline", args=[proposed.pk])).text
    assert '<button class="btn btn-primary" type="submit">Decline</button>' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "YESTERDAY", "time": "16:00", "location": "Café"}, "That time is in the past."),
        ({"date": "0001-01-01", "time": "00:30", "location": "Café"}, "Pick a date between"),
        ({"date": "9999-12-31", "time": "23:30", "location": "Café"}, "Pick a date between"),
        ({"date": "not-a-date", "time": "16:00", "location": "Café"}, "Enter a valid date."),
        ({"time": "16:00", "location": "Café"}, "This field is required."),
        ({"date": "FUTURE", "time": "16:00", "location": ""}, "This field is required."),
        ({"date": "FUTURE", "time": "16:00", "location": "Café", "note": "x" * 301}, "at most 300 characters"),
    ],
)
def test_other_time_page_refuses_bad_input_and_leaves_the_proposal_alone(pair, ana, ben, client_for, data, message):
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=ana, location="Room 1")
    if data.get("date") == "FUTURE":
        data = {**data, "date": in_days(4).date().isoformat()}
    if data.get("date") == "YESTERDAY":
        data = {**data, "date": in_days(-1).date().isoformat()}
    url = reverse("sessions_log:session_other_time", args=[session.pk])
    response = client_for(ben).post(url, data)
    assert response.status_code == 400
    assert message in response.text
    session.refresh_from_db()
    unchanged = (in_days(2), "Room 1", ana, "proposed")
    assert (session.start, session.location, session.proposed_by, session.status) == unchanged
    assert not Message.objects.exists()


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_days_of_the_calendar_are_a_field_error_in_any_zone(pair, ana, client_for, zone, day):
    ana.timezone = zone
    ana.save()
    response = client_for(ana).post(propose_url(pair), form(day, "00:30" if day.startswith("0001") else "23:30"))
    assert response.status_code == 400
    assert "Pick a date between" in response.text
    assert not Session.objects.exists()


def test_the_service_refuses_a_session_beyond_two_years_whatever_the_caller(pair, ana):
    from django.core.exceptions import ValidationError

    from sessions_log.services import session_propose

    start = in_days(2 * 365 + 5)
    with pytest.raises(ValidationError, match="Pick a date between"):
        session_propose(partnership=pair, proposed_by=ana, start=start, location="Room 1", base_url="http://x")
    assert not Session.objects.exists()
