"""Reminders before sessions, at the lead times the cohort sets (e.g. 24 h and 1 h before).

Celery beat calls ``reminders_queue_due`` every few minutes. Each reminder is an outbox message keyed by
``session_reminder:<session>:<recipient>:<sequence>:<lead hours>``: a second run, a second beat or a retried task
finds the key taken and writes nothing, so each reminder goes out exactly once. A rescheduled session has a new
sequence, so it is reminded of again at its new time.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from mentoring.notifications.selectors import message_keys_taken
from mentoring.notifications.services import messages_are_muted, messages_queue
from mentoring.partnerships.models import PartnershipStatus
from mentoring.programs.models import MAX_REMINDER_LEAD_HOURS
from sessions_log.emails import HALVES, session_message_draft, session_message_key
from sessions_log.models import EmailKind, Session, SessionStatus


def due_lead_hours(*, start: datetime.datetime, now: datetime.datetime, lead_hours: list[int]) -> int | None:
    """The one reminder due now: the smallest lead time whose moment has come. Larger ones whose moment
    passed unsent are skipped, so a session accepted 30 minutes ahead gets the 1-hour reminder, not both.
    The text says when the session starts, so a reminder sent late (a beat that was down) still reads right."""
    if now >= start:
        return None
    due = [h for h in sorted(lead_hours) if start - datetime.timedelta(hours=h) <= now]
    return due[0] if due else None


@transaction.atomic
def reminders_queue_due(*, base_url: str, now: datetime.datetime | None = None) -> int:
    """Queue every reminder due now that is not queued yet; returns how many new reminders were queued."""
    if messages_are_muted():
        return 0
    now = now or timezone.now()
    # Lead times are a JSON list per cohort, so the database narrows to the longest lead time allowed and
    # Python picks the reminder due for each session.
    sessions = (
        Session.objects.filter(
            status=SessionStatus.ACCEPTED,
            partnership__status=PartnershipStatus.ACTIVE,
            start__gt=now,
            start__lte=now + datetime.timedelta(hours=MAX_REMINDER_LEAD_HOURS),
        )
        .select_related("partnership__cohort", "partnership__member_a", "partnership__member_b")
        .prefetch_related(HALVES)
    )
    due = []
    for session in sessions:
        hours = due_lead_hours(start=session.start, now=now, lead_hours=session.partnership.cohort.reminder_lead_hours)
        if hours is not None:
            due += [
                (session_message_key(EmailKind.REMINDER, session, member.pk, lead_hours=hours), session, member, hours)
                for member in session.partnership.members
            ]
    taken = message_keys_taken(key for key, *_ in due)
    # Rendered only for the reminders not queued yet; a second beat at the same moment may render the same ones,
    # and their keys keep one of each.
    drafts = [
        session_message_draft(
            session,
            kind=EmailKind.REMINDER,
            recipient=member,
            actor=None,
            base_url=base_url,
            halves=list(session.halves.all()),
            lead_hours=hours,
        )
        for key, session, member, hours in due
        if key not in taken
    ]
    return len(messages_queue(drafts))
