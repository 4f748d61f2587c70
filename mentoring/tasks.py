"""Tasks shared by every app."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_email(*, subject: str, body: str, to: list[str], html: str | None = None, from_email: str | None = None):
    """Send one e-mail. SMTP hiccups are retried with backoff; anything else is a bug and fails loudly."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_profile_reminder(*, enrollment_id: int, base_url: str) -> bool:
    """Remind one participant to complete their skill profile; at most once per enrollment per day."""
    # Imported here: services queue e-mail through this module, so a top-level import would be circular.
    from mentoring.services import profile_reminder_send

    return profile_reminder_send(enrollment_id=enrollment_id, base_url=base_url)


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_assessment_email(*, email_id: int, base_url: str) -> bool:
    """Send one recorded "your survey is open" e-mail; a row already claimed is skipped, so it goes out once."""
    from mentoring.assessment_services import assessment_email_send

    return assessment_email_send(email_id=email_id, base_url=base_url)


@shared_task
def send_assessment_emails() -> int:
    """Celery beat, every 15 minutes: e-mail everyone who may answer a survey that is open and was not told yet."""
    from django.conf import settings

    from mentoring.assessment_services import assessment_emails_queue

    return assessment_emails_queue(base_url=settings.SITE_URL)
