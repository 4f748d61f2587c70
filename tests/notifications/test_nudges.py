"""Nudges wait out their recipient's night, and at most NUDGE_EMAILS_PER_DAY of them are e-mailed a day: the rest
fold into one digest the next morning."""

import datetime
import zoneinfo

import pytest

from mentoring.notifications.digests import nudge_digests_queue
from mentoring.notifications.models import Message, NudgeDay
from mentoring.notifications.services import message_deliver, message_queue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_hours(settings):
    settings.NUDGE_QUIET_HOURS = True  # the project's; the rest of the suite turns them off


BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def _reminder(user, *, at, number=1, kind="profile_reminder"):
    context = {
        "user": user,
        "cohort": {"name": f"Cohort {number}"},
        "completeness": {"percent": 50},
        "link": f"http://x/me/{number}/",
    }
    if kind == "waitlist_promoted":
        context = {"user": user, "cohort": {"name": f"Cohort {number}"}, "link": "http://x/p/1/"}
    return message_queue(
        kind=kind,
        to=user.email,
        recipient=user,
        timezone=user.timezone,
        context=context,
        send_after=at,
        key=f"{kind}:{user.pk}:{number}",
    )


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime.datetime(2030, 1, 15, 21, 30, tzinfo=BERLIN), datetime.datetime(2030, 1, 16, 8, 0, tzinfo=BERLIN)),
        (datetime.datetime(2030, 1, 16, 3, 0, tzinfo=BERLIN), datetime.datetime(2030, 1, 16, 8, 0, tzinfo=BERLIN)),
        (datetime.datetime(2030, 1, 15, 20, 0, tzinfo=BERLIN), datetime.datetime(2030, 1, 16, 8, 0, tzinfo=BERLIN)),
        (datetime.datetime(2030, 1, 15, 19, 59, tzinfo=BERLIN), datetime.datetime(2030, 1, 15, 19, 59, tzinfo=BERLIN)),
        (datetime.datetime(2030, 1, 15, 8, 0, tzinfo=BERLIN), datetime.datetime(2030, 1, 15, 8, 0, tzinfo=BERLIN)),
    ],
)
def test_a_nudge_queued_at_night_waits_for_08_00_in_the_recipients_zone(local, expected):
    ana = UserFactory(timezone="Europe/Berlin")
    email = _reminder(ana, at=local)
    assert email.send_after == expected
    assert email.nudge_day == expected.date()
    assert email.digest_after == datetime.datetime.combine(
        expected.date() + datetime.timedelta(days=1), datetime.time(8), tzinfo=BERLIN
    )


def test_night_is_the_recipients_own(django_capture_on_commit_callbacks):
    # 13:00 UTC is 14:00 in Berlin (day) and 22:00 in Tokyo (night)
    moment = datetime.datetime(2030, 1, 15, 13, 0, tzinfo=datetime.UTC)
    berlin, tokyo = UserFactory(timezone="Europe/Berlin"), UserFactory(timezone="Asia/Tokyo")
    assert _reminder(berlin, at=moment).send_after == moment
    assert _reminder(tokyo, at=moment).send_after == datetime.datetime(2030, 1, 16, 8, 0, tzinfo=TOKYO)


def test_a_message_that_is_not_a_nudge_goes_at_once_even_at_night():
    ana = UserFactory(timezone="Europe/Berlin")
    night = datetime.datetime(2030, 1, 15, 23, 0, tzinfo=BERLIN)
    email = _reminder(ana, at=night, kind="waitlist_promoted")
    assert email.send_after == night and email.nudge_day is None


def _yesterday_at(hour, zone=BERLIN):
    day = datetime.datetime.now(zone).date() - datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone)


def test_beyond_the_cap_nudges_fold_and_are_not_sent(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.NUDGE_EMAILS_PER_DAY = 3
    ana = UserFactory(timezone="Europe/Berlin")
    with django_capture_on_commit_callbacks(execute=False):
        emails = [_reminder(ana, at=_yesterday_at(9 + number), number=number) for number in range(5)]
    results = [message_deliver(message_id=email.pk) for email in emails]
    assert results == ["sent", "sent", "sent", "folded", "folded"]
    assert len(mailoutbox) == 3
    assert NudgeDay.objects.get(user=ana).sent == 3
    # every one of them is under Notifications
    assert Message.objects.filter(recipient=ana, channel="in_app").count() == 5


def test_the_cap_counts_per_person_and_per_their_day(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.NUDGE_EMAILS_PER_DAY = 1
    ana, ben = UserFactory(timezone="Europe/Berlin"), UserFactory(timezone="Europe/Berlin")
    with django_capture_on_commit_callbacks(execute=False):
        emails = [
            _reminder(ana, at=_yesterday_at(10), number=1),
            _reminder(ben, at=_yesterday_at(10), number=1),
            _reminder(ana, at=_yesterday_at(10) - datetime.timedelta(days=1), number=2),  # the day before
            _reminder(ana, at=_yesterday_at(11), number=3),
        ]
    assert [message_deliver(message_id=email.pk) for email in emails] == ["sent", "sent", "sent", "folded"]


def test_a_retry_does_not_take_a_second_place(settings, django_capture_on_commit_callbacks):
    settings.NUDGE_EMAILS_PER_DAY = 1
    ana = UserFactory(timezone="Europe/Berlin")
    with django_capture_on_commit_callbacks(execute=False):
        email = _reminder(ana, at=_yesterday_at(10))
    Message.objects.filter(pk=email.pk).update(attempts=1)  # its first attempt failed for a while
    NudgeDay.objects.create(user=ana, day=email.nudge_day, sent=1)  # and had taken the place
    assert message_deliver(message_id=email.pk) == "sent"


def test_the_folded_nudges_come_in_one_digest_the_next_morning(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NUDGE_EMAILS_PER_DAY = 1
    ana = UserFactory(timezone="Europe/Berlin")
    with django_capture_on_commit_callbacks(execute=False):
        emails = [_reminder(ana, at=_yesterday_at(9 + number), number=number) for number in range(3)]
    for email in emails:
        message_deliver(message_id=email.pk)
    folded = Message.objects.filter(state="folded")
    morning = folded.first().digest_after
    assert nudge_digests_queue(now=morning - datetime.timedelta(minutes=1)) == 0  # not before 08:00 her time
    with django_capture_on_commit_callbacks(execute=True):
        assert nudge_digests_queue(now=morning) == 1
        assert nudge_digests_queue(now=morning) == 0  # a second beat: nothing more
    digest = Message.objects.get(kind="nudge_digest", channel="email")
    assert digest.key == f"nudge_digest:{ana.pk}:{emails[0].nudge_day.isoformat()}"
    assert set(folded.values_list("digest", flat=True)) == {digest.pk}
    assert "Cohort 1" in digest.body and "Cohort 2" in digest.body and "Cohort 0" not in digest.body
    assert digest.subject.startswith("[Twoway] 2 more reminders from")
    assert [m.subject for m in mailoutbox][-1] == digest.subject
    # the digest is not itself an entry: its entries are there already
    assert not Message.objects.filter(kind="nudge_digest", channel="in_app").exists()


def test_two_beats_at_once_write_one_digest(settings, django_capture_on_commit_callbacks):
    settings.NUDGE_EMAILS_PER_DAY = 0
    ana = UserFactory(timezone="Europe/Berlin")
    with django_capture_on_commit_callbacks(execute=False):
        email = _reminder(ana, at=_yesterday_at(10))
        message_deliver(message_id=email.pk)
        # the second beat read the folded rows before the first linked them: both queue, the key keeps one
        Message.objects.filter(pk=email.pk).update(digest=None)
        nudge_digests_queue(now=email.digest_after + datetime.timedelta(hours=1))
        Message.objects.filter(pk=email.pk).update(digest=None)
        nudge_digests_queue(now=email.digest_after + datetime.timedelta(hours=1))
    assert Message.objects.filter(kind="nudge_digest").count() == 1


def test_in_app_only_nudges_are_never_capped(settings, django_capture_on_commit_callbacks):
    from mentoring.notifications.models import NotificationPreference

    settings.NUDGE_EMAILS_PER_DAY = 0
    ana = UserFactory(timezone="Europe/Berlin")
    NotificationPreference.objects.create(user=ana, kind="profile_reminder", delivery="in_app")
    with django_capture_on_commit_callbacks(execute=False):
        email = _reminder(ana, at=_yesterday_at(10))
    assert email.state == "cancelled" and message_deliver(message_id=email.pk) == "not claimed"
    assert not NudgeDay.objects.exists()
