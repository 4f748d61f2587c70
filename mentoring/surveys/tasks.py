"""Background work of surveys: the "your survey is open" e-mails, on beat's schedule."""

from celery import shared_task
from django.conf import settings

from mentoring.core.tasks import TwowayTask
from mentoring.surveys.services import assessment_emails_queue


@shared_task(base=TwowayTask, name="mentoring.surveys.tasks.send_assessment_emails")
def send_assessment_emails() -> int:
    """Celery beat, every 15 minutes: e-mail everyone who may answer a survey that is open and was not told yet."""
    return assessment_emails_queue(base_url=settings.SITE_URL)
