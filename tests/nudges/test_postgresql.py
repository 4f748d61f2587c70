"""Two sweeps at the same instant, in two threads with their own connections, on PostgreSQL: both decide the same
nudges, and the outbox's unique key (INSERT ... ON CONFLICT DO NOTHING, waiting on the other's uncommitted row)
keeps one row of each."""

import pytest
from django.db import connection

from mentoring.notifications.models import Message
from tests.conftest import run_together
from tests.nudges.helpers import DAY, held_session, moment, sweep


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_instant_write_each_nudge_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): two connections racing on the unique key")
    now = moment()
    for _ in range(20):
        held_session(end=now - DAY)
    results, refusals = run_together([lambda: sweep(now), lambda: sweep(now)])
    assert refusals == []
    assert results[0]["checkin_due"] + results[1]["checkin_due"] == 40
    assert Message.objects.filter(channel="email", kind="checkin_due").count() == 40
    assert (
        Message.objects.filter(channel="email").values("key").distinct().count()
        == Message.objects.filter(channel="email").count()
        == 40
    )
