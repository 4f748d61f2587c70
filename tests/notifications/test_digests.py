"""Program admins' weekly digest: once per admin and ISO week, sections from the apps, zero states said."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from mentoring.notifications import digests
from mentoring.notifications.models import Message, NotificationPreference
from tests.factories import (
    AssessmentFactory,
    CheckInFactory,
    EnrollmentFactory,
    FailedMessageFactory,
    LeaderFactory,
    ProgramAdminFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _digests():
    return Message.objects.filter(kind="admin_weekly_digest", channel="email")


def test_every_program_admin_gets_one_digest_a_week(django_capture_on_commit_callbacks):
    hana, hugo = ProgramAdminFactory(), ProgramAdminFactory()
    UserFactory(), LeaderFactory()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False):
        assert digests.admin_weekly_digests_queue(now=now) == 2
        assert digests.admin_weekly_digests_queue(now=now + datetime.timedelta(hours=1)) == 0  # a second beat
    year, week, _ = timezone.localtime(now).isocalendar()
    assert sorted(_digests().values_list("key", flat=True)) == sorted(
        f"admin_weekly_digest:{admin.pk}:{year}-W{week:02d}" for admin in (hana, hugo)
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert digests.admin_weekly_digests_queue(now=now + datetime.timedelta(days=7)) == 2  # next week


def test_an_empty_week_says_so_in_every_section(django_capture_on_commit_callbacks):
    ProgramAdminFactory()
    with django_capture_on_commit_callbacks(execute=False):
        digests.admin_weekly_digests_queue()
    body = _digests().get().body
    for words in (
        "New enrollments (0)",
        "Nobody enrolled this week.",
        "No open survey closes in the next 7 days.",
        "Nobody asked to be contacted this week.",
        "None: every message went out.",
    ):
        assert words in body


def test_the_sections_tell_the_weeks_news(django_capture_on_commit_callbacks):
    ProgramAdminFactory()
    enrollment = EnrollmentFactory()
    EnrollmentFactory(cohort=enrollment.cohort)
    earlier = EnrollmentFactory(applied_at=timezone.now() - datetime.timedelta(days=10))  # an earlier week
    survey = AssessmentFactory(closes_on=timezone.localdate() + datetime.timedelta(days=3))
    AssessmentFactory(closes_on=timezone.localdate() + datetime.timedelta(days=12))  # closes later
    checkin = CheckInFactory(contact_requested=True)
    CheckInFactory(contact_requested=False)
    FailedMessageFactory(address="lost@northwind.example", last_error="SMTP 550 no such user")
    with django_capture_on_commit_callbacks(execute=False):
        digests.admin_weekly_digests_queue()
    body = _digests().get().body
    cohort = enrollment.cohort
    assert f"{cohort.program.name}, {cohort.name}: 2 new enrollments" in body
    assert f"{earlier.cohort.program.name}, {earlier.cohort.name}:" not in body
    assert "Surveys closing within 7 days (1)" in body
    assert f"{survey.cohort.program.name}, {survey.cohort.name}: Mid-point survey closes" in body
    assert f"{checkin.author.display_name} (" in body and "asking the program team for contact (1)" in body
    assert "lost@northwind.example: SMTP 550 no such user" in body


def test_a_program_admin_who_turned_it_off_gets_no_email(django_capture_on_commit_callbacks, mailoutbox):
    hana = ProgramAdminFactory()
    NotificationPreference.objects.create(user=hana, kind="admin_weekly_digest", delivery="off")
    with django_capture_on_commit_callbacks(execute=True):
        digests.admin_weekly_digests_queue()
    assert mailoutbox == [] and _digests().get().state == "cancelled"


def test_the_digest_can_be_turned_off_from_its_own_email(django_capture_on_commit_callbacks):
    ProgramAdminFactory()
    with django_capture_on_commit_callbacks(execute=False):
        digests.admin_weekly_digests_queue()
    digest = _digests().get()
    assert "/notifications/unsubscribe/" in digest.headers["List-Unsubscribe"]


def test_the_beat_runs_it_on_monday_at_06_00():
    entry = django_settings.CELERY_BEAT_SCHEDULE["admin-weekly-digest"]
    assert entry["task"] == "mentoring.notifications.tasks.send_admin_weekly_digests"
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({6}, {0}, {1})
    nudges = django_settings.CELERY_BEAT_SCHEDULE["nudge-digests"]
    assert nudges["task"] == "mentoring.notifications.tasks.send_nudge_digests"


def test_a_section_registered_again_replaces_the_earlier_one():
    before = len(digests._sections)
    digests.register_section("new_enrollments", lambda since, until: digests.Section("x"), order=10)
    try:
        assert len(digests._sections) == before
    finally:
        from mentoring.home import digests as home_digests

        digests.register_section("new_enrollments", home_digests.new_enrollments, order=10)


def test_the_digest_counts_the_pairs_at_risk_per_cohort(django_capture_on_commit_callbacks):
    from tests.factories import ActiveCohortFactory, PartnershipFactory
    from tests.followup.conftest import days_ago

    ProgramAdminFactory()
    cohort = ActiveCohortFactory(cadence="weekly")
    now = timezone.now()
    for _ in range(2):  # nothing held or planned in 20 days of a weekly cadence
        PartnershipFactory(
            cohort=cohort,
            member_a=UserFactory(last_login=now),
            member_b=UserFactory(last_login=now),
            started_at=days_ago(20),
        )
    with django_capture_on_commit_callbacks(execute=False):
        digests.admin_weekly_digests_queue()
    body = _digests().get().body
    assert "Pairs at risk (2)" in body and f"{cohort.program.name}, {cohort.name}: 2 at risk" in body
    assert f"/followup/cohorts/{cohort.pk}/at-risk/" in body


def test_a_week_without_pairs_at_risk_says_so(django_capture_on_commit_callbacks):
    ProgramAdminFactory()
    with django_capture_on_commit_callbacks(execute=False):
        digests.admin_weekly_digests_queue()
    assert "No pair is at risk." in _digests().get().body
