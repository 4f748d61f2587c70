"""Reminders before sessions at the cohort's lead times, sent exactly once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from mentoring.notifications.models import Message
from sessions_log.reminders import due_lead_hours, reminders_queue_due
from sessions_log.tasks import send_due_reminders
from tests.conftest import wait_for
from tests.factories import SessionFactory
from tests.sessions_log.conftest import BASE_URL

pytestmark = pytest.mark.django_db

START = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (START - datetime.timedelta(hours=30), None),  # before any reminder
        (START - datetime.timedelta(hours=24), 24),  # the day-before reminder's moment
        (START - datetime.timedelta(hours=5), 24),  # a late day-before reminder still goes out
        (START - datetime.timedelta(minutes=59), 1),  # within the hour: only the 1-hour one
        (START, None),  # started: nothing
    ],
)
def test_the_reminder_due_is_the_smallest_lead_time_whose_moment_has_come(now, due):
    assert due_lead_hours(start=START, now=now, lead_hours=[24, 1]) == due


def reminders():
    return Message.objects.filter(channel="email", kind="session_reminder")


def lead_hours_queued() -> set[int]:
    """The lead time is the last part of a reminder's key: session_reminder:<session>:<user>:<sequence>:<lead>."""
    return {int(key.rsplit(":", 1)[1]) for key in reminders().values_list("key", flat=True)}


def test_both_partners_get_one_reminder_per_lead_time(pair, django_capture_on_commit_callbacks):
    session = SessionFactory(partnership=pair, start=timezone.now() + datetime.timedelta(hours=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due(base_url=BASE_URL) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pair.member_a.email, pair.member_b.email])
    message = mail.outbox[0]
    assert message.subject.startswith("[Twoway] Reminder: session with")
    assert f"/sessions/{session.pk}/" in message.body

    # The beat runs again a few minutes later: nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due(base_url=BASE_URL) == 0
    assert len(mail.outbox) == 2
    assert lead_hours_queued() == {24}

    # Within the last hour the 1-hour reminder follows.
    later = session.start - datetime.timedelta(minutes=50)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due(base_url=BASE_URL, now=later) == 2
    assert len(mail.outbox) == 4


def test_reminders_follow_the_cohorts_lead_times(pair, django_capture_on_commit_callbacks):
    pair.cohort.reminder_lead_hours = [48]
    pair.cohort.save(update_fields=["reminder_lead_hours"])
    SessionFactory(partnership=pair, start=timezone.now() + datetime.timedelta(hours=40))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_queue_due(base_url=BASE_URL)
    assert lead_hours_queued() == {48}


@pytest.mark.parametrize("status", ["proposed", "cancelled", "declined"])
def test_sessions_not_confirmed_get_no_reminder(pair, status, django_capture_on_commit_callbacks):
    SessionFactory(partnership=pair, status=status, start=timezone.now() + datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due(base_url=BASE_URL) == 0
    assert mail.outbox == []


def test_ended_partnerships_get_no_reminder(pair, django_capture_on_commit_callbacks):
    SessionFactory(partnership=pair, start=timezone.now() + datetime.timedelta(hours=2))
    pair.status, pair.ended_at = "ended", timezone.now()
    pair.save(update_fields=["status", "ended_at"])
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due(base_url=BASE_URL) == 0


def test_a_rescheduled_session_is_reminded_of_again(pair, django_capture_on_commit_callbacks):
    session = SessionFactory(partnership=pair, start=timezone.now() + datetime.timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_queue_due(base_url=BASE_URL)
    session.start += datetime.timedelta(hours=1)
    session.end += datetime.timedelta(hours=1)
    session.sequence += 1
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue_due(base_url=BASE_URL) == 2
    assert len(mail.outbox) == 4


def test_beat_schedules_the_reminder_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["session-reminders"]
    assert entry["task"] == send_due_reminders.name
    assert entry["schedule"] <= 15 * 60


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_reminders_are_sent_by_the_worker(pair, celery_worker, settings):
    settings.SITE_URL = "https://twoway.northwind.example"
    SessionFactory(partnership=pair, start=timezone.now() + datetime.timedelta(hours=1, minutes=-5))
    send_due_reminders.delay()
    assert wait_for(lambda: len(mail.outbox) == 2, timeout=30)
    assert "https://twoway.northwind.example/sessions/" in mail.outbox[0].body
    assert wait_for(lambda: not reminders().exclude(state="sent").exists())


def test_finding_due_reminders_costs_the_same_queries_for_ten_times_the_sessions(django_assert_num_queries):
    from tests.factories import PartnershipFactory

    def due_sessions(count):
        for _ in range(count):
            SessionFactory(partnership=PartnershipFactory(), start=timezone.now() + datetime.timedelta(hours=2))

    due_sessions(1)
    # savepoint, sessions due (with their cohorts and partners), their halves, reminders already queued, the
    # partners' notification choices, the insert (e-mails and in-app entries), reading back which rows are new, release
    with django_assert_num_queries(8):
        reminders_queue_due(base_url=BASE_URL)
    Message.objects.all().delete()  # e-mails and in-app entries
    # 9 sessions: 18 e-mails and 18 entries. SQLite splits an insert past 999 parameters (38 rows): stay below it.
    due_sessions(8)
    with django_assert_num_queries(8):
        assert reminders_queue_due(base_url=BASE_URL) == 18
