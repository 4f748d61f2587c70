"""Sending a row: claimed once under a lease, sent with its stored parts, marked sent; temporary errors retried with
backoff, then failed; a database error after the mail server accepted it never sends it twice."""

import datetime
import smtplib

import pytest
from django.db import OperationalError
from django.utils import timezone

from mentoring.notifications import services
from mentoring.notifications.models import Message
from mentoring.notifications.services import (
    LEASE,
    MAX_ATTEMPTS,
    CalendarPart,
    message_claim,
    message_deliver,
    message_retry_later,
)
from mentoring.notifications.tasks import deliver_message
from tests.factories import MessageFactory
from tests.notifications.conftest import note

pytestmark = pytest.mark.django_db


def state(message) -> tuple:
    message.refresh_from_db()
    return message.state, message.attempts


@pytest.fixture
def smtp_down(monkeypatch):
    """The mail server fails the next sends with ``error`` (set it), then works again."""
    failures = []

    def send(self, *args, **kwargs):
        if failures:
            raise failures.pop(0)
        return original(self, *args, **kwargs)

    from django.core.mail import EmailMessage

    original = EmailMessage.send
    monkeypatch.setattr(EmailMessage, "send", send)
    return failures


def test_a_message_leaves_with_its_stored_parts_and_message_id(mailoutbox):
    message = MessageFactory(from_email="Twoway HR <hr@northwind.example>", headers={"X-Twoway-Kind": "note"})
    assert message_deliver(message_id=message.pk) == "sent"
    [email] = mailoutbox
    assert (email.subject, email.body, email.to) == ("[Twoway] Hello", "Hello in text", [message.address])
    assert email.alternatives[0][0] == "<p>Hello in HTML</p>"
    assert email.from_email == "Twoway HR <hr@northwind.example>"
    parsed = email.message()
    assert parsed["Message-ID"] == message.message_id_header and parsed["X-Twoway-Kind"] == "note"
    message.refresh_from_db()
    assert (message.state, message.attempts, message.claimed_until) == ("sent", 1, None)
    assert message.sent_at is not None


def test_a_calendar_goes_as_an_itip_alternative_and_as_invite_ics(mailoutbox, django_capture_on_commit_callbacks):
    ics = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        note(calendar=CalendarPart(method="CANCEL", ics=ics))
    parts = {part.get_content_type(): part for part in mailoutbox[0].message().walk()}
    assert parts["text/calendar"].get_param("method") == "CANCEL"
    assert parts["text/calendar"].get_payload(decode=True).decode() == ics
    assert parts["application/ics"].get_filename() == "invite.ics"
    assert parts["application/ics"].get_payload(decode=True).decode() == ics


def test_a_row_is_claimed_once(mailoutbox):
    message = MessageFactory()
    assert message_claim(message_id=message.pk) is not None
    assert message_claim(message_id=message.pk) is None  # leased to the first
    assert message_deliver(message_id=message.pk) == "not claimed"
    assert mailoutbox == [] and state(message) == ("sending", 1)


def test_a_row_is_not_claimed_before_it_is_due_after_it_expired_or_once_sent():
    now = timezone.now()
    later = MessageFactory(send_after=now + datetime.timedelta(hours=1))
    expired = MessageFactory(expires_at=now - datetime.timedelta(seconds=1))
    sent = MessageFactory(state="sent")
    for message in (later, expired, sent):
        assert message_claim(message_id=message.pk, now=now) is None


def test_a_worker_that_died_between_claim_and_send_loses_its_lease():
    message = MessageFactory()
    now = timezone.now()
    claimed = message_claim(message_id=message.pk, now=now)  # ... and the worker dies here
    assert claimed.claimed_until == now + LEASE
    assert message_claim(message_id=message.pk, now=now + LEASE) is None  # still its lease
    again = message_claim(message_id=message.pk, now=now + LEASE + datetime.timedelta(seconds=1))
    assert again.attempts == 2 and again.message_id_header == message.message_id_header


def test_a_temporary_error_gives_the_row_back_with_a_doubling_delay(smtp_down, mailoutbox):
    message = MessageFactory()
    smtp_down += [smtplib.SMTPServerDisconnected("gone"), TimeoutError("timed out")]
    before = timezone.now()
    assert message_deliver(message_id=message.pk) == "pending"
    message.refresh_from_db()
    assert (message.state, message.attempts, message.claimed_until) == ("pending", 1, None)
    assert message.last_error == "SMTPServerDisconnected: gone"
    minute = datetime.timedelta(minutes=1)
    assert before + minute <= message.send_after <= timezone.now() + minute

    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())  # the delay has passed
    before = timezone.now()
    assert message_deliver(message_id=message.pk) == "pending"
    message.refresh_from_db()
    assert message.attempts == 2 and message.send_after >= before + datetime.timedelta(minutes=2)

    Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
    assert message_deliver(message_id=message.pk) == "sent"
    assert len(mailoutbox) == 1


def test_after_the_last_attempt_the_row_fails(smtp_down):
    message = MessageFactory(attempts=MAX_ATTEMPTS - 1)
    smtp_down.append(ConnectionRefusedError("mail server down"))
    assert message_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert message.last_error == "ConnectionRefusedError: mail server down"


def test_the_backoff_stops_growing_at_an_hour():
    message = MessageFactory(state="sending", attempts=MAX_ATTEMPTS - 1)
    now = timezone.now()
    assert message_retry_later(message=message, error="x", now=now) == "pending"
    assert Message.objects.get(pk=message.pk).send_after == now + datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"gone@northwind.example": (550, b"No such user")}),
        smtplib.SMTPDataError(554, b"Message rejected"),
        ValueError("a bug"),
    ],
)
def test_an_error_that_waiting_will_not_fix_fails_the_row_at_once(smtp_down, error):
    message = MessageFactory()
    smtp_down.append(error)
    assert message_deliver(message_id=message.pk) == "failed"
    assert state(message) == ("failed", 1)


def test_a_database_error_while_claiming_is_retried_by_the_task(monkeypatch, mailoutbox):
    message = MessageFactory()
    original, calls = services.message_claim, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(**kwargs)

    monkeypatch.setattr(services, "message_claim", flaky)
    # apply(throw=False) runs the retry at once, as a worker would after the backoff
    assert deliver_message.apply(kwargs={"message_id": message.pk}, throw=False).get() == "sent"
    assert len(calls) == 2 and len(mailoutbox) == 1 and state(message) == ("sent", 1)


def test_a_database_error_after_the_mail_left_only_retries_marking_it_sent(monkeypatch, mailoutbox):
    message = MessageFactory()
    original, calls = services.message_mark_sent, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database restarted")
        return original(**kwargs)

    monkeypatch.setattr(services, "message_mark_sent", flaky)
    assert deliver_message.apply(kwargs={"message_id": message.pk}, throw=False).get() == "sent"
    assert len(calls) == 2
    assert len(mailoutbox) == 1 and state(message) == ("sent", 1)  # sent once, recorded once
