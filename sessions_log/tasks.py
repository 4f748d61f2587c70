"""Session e-mails (proposals, answers, calendar invitations, updates and cancellations), sent by Celery."""

from celery import shared_task


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_session_email(*, email_id: int, base_url: str) -> bool:
    """Send one recorded session e-mail; a row already claimed (sent) is skipped, so it goes out once."""
    # Imported here: the services queue this task, so a top-level import would be circular.
    from sessions_log.emails import session_email_send

    return session_email_send(email_id=email_id, base_url=base_url)


@shared_task
def send_due_reminders() -> int:
    """Celery beat, every few minutes: record and send the session reminders that are due."""
    from django.conf import settings

    from sessions_log.reminders import reminders_queue_due

    return reminders_queue_due(base_url=settings.SITE_URL)
