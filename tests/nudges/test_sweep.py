"""The sweep: each nudge written exactly once however often (or however many at once) it runs, nothing lost when a
worker dies mid-send or the broker is down, and a number of queries that does not grow with the data."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.notifications.services import LEASE, SWEEP_AFTER, message_claim, messages_muted, outbox_sweep
from mentoring.nudges import selectors
from mentoring.nudges.services import RULES, nudges_queue
from tests.factories import AssessmentFactory, CohortFactory, EnrollmentFactory, PartnershipFactory, SessionFactory
from tests.faults.conftest import broker_down  # noqa: F401  (the fixture)
from tests.nudges.helpers import BASE, DAY, held_session, moment, sweep

pytestmark = pytest.mark.django_db


def _pairs_with_everything_due(now, count: int) -> None:
    """``count`` pairs, each with a nudge of every partnership rule due at ``now``, a survey closing in two days, and
    an enrolling cohort whose enrollment closes in three days with ``count`` incomplete profiles."""
    for _ in range(count):
        pair = PartnershipFactory(started_at=now - 20 * DAY)
        held_session(end=now - DAY, pair=pair)
        held_session(end=now - 18 * DAY, pair=pair)
        SessionFactory(
            partnership=pair, status="accepted", start=now - 2 * DAY - datetime.timedelta(hours=1), end=now - 2 * DAY
        )
        AssessmentFactory(cohort=pair.cohort, opens_on=now.date() - 5 * DAY, closes_on=now.date() + 2 * DAY)
    enrolling = CohortFactory(enrollment_closes_on=now.date() + 3 * DAY)
    EnrollmentFactory.create_batch(count, cohort=enrolling)


def _kinds_written() -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in Message.objects.filter(channel="email").values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_two_sweeps_one_after_the_other_write_each_nudge_once():
    now = moment()
    _pairs_with_everything_due(now, 2)
    first = sweep(now)
    assert (
        sum(first.values()) == Message.objects.filter(channel="email").count() == 2 * 2 * 5 + 2
    )  # 2 pairs x 2 people x 5 kinds + profiles
    assert sum(sweep(now).values()) == 0
    assert Message.objects.filter(channel="email").count() == 22
    assert len(set(Message.objects.filter(channel="email").values_list("key", flat=True))) == 22


def test_two_sweeps_at_once_write_each_nudge_once():
    """Both sweeps decide before either writes (the race): the outbox's unique key keeps one row of each."""
    now = moment()
    _pairs_with_everything_due(now, 2)
    decided_by_first = [due for _, rule in RULES for due in rule(now)]
    decided_by_second = [due for _, rule in RULES for due in rule(now)]
    assert len(decided_by_first) == len(decided_by_second) == 20
    assert nudges_queue(decided_by_first, base_url=BASE) == 20
    assert nudges_queue(decided_by_second, base_url=BASE) == 0
    assert Message.objects.filter(channel="email").count() == 20


def test_nothing_is_written_while_messages_are_muted():
    now = moment()
    _pairs_with_everything_due(now, 1)
    with messages_muted():
        assert sweep(now) == {}
    assert not Message.objects.filter(channel="email").exists()


def test_a_nudge_whose_worker_died_between_claim_and_send_is_sent_by_the_outbox_sweeper_once(
    django_capture_on_commit_callbacks,
):
    now = moment()
    session = held_session(end=now - DAY)
    sweep(now)  # on-commit doorbells not run: the rows wait, as with a worker that never got them
    claimed = Message.objects.filter(channel="email", kind="checkin_due").order_by("pk").first()
    assert message_claim(message_id=claimed.pk) is not None  # a worker claims it, then is killed before sending
    assert Message.objects.filter(channel="email").get(pk=claimed.pk).state == "sending"
    # Its lease ends (the claim is older than LEASE): the row is the outbox sweeper's again.
    Message.objects.filter(channel="email", pk=claimed.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(now) == dict.fromkeys(dict(sweep(now)), 0)  # the nudge sweep writes nothing again
        outbox_sweep(now=now + LEASE + SWEEP_AFTER + datetime.timedelta(minutes=1))
    assert Message.objects.filter(channel="email").get(pk=claimed.pk).state == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(member.email for member in session.partnership.members)
    assert Message.objects.filter(channel="email", kind="checkin_due").count() == 2


def test_with_the_broker_down_the_sweep_succeeds_and_its_nudges_wait_then_go_once(
    broker_down,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    now = moment()
    held_session(end=now - DAY)
    with broker_down() as attempts, django_capture_on_commit_callbacks(execute=True):
        assert sweep(now)["checkin_due"] == 2
    assert len(attempts) == 2  # each doorbell tried once, and failed
    assert list(Message.objects.filter(channel="email").values_list("state", flat=True)) == ["pending", "pending"]
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep(now=now + SWEEP_AFTER + datetime.timedelta(minutes=1)) == 2
    assert set(Message.objects.filter(channel="email").values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2


def _sweep_queries(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        sweep(now)
    return len(queries)


def test_deciding_every_nudge_costs_the_same_queries_for_one_pair_or_ten():
    # Each of the 7 rules in its savepoint (14); deciding: one query per rule (for unmatched, the runs published
    # lately: none, so no second query) = 7; writing, for the 5 rules due: insert and read back (10); profile
    # reminders: the enrollments, their completeness, insert, read back, their reminded day, in a savepoint (7);
    # the recipients' notification choices, once per rule that writes (6). 14 + 7 + 10 + 7 + 6.
    # Three pairs, not more: each e-mail also writes an in-app entry, and SQLite (999 parameters a statement) splits
    # an insert past about 38 rows; PostgreSQL writes a batch of 500 in one.
    now = moment()
    _pairs_with_everything_due(now, 1)
    small = _sweep_queries(now)
    Message.objects.filter(channel="email").all().delete()
    _pairs_with_everything_due(now, 3)
    large = _sweep_queries(now)
    # The 3 new pairs and their cohort's 3 profiles, and the first pair's nudges again (their rows were deleted);
    # not the first cohort's profile: its enrollment records the day it was reminded.
    assert Message.objects.filter(channel="email").count() == 3 * 2 * 5 + 3 + 2 * 5
    assert small == large == 44


def test_a_sweep_with_nothing_new_to_write_costs_the_decisions_only():
    now = moment()
    _pairs_with_everything_due(now, 3)
    sweep(now)
    # 7 rules (one query each; for unmatched, the runs published lately: none), each in its savepoint (2 queries),
    # and the profile rule's enrollments (none left to remind): 7 + 14 + 1.
    assert _sweep_queries(now) == 22


def test_the_rules_are_set_based_selectors_of_one_query_each(django_assert_num_queries):
    now = moment()
    _pairs_with_everything_due(now, 5)
    for rule in (selectors.checkin_due, selectors.session_log_due, selectors.agreement_unsigned, selectors.goals_unset):
        with django_assert_num_queries(1):
            assert len(rule(now)) == 10
