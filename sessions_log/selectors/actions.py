"""What a partner should do next about their sessions (the home page and the pair's page list these)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.partnerships.models import Partnership, PartnershipStatus
from sessions_log.models import (
    CHECKIN_OPEN_DAYS,
    OPEN_STATUSES,
    CheckIn,
    Session,
    SessionStatus,
)

ACTION_RESPOND = "Respond to a proposed time"


ACTION_LOG = "Log your last session"


ACTION_CHECKIN = "Check-in due"


ACTION_SCHEDULE = "Schedule your next session"


class SessionAction(NamedTuple):
    label: str
    url: str

    def __str__(self) -> str:
        return self.label


def checkin_window_start(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=CHECKIN_OPEN_DAYS)


def next_session_actions(partnerships: Iterable[Partnership], user: User) -> dict[int, list[SessionAction]]:
    """What ``user`` should do next about sessions in each partnership, in the order to do it.

    Queries: 1 (one aggregate over the sessions of all the partnerships), whatever their number.
    """
    partnerships = list(partnerships)
    if not partnerships:
        return {}
    now = timezone.now()
    mine = CheckIn.objects.filter(session=OuterRef("pk"), author=user)
    respond = Q(status=SessionStatus.PROPOSED, start__gt=now) & ~Q(proposed_by=user)
    to_log = Q(status=SessionStatus.ACCEPTED, start__lte=now)
    checkin_due = Q(status=SessionStatus.HELD, start__gte=checkin_window_start(now)) & ~Q(Exists(mine))
    rows = (
        Session.objects.filter(partnership_id__in=[p.pk for p in partnerships])
        .values("partnership_id")
        .annotate(
            upcoming=Count("pk", filter=Q(status__in=OPEN_STATUSES, end__gt=now)),
            respond_id=Min("pk", filter=respond),
            log_id=Min("pk", filter=to_log),
            checkin_id=Min("pk", filter=checkin_due),
        )
        .order_by()
    )
    by_partnership = {row["partnership_id"]: row for row in rows}
    actions: dict[int, list[SessionAction]] = {}
    for partnership in partnerships:
        row = by_partnership.get(partnership.pk, {})
        active = partnership.status == PartnershipStatus.ACTIVE
        items = []
        if active and row.get("respond_id"):
            items.append(
                SessionAction(ACTION_RESPOND, reverse("sessions_log:session_detail", args=[row["respond_id"]]))
            )
        if row.get("log_id"):
            items.append(SessionAction(ACTION_LOG, reverse("sessions_log:session_log", args=[row["log_id"]])))
        if row.get("checkin_id"):
            items.append(SessionAction(ACTION_CHECKIN, reverse("sessions_log:checkin", args=[row["checkin_id"]])))
        if active and not row.get("upcoming"):
            items.append(SessionAction(ACTION_SCHEDULE, reverse("sessions_log:session_propose", args=[partnership.pk])))
        actions[partnership.pk] = items
    return actions
