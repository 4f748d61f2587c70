"""Background work of programs: profile reminders."""

from celery import shared_task


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_profile_reminder(*, enrollment_id: int, base_url: str) -> bool:
    """Remind one participant to complete their skill profile; at most once per enrollment per day."""
    from mentoring.programs.services.reminders import profile_reminder_send

    return profile_reminder_send(enrollment_id=enrollment_id, base_url=base_url)
