"""Check-in reminders: a day and three days after a held session, each on its own day, then no more; only while the
cohort's check-in window is open and the person has not filled it."""

import zoneinfo

import pytest
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.nudges.selectors import nudge_key
from tests.factories import CheckInFactory
from tests.nudges.helpers import DAY, MINUTE, held_session, keys, moment, recipients, sweep

pytestmark = pytest.mark.django_db


def test_no_reminder_the_minute_before_the_first_day():
    now = moment()
    held_session(end=now - DAY + MINUTE)
    assert sweep(now)["checkin_due"] == 0
    assert keys("checkin_due") == []


def test_both_partners_are_reminded_on_the_first_day_once_each():
    now = moment()
    session = held_session(end=now - DAY)
    pair = session.partnership
    assert sweep(now)["checkin_due"] == 2
    assert keys("checkin_due") == sorted(
        [
            nudge_key("checkin_due", session.pk, pair.member_a_id, 1),
            nudge_key("checkin_due", session.pk, pair.member_b_id, 1),
        ]
    )


def test_nothing_new_on_the_second_day_then_the_last_reminder_on_the_third():
    now = moment()
    session = held_session(end=now - DAY)
    sweep(now)
    assert sweep(now + DAY)["checkin_due"] == 0
    assert sweep(now + 2 * DAY)["checkin_due"] == 2
    assert {key.rsplit(":", 1)[1] for key in keys("checkin_due")} == {"1", "2"}
    assert session.pk  # the session the keys name


def test_after_the_third_day_no_more_reminders():
    now = moment()
    held_session(end=now - DAY)
    for day in range(0, 10):
        sweep(now + day * DAY)
    assert len(keys("checkin_due")) == 4  # two people, two reminders each
    assert sweep(now + 4 * DAY)["checkin_due"] == 0


def test_a_reminder_whose_day_passed_is_not_sent_late():
    now = moment()
    held_session(end=now - DAY - DAY - MINUTE)  # its first day ended a minute ago; the second is a day away
    assert sweep(now)["checkin_due"] == 0


def test_whoever_filled_the_check_in_is_not_reminded():
    now = moment()
    session = held_session(end=now - DAY)
    CheckInFactory(session=session, author=session.partnership.member_a)
    sweep(now)
    assert recipients("checkin_due") == [session.partnership.member_b_id]


def test_a_check_in_window_shorter_than_three_days_gets_only_the_first_reminder():
    now = moment()
    session = held_session(end=now - DAY)
    cohort = session.partnership.cohort
    cohort.checkin_due_days = 2
    cohort.save(update_fields=["checkin_due_days"])
    assert sweep(now)["checkin_due"] == 2
    assert sweep(now + 2 * DAY)["checkin_due"] == 0


def test_the_reminder_links_to_the_check_in_page_in_the_recipients_time_zone():
    now = moment()
    session = held_session(end=now - DAY)
    member = session.partnership.member_a
    member.timezone = "Asia/Tokyo"
    member.save(update_fields=["timezone"])
    sweep(now)
    message = Message.objects.filter(channel="email").get(kind="checkin_due", recipient=member)
    assert f"https://twoway.example/sessions/{session.pk}/check-in/" in message.body
    assert f'href="https://twoway.example/sessions/{session.pk}/check-in/"' in message.html
    day = timezone.localtime(session.start, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"{day:%A} {day.day} {day:%B}" in message.body


def test_the_first_reminder_says_another_follows_only_when_the_window_allows_it():
    now = moment()
    session = held_session(end=now - DAY)
    other = held_session(end=now - DAY)
    other.partnership.cohort.__class__.objects.filter(pk=other.partnership.cohort_id).update(checkin_due_days=1)
    sweep(now)
    to_first = Message.objects.filter(channel="email").get(kind="checkin_due", recipient=session.partnership.member_a)
    to_other = Message.objects.filter(channel="email").get(kind="checkin_due", recipient=other.partnership.member_a)
    assert "One more reminder follows in two days" in to_first.html
    assert "This is the last reminder" in to_other.html and "(last reminder)" in to_other.subject
