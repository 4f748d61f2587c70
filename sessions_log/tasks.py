"""Session reminders, on beat's schedule. Session e-mails themselves leave through the outbox
(mentoring.notifications)."""

from celery import shared_task
from django.conf import settings

from mentoring.core.tasks import TwowayTask
from sessions_log.reminders import reminders_queue_due


@shared_task(base=TwowayTask, name="sessions_log.tasks.send_due_reminders")
def send_due_reminders() -> int:
    """Celery beat, every few minutes: queue the session reminders that are due."""
    return reminders_queue_due(base_url=settings.SITE_URL)
