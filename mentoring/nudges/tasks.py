"""The nudges' sweep, on beat's schedule. The nudges themselves leave through the outbox (mentoring.notifications)."""

from celery import shared_task
from django.conf import settings

from mentoring.core.tasks import TwowayTask
from mentoring.nudges.services import nudges_sweep


@shared_task(base=TwowayTask, name="mentoring.nudges.tasks.sweep_nudges")
def sweep_nudges() -> dict[str, int]:
    """Celery beat, every hour: write the nudges that are due (each once)."""
    return nudges_sweep(base_url=settings.SITE_URL)
