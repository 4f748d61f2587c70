"""The beat sweeper rings again for what should be moving: rows whose doorbell was lost, retries that are due and
leases whose worker died. It leaves fresh rows to their own doorbell and never rings for finished ones."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.notifications.services import LEASE, MAX_ATTEMPTS, message_claim, outbox_sweep
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def states() -> dict[str, str]:
    return dict(Message.objects.values_list("address", "state"))


def sweep(capture, **kwargs) -> int:
    """What beat's task does; its doorbells ring at once (the task runs outside a transaction)."""
    with capture(execute=True):
        return outbox_sweep(**kwargs)


def test_the_sweeper_sends_rows_whose_doorbell_was_lost(mailoutbox, django_capture_on_commit_callbacks):
    now = timezone.now()
    MessageFactory(address="lost@northwind.example", created_at=now - 2 * MINUTE, send_after=now - 2 * MINUTE)
    MessageFactory(address="fresh@northwind.example", created_at=now, send_after=now)  # its doorbell is on its way
    MessageFactory(address="later@northwind.example", created_at=now - 2 * MINUTE, send_after=now + MINUTE)
    for finished in ("sent", "failed", "cancelled"):
        MessageFactory(address=f"{finished}@northwind.example", state=finished, created_at=now - 2 * MINUTE)
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mailoutbox] == [["lost@northwind.example"]]
    assert states()["fresh@northwind.example"] == states()["later@northwind.example"] == "pending"


def test_the_sweeper_resends_a_row_whose_worker_died_once_its_lease_ended(
    mailoutbox, django_capture_on_commit_callbacks
):
    message = MessageFactory(created_at=timezone.now() - MINUTE)
    message_claim(message_id=message.pk)  # the worker dies before sending
    assert sweep(django_capture_on_commit_callbacks) == 0  # still leased
    # The lease runs out (the test moves its end instead of waiting three minutes).
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert sweep(django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].extra_headers["Message-ID"] == message.message_id_header
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)


def test_a_row_whose_worker_died_on_its_last_attempt_fails():
    now = timezone.now()
    message = MessageFactory(state="sending", attempts=MAX_ATTEMPTS, claimed_until=now - MINUTE)
    assert outbox_sweep(now=now) == 0
    message.refresh_from_db()
    assert message.state == "failed" and "stopped while sending" in message.last_error


def test_a_row_that_expired_before_it_could_go_is_cancelled(mailoutbox):
    now = timezone.now()
    MessageFactory(created_at=now - LEASE, expires_at=now - MINUTE)
    assert outbox_sweep(now=now) == 0
    assert list(states().values()) == ["cancelled"] and mailoutbox == []


def test_beat_runs_the_sweeper_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweeper"]
    assert entry == {"task": "mentoring.notifications.tasks.sweep_outbox", "schedule": 60.0}
