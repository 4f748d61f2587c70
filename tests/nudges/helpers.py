"""Shared setup of the nudge tests: a pair in an active cohort, a held session ending at a known moment, a sweep."""

from __future__ import annotations

import datetime

from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.nudges.services import nudges_sweep
from tests.factories import PartnershipFactory, SessionFactory

BASE = "https://twoway.example"
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


def moment() -> datetime.datetime:
    return timezone.now().replace(second=0, microsecond=0)


def sweep(now: datetime.datetime) -> dict[str, int]:
    return nudges_sweep(base_url=BASE, now=now)


def keys(kind: str) -> list[str]:
    return sorted(Message.objects.filter(channel="email", kind=kind).values_list("key", flat=True))


def recipients(kind: str) -> list[int]:
    return sorted(Message.objects.filter(channel="email", kind=kind).values_list("recipient_id", flat=True))


def held_session(*, end: datetime.datetime, pair=None, **kwargs):
    """A held session of ``pair`` (a new one by default) that ended at ``end`` and lasted an hour."""
    pair = pair or PartnershipFactory(started_at=end - 30 * DAY)
    return SessionFactory(partnership=pair, status="held", start=end - datetime.timedelta(hours=1), end=end, **kwargs)
