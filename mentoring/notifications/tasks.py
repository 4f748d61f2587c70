"""Sending what the outbox holds."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from mentoring.core.tasks import TwowayTask


@shared_task(base=TwowayTask, name="mentoring.notifications.tasks.send_email")
def send_email(*, subject: str, body: str, to: list[str], html: str | None = None, from_email: str | None = None):
    """Send one e-mail. SMTP hiccups are retried with backoff; anything else is a bug and fails loudly."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=from_email)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
