"""Reminders before sessions, at the lead times the cohort sets (e.g. 24 h and 1 h before).

Celery beat calls ``reminders_queue_due`` every few minutes. Each reminder is a ``SessionEmail`` row keyed by
(session, recipient, kind, sequence, lead time): a second run, a second beat or a retried task finds the row
already there, and the sending task claims the row, so each reminder goes out exactly once. A rescheduled
session has a new sequence, so it is reminded of again at its new time.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from mentoring.core.tasks import ring
from mentoring.notifications.emails import emails_are_muted
from mentoring.partnerships.models import PartnershipStatus
from mentoring.programs.models import MAX_REMINDER_LEAD_HOURS
from sessions_log.models import EmailKind, Session, SessionEmail, SessionStatus


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
    """Record every reminder due now and queue its sending; returns how many new reminders were recorded."""
    if emails_are_muted():
        return 0
    now = now or timezone.now()
    # Lead times are a JSON list per cohort, so the database narrows to the longest lead time allowed and
    # Python picks the reminder due for each session.
    sessions = Session.objects.filter(
        status=SessionStatus.ACCEPTED,
        partnership__status=PartnershipStatus.ACTIVE,
        start__gt=now,
        start__lte=now + datetime.timedelta(hours=MAX_REMINDER_LEAD_HOURS),
    ).select_related("partnership__cohort")
    rows = []
    for session in sessions:
        hours = due_lead_hours(start=session.start, now=now, lead_hours=session.partnership.cohort.reminder_lead_hours)
        if hours is None:
            continue
        for recipient_id in (session.partnership.member_a_id, session.partnership.member_b_id):
            rows.append(
                SessionEmail(
                    session=session,
                    recipient_id=recipient_id,
                    kind=EmailKind.REMINDER,
                    sequence=session.sequence,
                    lead_hours=hours,
                    created_at=now,
                )
            )
    due_sessions = {row.session_id for row in rows}
    reminders = SessionEmail.objects.filter(kind=EmailKind.REMINDER, session_id__in=due_sessions)
    recorded = set(reminders.values_list("session_id", "recipient_id", "sequence", "lead_hours"))
    new = [r for r in rows if (r.session_id, r.recipient_id, r.sequence, r.lead_hours) not in recorded]
    # A second beat running at the same moment may record the same rows: the unique key keeps one of each.
    SessionEmail.objects.bulk_create(new, ignore_conflicts=True)
    # Unsent ones include reminders whose earlier sending failed: queue them again; the task's claim
    # makes sure each still goes out once.
    pending = list(reminders.filter(sent_at=None).values_list("pk", flat=True))
    for pk in pending:
        ring("sessions_log.tasks.send_session_email", email_id=pk, base_url=base_url)
    return len(new)
