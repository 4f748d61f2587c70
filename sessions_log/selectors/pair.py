"""The pair's sessions block (on the pair's page) and the pair's list of all its sessions."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from mentoring.partnerships.models import Partnership, PartnershipStatus
from sessions_log.models import (
    OPEN_STATUSES,
    CheckIn,
    Session,
    SessionHalf,
    SessionStatus,
)
from sessions_log.selectors.actions import (
    checkin_window_start,
    next_session_actions,
)
from sessions_log.selectors.balance import teaching_balances

UPCOMING_LIMIT = 10


HISTORY_LIMIT = 5


def partnership_back_url(partnership: Partnership) -> str:
    """The pair's page (mentoring app); this app's list of the pair's sessions if that page is not installed."""
    try:
        return reverse("partnerships:detail", args=[partnership.pk])
    except NoReverseMatch:
        return reverse("sessions_log:partnership_sessions", args=[partnership.pk])


def attach_halves(sessions: list[Session], partnership: Partnership, viewer: User) -> None:
    """Load all halves in one query and give each session the viewer's view of them (no query per row)."""
    if not sessions:
        return
    members = {partnership.member_a_id: partnership.member_a, partnership.member_b_id: partnership.member_b}
    halves_by_session: dict[int, list[SessionHalf]] = defaultdict(list)
    for half in SessionHalf.objects.filter(session__in=sessions).select_related("topic_skill").order_by("order"):
        half.mentor, half.mentee = members[half.mentor_id], members[half.mentee_id]
        halves_by_session[half.session_id].append(half)
    for session in sessions:
        session.partnership = partnership
        session.half_list = halves_by_session[session.pk]
        session.my_mentee_half = next((h for h in session.half_list if h.mentee_id == viewer.pk), None)
        session.needs_my_answer = (
            session.status == SessionStatus.PROPOSED and session.proposed_by_id != viewer.pk and not session.has_started
        )
        if session.proposed_by_id in members:
            session.proposed_by = members[session.proposed_by_id]


def mark_checkin_due(sessions: list[Session], now: datetime.datetime) -> None:
    """Flag the held sessions the viewer can still check in on and hasn't (``my_checkin`` annotated), no query."""
    checkin_since = checkin_window_start(now)
    for session in sessions:
        session.checkin_due = (
            session.status == SessionStatus.HELD and not session.my_checkin and session.start >= checkin_since
        )


def partnership_sessions_context(partnership: Partnership, viewer: User) -> dict:
    """Upcoming and recent sessions, the viewer's pending actions and the teaching balance of one pair.

    Queries: 6 — upcoming sessions; recent history (with the viewer's check-in flag); the halves of both;
    the two teaching-balance queries; the next-actions aggregate. (The caller loads the partnership with
    ``member_a`` and ``member_b``; otherwise 2 more.)
    """
    now = timezone.now()
    sessions = Session.objects.filter(partnership=partnership)
    upcoming = list(sessions.filter(status__in=OPEN_STATUSES, end__gt=now).order_by("start", "pk")[:UPCOMING_LIMIT])
    history = list(
        sessions.exclude(status__in=OPEN_STATUSES, end__gt=now)
        .annotate(my_checkin=Exists(CheckIn.objects.filter(session=OuterRef("pk"), author=viewer)))
        .order_by("-start", "-pk")[: HISTORY_LIMIT + 1]
    )
    history_more = len(history) > HISTORY_LIMIT
    history = history[:HISTORY_LIMIT]
    attach_halves(upcoming + history, partnership, viewer)
    mark_checkin_due(history, now)
    balance = teaching_balances([partnership])[partnership.pk]
    partner = partnership.partner_of(viewer)
    active = partnership.status == PartnershipStatus.ACTIVE
    return {
        "partnership": partnership,
        "viewer": viewer,
        "partner": partner,
        "upcoming": upcoming,
        "history": history,
        "history_more": history_more,
        "actions": next_session_actions([partnership], viewer)[partnership.pk],
        "balance": balance,
        "my_balance": balance.person(viewer),
        "partner_balance": balance.person(partner),
        "imbalance_prompt": balance.prompt_for(viewer),
        "can_schedule": active,
        "schedule_url": reverse("sessions_log:session_propose", args=[partnership.pk]),
        "all_url": reverse("sessions_log:partnership_sessions", args=[partnership.pk]),
    }


def partnership_session_page(partnership: Partnership, viewer: User, page_number) -> tuple:
    """One page of all the pair's sessions, newest first. Queries: 3 (count, page, halves)."""
    sessions = (
        Session.objects.filter(partnership=partnership)
        .annotate(my_checkin=Exists(CheckIn.objects.filter(session=OuterRef("pk"), author=viewer)))
        .order_by("-start", "-pk")
    )
    page = Paginator(sessions, 20).get_page(page_number)
    rows = list(page.object_list)
    attach_halves(rows, partnership, viewer)
    mark_checkin_due(rows, timezone.now())
    return page, rows
