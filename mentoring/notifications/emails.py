"""Queue e-mail through Celery once the surrounding transaction has committed."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from mentoring.core.tasks import ring

_muted: ContextVar[bool] = ContextVar("twoway_emails_muted", default=False)


@contextmanager
def emails_muted() -> Iterator[None]:
    """Nothing is e-mailed from inside this block: loading the demo must not write to the demo people."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def absolute_link(base_url: str, path: str) -> str:
    """A link for an e-mail: the site's root (from the request, or SITE_URL outside one) and a path."""
    return base_url.rstrip("/") + path


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
    ring("mentoring.notifications.tasks.send_email", **kwargs)


def queue_email(template: str, *, to: str, context: dict) -> None:
    """Render templates/emails/<template>_{subject,body}.txt and _body.html and send after commit."""
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=f"[Twoway] {subject}", body=render_to_string(f"emails/{template}_body.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"emails/{template}_body.html", context), "text/html")
    queue_message(message)
