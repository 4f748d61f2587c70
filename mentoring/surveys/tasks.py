"""Background work of surveys: the "your survey is open" e-mails."""

from celery import shared_task
from django.conf import settings

from mentoring.core.tasks import TwowayTask
from mentoring.surveys.services import assessment_email_send, assessment_emails_queue


@shared_task(base=TwowayTask, name="mentoring.surveys.tasks.send_assessment_email")
def send_assessment_email(*, email_id: int, base_url: str) -> bool:
    """Send one recorded "your survey is open" e-mail; a row already claimed is skipped, so it goes out once."""
    return assessment_email_send(email_id=email_id, base_url=base_url)


@shared_task(base=TwowayTask, name="mentoring.surveys.tasks.send_assessment_emails")
def send_assessment_emails() -> int:
    """Celery beat, every 15 minutes: e-mail everyone who may answer a survey that is open and was not told yet."""
    return assessment_emails_queue(base_url=settings.SITE_URL)
