"""Calendar files and the e-mails that carry them, parsed back with icalendar."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from mentoring.notifications.models import Message
from mentoring.notifications.tasks import deliver_message
from sessions_log.calendar import CANCEL, PUBLISH, REQUEST, session_calendar
from sessions_log.services import session_accept, session_cancel, session_propose, session_reschedule
from tests.conftest import wait_for
from tests.factories import PartnershipFactory, SessionFactory
from tests.sessions_log.conftest import BASE_URL, in_days

pytestmark = pytest.mark.django_db


def parse(ics: bytes):
    calendar = Calendar.from_ical(ics)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return calendar, events[0]


def calendar_part(message):
    """The text/calendar alternative and the attached .ics of a sent e-mail."""
    parsed = message.message()
    alternative = attachment = None
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            alternative = part
        if part.get_filename() == "invite.ics":
            attachment = part
    return alternative, attachment


def test_request_has_what_outlook_and_google_need(pair, ana, ben):
    session = SessionFactory(partnership=pair, start=in_days(2), sequence=3)
    calendar, event = parse(session_calendar(session, method=REQUEST, link="http://testserver/sessions/1/"))
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert str(event["UID"]) == session.calendar_uid
    assert event["SEQUENCE"] == 3
    assert event.decoded("DTSTART") == in_days(2)
    assert event.decoded("DTEND") == in_days(2) + datetime.timedelta(minutes=60)
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    attendees = {str(a).removeprefix("mailto:") for a in event["ATTENDEE"]}
    assert attendees == {ana.email, ben.email}
    assert str(event["LOCATION"]) == "Room 4.12"
    assert "Ana Costa mentors Ben Okafor" in str(event["DESCRIPTION"])


def test_raw_times_are_written_in_utc(pair):
    session = SessionFactory(partnership=pair, start=in_days(2, hour=9))
    text = session_calendar(session, method=REQUEST).decode()
    assert f"DTSTART:{in_days(2, hour=9):%Y%m%dT%H%M%S}Z" in text
    assert "\r\n" in text  # RFC 5545 line endings


def test_cancel_keeps_the_uid_and_marks_the_event_cancelled(pair):
    session = SessionFactory(partnership=pair, start=in_days(2), sequence=4, status="cancelled")
    calendar, event = parse(session_calendar(session, method=CANCEL))
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]) == session.calendar_uid
    assert event["SEQUENCE"] == 4
    assert event["STATUS"] == "CANCELLED"


def test_unknown_method_is_a_programming_error(pair):
    with pytest.raises(ValueError):
        session_calendar(SessionFactory(partnership=pair), method="REPLY")


def test_download_is_for_the_two_partners_only(pair, ana, client_for, other_pair):
    session = SessionFactory(partnership=pair, start=in_days(2))
    url = reverse("sessions_log:session_ics", args=[session.pk])
    response = client_for(ana).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar, event = parse(response.content)
    assert calendar["METHOD"] == PUBLISH
    assert str(event["UID"]) == session.calendar_uid
    assert client_for(other_pair.member_a).get(url).status_code == 404


def test_invitation_update_and_cancellation_mails_carry_one_event_with_rising_sequence(
    pair, ana, ben, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = session_propose(
            partnership=pair, proposed_by=ana, start=in_days(2), location="https://meet.example/abc", base_url=BASE_URL
        )
    assert [m.to for m in mail.outbox] == [[ben.email]]
    proposal = mail.outbox[0]
    assert "Ana Costa proposed" in proposal.subject
    assert calendar_part(proposal) == (None, None)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        session_accept(session=session, by=ben, base_url=BASE_URL)
    with django_capture_on_commit_callbacks(execute=True):
        session_reschedule(session=session, by=ana, start=in_days(4), reason="Travel", base_url=BASE_URL)
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by=ben, reason="Sick", base_url=BASE_URL)

    to_ana = [m for m in mail.outbox if m.to == [ana.email]]
    assert len(to_ana) == 3
    seen = []
    for message, method in zip(to_ana, ["REQUEST", "REQUEST", "CANCEL"], strict=True):
        alternative, attachment = calendar_part(message)
        assert alternative.get_param("method") == method
        assert attachment is not None
        calendar, event = parse(alternative.get_payload(decode=True))
        _, attached_event = parse(attachment.get_payload(decode=True))
        assert calendar["METHOD"] == method
        assert str(attached_event["UID"]) == str(event["UID"]) == session.calendar_uid
        seen.append((event["SEQUENCE"], event.decoded("DTSTART")))
    sequences = [s for s, _ in seen]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert seen[1][1] == in_days(4)
    assert "confirmed" in to_ana[0].subject
    assert "moved" in to_ana[1].subject
    assert "cancelled" in to_ana[2].subject


def test_mail_shows_times_in_the_recipients_own_time_zone(pair, ana, ben, django_capture_on_commit_callbacks):
    ben.timezone = "America/New_York"
    ben.save()
    next_year = datetime.date.today().year + 1  # sessions are planned at most two years ahead
    start = datetime.datetime(next_year, 1, 15, 15, 0, tzinfo=datetime.UTC)  # 10:00 in New York, 15:00 in Lisbon
    with django_capture_on_commit_callbacks(execute=True):
        session = session_propose(partnership=pair, proposed_by=ana, start=start, location="Room 1", base_url=BASE_URL)
        session_accept(session=session, by=ben, base_url=BASE_URL)
    to_ben = [m for m in mail.outbox if m.to == [ben.email]]
    to_ana = [m for m in mail.outbox if m.to == [ana.email]]
    assert "10:00" in to_ben[0].body and "America/New_York" in to_ben[0].body
    assert "15:00" in to_ana[0].body and "Europe/Lisbon" in to_ana[0].body


def test_a_session_email_goes_out_once_even_if_the_task_runs_twice(pair, ana, ben):
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=ana)
    session_accept(session=session, by=ben, base_url=BASE_URL)  # the doorbell waits for a commit that never comes
    invitations = list(Message.objects.filter(channel="email", kind="session_invitation"))
    assert len(invitations) == 2
    for message in invitations + invitations:
        deliver_message.delay(message_id=message.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ana.email, ben.email])
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {m.message_id_header for m in invitations}
    assert set(Message.objects.filter(channel="email").values_list("state", flat=True)) == {"sent"}


def test_a_failed_send_gives_the_email_back_for_a_retry(pair, ana, ben, monkeypatch):
    session_propose(partnership=pair, proposed_by=ana, start=in_days(2), location="Room 1", base_url=BASE_URL)
    message = Message.objects.filter(channel="email").get(kind="session_proposal")

    def broken_send(self, *args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    deliver_message.delay(message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == ("pending", 1, "ConnectionError: SMTP down")
    assert message.send_after > message.created_at  # due again later, for the sweeper


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_accepting_through_the_page_sends_invitations_through_the_celery_worker(client, celery_worker):
    """With REDIS_URL set this goes through Redis and a real worker; without it, Celery runs eagerly."""
    pair = PartnershipFactory()
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=pair.member_a)
    client.force_login(pair.member_b)
    assert client.post(reverse("sessions_log:session_accept", args=[session.pk])).status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 2, timeout=30)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.member_a.email, pair.member_b.email])
    assert all(calendar_part(m)[0].get_param("method") == "REQUEST" for m in mail.outbox)
    assert wait_for(lambda: not Message.objects.filter(channel="email").exclude(state="sent").exists())


def test_the_session_page_offers_the_calendar_file_only_while_the_session_is_to_come(pair, ana, client_for):
    client = client_for(ana)
    upcoming = SessionFactory(partnership=pair)
    held = SessionFactory(partnership=pair, held=True)
    ics = reverse("sessions_log:session_ics", args=[upcoming.pk])
    assert ics in client.get(upcoming.get_absolute_url()).text
    assert "Add to calendar" not in client.get(held.get_absolute_url()).text
