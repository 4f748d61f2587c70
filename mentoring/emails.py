"""Queue e-mail through Celery once the surrounding transaction has committed."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from mentoring.tasks import send_email

_muted: ContextVar[bool] = ContextVar("twoway_emails_muted", default=False)


@contextmanager
def emails_muted() -> Iterator[None]:
    """Nothing is e-mailed from inside this block: loading the demo must not write to the demo people."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def emails_are_muted() -> bool:
    return _muted.get()


def queue_message(message: EmailMultiAlternatives) -> None:
    if emails_are_muted():
        return
    html = next((content for content, mime in message.alternatives if mime == "text/html"), None)
    kwargs = {
        "subject": str(message.subject),
        "body": message.body,
        "to": list(message.to),
        "html": html,
        "from_email": message.from_email,
    }
    transaction.on_commit(lambda: send_email.delay(**kwargs))
