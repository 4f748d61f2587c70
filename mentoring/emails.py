"""Queue e-mail through Celery once the surrounding transaction has committed."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from mentoring.tasks import send_email


def queue_message(message: EmailMultiAlternatives) -> None:
    html = next((content for content, mime in message.alternatives if mime == "text/html"), None)
    kwargs = {
        "subject": str(message.subject),
        "body": message.body,
        "to": list(message.to),
        "html": html,
        "from_email": message.from_email,
    }
    transaction.on_commit(lambda: send_email.delay(**kwargs))
