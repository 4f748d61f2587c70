"""Two workers and two beat sweepers at once, over the same waiting messages: every message goes out exactly once."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.notifications.services import message_deliver, outbox_sweep
from tests.conftest import run_together, wait_for
from tests.factories import MessageFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_and_two_sweepers_at_once_send_every_message_exactly_once(celery_worker, mailoutbox):
    """With REDIS_URL the sweepers ring the real worker as well; without it they deliver inline, in their threads."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race is meaningful on PostgreSQL")
    waiting_since = timezone.now() - datetime.timedelta(minutes=2)  # their doorbells were lost
    messages = MessageFactory.create_batch(40, created_at=waiting_since, send_after=waiting_since)
    ids = [m.pk for m in messages]

    def worker(order):
        return lambda: [message_deliver(message_id=pk) for pk in order]

    run_together([outbox_sweep, outbox_sweep, worker(ids), worker(ids[::-1])])
    assert wait_for(lambda: Message.objects.filter(state="sent").count() == 40, timeout=60)
    sent = [m.extra_headers["Message-ID"] for m in mailoutbox]
    assert sorted(sent) == sorted(m.message_id_header for m in messages)  # each once
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
