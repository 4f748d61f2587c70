"""The database fails for a moment while a worker sends a message: the task is retried and the message goes out
exactly once, whether the error came before it left (claiming) or after (recording it sent)."""

import pytest
from django.db import OperationalError

from mentoring.notifications import services
from mentoring.notifications.models import Message
from mentoring.notifications.tasks import deliver_message
from tests.conftest import wait_for
from tests.factories import MessageFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", ["message_claim", "message_mark_sent"])
def test_a_database_error_during_a_send_is_retried_and_sends_once(step, real_worker, monkeypatch, mailoutbox):
    message = MessageFactory()
    original, calls = getattr(services, step), []

    def fails_once(**kwargs):
        if kwargs["message_id"] == message.pk:  # the worker may still be ringing for earlier tests' rows
            calls.append(1)
            if len(calls) == 1:
                raise OperationalError("terminating connection due to administrator command")
        return original(**kwargs)

    monkeypatch.setattr(services, step, fails_once)
    deliver_message.delay(message_id=message.pk)
    assert wait_for(lambda: Message.objects.get(pk=message.pk).state == "sent", timeout=30)
    assert len(calls) == 2
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [message.message_id_header]
