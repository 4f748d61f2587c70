"""Profile reminders: written to the outbox in the admin's request, keyed so each enrollment gets at most one a day."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from mentoring.notifications.models import Message
from mentoring.programs import services
from mentoring.programs.models import Enrollment
from tests.conftest import run_together, wait_for
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    OfferedSkillFactory,
    ProgramAdminFactory,
    SkillProfileFactory,
    UserFactory,
    WantedSkillFactory,
)

BASE = "http://testserver"


def remind(enrollment_id: int, today: datetime.date | None = None) -> int:
    return services.profile_reminders_request(enrollment_ids=[enrollment_id], base_url=BASE, today=today)


@pytest.mark.django_db
def test_the_reminder_lists_what_is_missing(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory(cohort__name="Spring 2027")
    SkillProfileFactory(user=enrollment.user, bio="")
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(enrollment.pk) == 1
    message = mail.outbox[0]
    assert "Spring 2027" in message.subject
    assert "- short bio" in message.body and f"{BASE}/me/profile/edit/" in message.body
    assert "<li>short bio</li>" in message.alternatives[0][0]


@pytest.mark.django_db
def test_a_second_reminder_the_same_day_is_not_sent_but_the_next_day_is(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory()
    today = datetime.date(2027, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(enrollment.pk, today) == 1
        assert remind(enrollment.pk, today) == 0
        assert remind(enrollment.pk, today + datetime.timedelta(days=1)) == 1
    assert len(mail.outbox) == 2
    assert Enrollment.objects.get(pk=enrollment.pk).profile_reminder_sent_on == today + datetime.timedelta(days=1)


@pytest.mark.django_db
def test_no_reminder_for_a_complete_profile_or_a_finished_enrollment(django_capture_on_commit_callbacks):
    complete = EnrollmentFactory()
    SkillProfileFactory(user=complete.user)
    OfferedSkillFactory(user=complete.user)
    WantedSkillFactory(user=complete.user)
    withdrawn = EnrollmentFactory(status="withdrawn")
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(complete.pk) == 0
        assert remind(withdrawn.pk) == 0
        assert remind(987654) == 0
    assert not mail.outbox and not Message.objects.exists()
    assert Enrollment.objects.get(pk=complete.pk).profile_reminder_sent_on is None


@pytest.mark.django_db(transaction=True)
def test_racing_reminders_send_exactly_one_email():
    """Four admins reminding the same person at once: the message key lets only one through."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the race is meaningful on PostgreSQL")
    enrollment = EnrollmentFactory()
    results, refusals = run_together([lambda: remind(enrollment.pk)] * 4)
    assert not refusals
    assert sorted(results) == [0, 0, 0, 1]
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert Message.objects.filter(channel="email").count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_remind_button_sends_through_the_celery_worker(client, celery_worker):
    """With REDIS_URL set this goes through Redis and a real worker; without it, Celery runs eagerly."""
    admin = ProgramAdminFactory()
    enrollment = EnrollmentFactory(user=UserFactory(email="remind.me@northwind.example"), cohort=CohortFactory())
    client.force_login(admin)
    url = reverse("programs:enrollment_action", args=[enrollment.pk, "remind"])
    assert client.post(url).status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).profile_reminder_sent_on is not None  # in the request
    assert wait_for(lambda: len(mail.outbox) == 1, timeout=30)
    assert mail.outbox[0].to == ["remind.me@northwind.example"]
