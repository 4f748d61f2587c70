"""E-mails about sessions: proposals, answers, calendar invitations, updates, cancellations and reminders.

Each is a message of the outbox (mentoring.notifications), rendered when it is queued, in the recipient's own time
zone, and keyed by kind, session, recipient and the session's calendar sequence (and a reminder's lead time), so
each goes out once. Calendar e-mails carry the session's iCalendar (iTIP METHOD REQUEST or CANCEL), which the
outbox sends as an invitation and as ``invite.ics``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch

from accounts.models import User
from mentoring.notifications.models import Message
from mentoring.notifications.services import (
    CalendarPart,
    Draft,
    absolute_link,
    message_draft,
    messages_are_muted,
    messages_queue,
)
from sessions_log import calendar as ical
from sessions_log.models import EmailKind, Session, SessionHalf
from sessions_log.times import user_zone

HALVES = Prefetch(
    "halves", queryset=SessionHalf.objects.select_related("mentor", "mentee", "topic_skill").order_by("order")
)


def session_message_key(kind: str, session: Session, recipient_id: int, *, lead_hours: int | None = None) -> str:
    """``session_<kind>:<session>:<recipient>:<sequence>``, and ``:<lead hours>`` for a reminder."""
    key = f"session_{kind}:{session.pk}:{recipient_id}:{session.sequence}"
    return key if lead_hours is None else f"{key}:{lead_hours}"


def session_message_draft(
    session: Session,
    *,
    kind: str,
    recipient: User,
    actor: User | None,
    base_url: str,
    halves: list[SessionHalf],
    calendar: CalendarPart | None = None,
    lead_hours: int | None = None,
) -> Draft:
    partnership = session.partnership
    zone = user_zone(recipient)
    context = {
        "recipient": recipient,
        "actor": actor,
        "partner": partnership.partner_of(recipient),
        "session": session,
        "halves": halves,
        "link": absolute_link(base_url, session.get_absolute_url()),
        "zone_name": zone.key,
        "with_calendar": calendar is not None,
        "by_recipient": actor is not None and actor.pk == recipient.pk,
        "partnership_active": partnership.status == "active",
        "lead_hours": lead_hours or 0,
        # A proposal of several times lists them all; the partner picks one on the session page.
        "offered": list(session.offered_times.order_by("start")) if kind == EmailKind.PROPOSAL else [],
    }
    return message_draft(
        kind=f"session_{kind}",
        to=recipient.email,
        context=context,
        recipient=recipient,
        timezone=zone.key,
        key=session_message_key(kind, session, recipient.pk, lead_hours=lead_hours),
        calendar=calendar,
        # A reminder of a session that has started is no use: one that could not go out in time is dropped.
        expires_at=session.start if kind == EmailKind.REMINDER else None,
    )


def session_messages_queue(
    session: Session, *, kind: str, recipients: Iterable[User], actor: User | None, base_url: str, method: str = ""
) -> list[Message]:
    """Tell each recipient about the session (with its calendar when ``method`` is REQUEST or CANCEL), after commit."""
    if messages_are_muted():
        return []
    halves = list(session.halves.select_related("mentor", "mentee", "topic_skill").order_by("order"))
    link = absolute_link(base_url, session.get_absolute_url())
    calendar = (
        CalendarPart(method=method, ics=ical.session_calendar(session, method=method, link=link).decode("utf-8"))
        if method
        else None
    )
    return messages_queue(
        session_message_draft(
            session, kind=kind, recipient=recipient, actor=actor, base_url=base_url, halves=halves, calendar=calendar
        )
        for recipient in recipients
    )
