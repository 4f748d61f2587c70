"""Background work of programs: profile reminders."""

from celery import shared_task

from mentoring.core.tasks import TwowayTask
from mentoring.programs.services.reminders import profile_reminder_send


@shared_task(base=TwowayTask, name="mentoring.programs.tasks.send_profile_reminder")
def send_profile_reminder(*, enrollment_id: int, base_url: str) -> bool:
    """Remind one participant to complete their skill profile; at most once per enrollment per day."""
    return profile_reminder_send(enrollment_id=enrollment_id, base_url=base_url)
