"""Automatic closing of inactive pairs, on beat's schedule. Its e-mails leave through the outbox."""

from celery import shared_task
from django.conf import settings

from mentoring.core.tasks import TwowayTask
from mentoring.followup.services import inactive_pairs_sweep


@shared_task(base=TwowayTask, name="mentoring.followup.tasks.close_inactive_pairs")
def close_inactive_pairs() -> dict[str, int]:
    """Celery beat, every hour: warn the pairs inactive for their cohort's number of days, end those warned a week
    ago in which nobody acted."""
    return inactive_pairs_sweep(base_url=settings.SITE_URL)
