"""Session e-mails (proposals, answers, calendar invitations, updates and cancellations) and reminders."""

from celery import shared_task
from django.conf import settings

from mentoring.core.tasks import TwowayTask
from sessions_log.emails import session_email_send
from sessions_log.reminders import reminders_queue_due


@shared_task(base=TwowayTask, name="sessions_log.tasks.send_session_email")
def send_session_email(*, email_id: int, base_url: str) -> bool:
    """Send one recorded session e-mail; a row already claimed (sent) is skipped, so it goes out once."""
    return session_email_send(email_id=email_id, base_url=base_url)


@shared_task(base=TwowayTask, name="sessions_log.tasks.send_due_reminders")
def send_due_reminders() -> int:
    """Celery beat, every few minutes: record and send the session reminders that are due."""
    return reminders_queue_due(base_url=settings.SITE_URL)
