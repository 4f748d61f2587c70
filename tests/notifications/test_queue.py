"""Queueing: a message is rendered and written in the caller's transaction, rung for after commit, keyed once."""

import pytest
from django.db import transaction

from mentoring.notifications.models import Message
from mentoring.notifications.services import (
    CalendarPart,
    message_draft,
    messages_cancel,
    messages_muted,
    messages_queue,
)
from tests.factories import UserFactory
from tests.notifications.conftest import WHEN, note

pytestmark = pytest.mark.django_db


def test_a_message_is_rendered_from_its_templates_with_a_message_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = note()
    message.refresh_from_db()
    assert (message.kind, message.channel, message.state) == ("test_note", "email", "pending")
    assert message.address == "ana@northwind.example"
    assert message.subject == "[Twoway] Note for Ana"
    assert message.body == "Hello Ana, we meet at 15:00 UTC.\n"
    assert message.html == "<p>Hello Ana, we meet at 15:00 UTC.</p>\n"
    assert message.message_id_header.startswith("<") and message.message_id_header.endswith("@localhost>")
    assert message.attempts == 0 and message.sent_at is None


def test_times_are_written_in_the_time_zone_the_caller_passes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        new_york = note(timezone="America/New_York")
        unknown = note(timezone="Mars/Olympus")  # a zone nobody knows: the server's
    assert "10:00 EST" in new_york.body and "10:00 EST" in new_york.html
    assert "15:00 UTC" in unknown.body


def test_the_row_is_written_in_the_callers_transaction_and_rolls_back_with_it(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as doorbells,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        note()
        raise RuntimeError("the change that caused it failed")
    assert not Message.objects.exists() and doorbells == []


def test_the_doorbell_rings_only_once_the_transaction_commits(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as doorbells:
        note()
    assert len(doorbells) == 1 and mailoutbox == []
    doorbells[0]()
    assert [m.subject for m in mailoutbox] == ["[Twoway] Note for Ana"]
    assert Message.objects.get().state == "sent"


def test_a_key_writes_one_message_however_often_it_is_queued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as doorbells:
        first = note(key="test_note:1")
        assert note(key="test_note:1") is None
        assert note(key="test_note:2") is not None
    assert Message.objects.filter(key="test_note:1").get() == first
    assert len(doorbells) == 2


def test_nothing_is_written_while_muted():
    with messages_muted():
        assert note() is None
        assert messages_queue([message_draft(kind="test_note", to="a@northwind.example", context={})]) == []
    assert not Message.objects.exists()


def test_the_recipient_and_a_calendar_part_are_kept():
    ana = UserFactory()
    calendar = CalendarPart(method="REQUEST", ics="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    message = note(to=ana.email, recipient=ana, calendar=calendar)
    message.refresh_from_db()
    assert message.recipient == ana
    assert (message.calendar_method, message.calendar) == ("REQUEST", calendar.ics)


def test_queueing_many_messages_costs_two_queries_whatever_their_number(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    for count in (3, 30):  # SQLite splits an insert past 999 parameters (37 messages): stay below it
        drafts = [
            message_draft(kind="test_note", to=f"p{i}@northwind.example", context={"name": "P", "when": WHEN})
            for i in range(count)
        ]
        # the insert, reading back which rows are new
        with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(2):
            assert len(messages_queue(drafts)) == count


def test_cancelling_stops_only_messages_still_waiting():
    waiting = note(key="assessment_open:7:1")
    other = note(key="assessment_open:70:1")
    sending = note(key="assessment_open:7:2")
    Message.objects.filter(pk=sending.pk).update(state="sending")
    assert messages_cancel(key_prefix="assessment_open:7:") == 1
    assert dict(Message.objects.values_list("pk", "state")) == {
        waiting.pk: "cancelled",
        other.pk: "pending",
        sending.pk: "sending",
    }
    assert messages_cancel(keys=["assessment_open:70:1"]) == 1
