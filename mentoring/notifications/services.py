"""Writes of the outbox: queueing messages in the caller's transaction, and each step of sending one.

Queueing renders the message (templates/emails/<kind>_subject.txt, _body.txt, _body.html) in the recipient's time
zone and language, writes its row and rings the doorbell once the transaction commits: the row exists exactly when
the change that caused it does. A message with a ``key`` is written once: queueing the same key again writes nothing
(the unique constraint decides, so two beats or two clicks at once still write one row).

Sending a row: ``message_claim`` (pending, or a lease that expired → sending, one conditional UPDATE), send,
``message_mark_sent``. A temporary error gives it back (``message_retry_later``, with backoff) until
``MAX_ATTEMPTS``, then ``message_fail``. ``outbox_sweep`` (beat, every minute) rings again for what waits.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
import uuid
import zoneinfo
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone as django_timezone
from django.utils import translation

from mentoring.core.tasks import TEMPORARY_ERRORS, ring
from mentoring.notifications import mail, selectors
from mentoring.notifications.models import Channel, Message, MessageState

logger = logging.getLogger(__name__)

DELIVER_TASK = "mentoring.notifications.tasks.deliver_message"
# A worker holds a row this long; longer than the delivery task may run (its hard time limit), so a row is only
# taken from a worker that is gone.
LEASE = datetime.timedelta(minutes=3)
MAX_ATTEMPTS = 8
FIRST_RETRY = datetime.timedelta(minutes=1)  # then 2, 4, ... minutes
LAST_RETRY = datetime.timedelta(hours=1)
# The sweeper leaves new rows to their own doorbell for this long.
SWEEP_AFTER = settings.OUTBOX_SWEEP_AFTER
SWEEP_BATCH = 1000
INSERT_BATCH = 500
# How each channel's messages leave; in-app, Slack and Teams add theirs here.
SENDERS = {Channel.EMAIL: mail.send}

_muted: ContextVar[bool] = ContextVar("twoway_messages_muted", default=False)


@contextlib.contextmanager
def messages_muted() -> Iterator[None]:
    """Nothing is queued from inside this block: loading the demo must not write to the demo people."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def messages_are_muted() -> bool:
    return _muted.get()


def absolute_link(base_url: str, path: str) -> str:
    """A link for a message: the site's root (from the request, or SITE_URL outside one) and a path."""
    return base_url.rstrip("/") + path


# --- Queueing -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    subject: str
    body: str
    html: str = ""


@dataclass(frozen=True)
class CalendarPart:
    """An iCalendar text and its iTIP method (REQUEST or CANCEL), sent beside the message."""

    method: str
    ics: str


@dataclass(frozen=True, kw_only=True)
class Draft:
    """One message to queue, rendered."""

    kind: str
    to: str
    content: Content
    recipient_id: int | None = None
    key: str | None = None
    calendar: CalendarPart | None = None
    from_email: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    send_after: datetime.datetime | None = None
    expires_at: datetime.datetime | None = None


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def message_render(kind: str, context: dict, *, timezone: str | None = None, language: str | None = None) -> Content:
    """templates/emails/<kind>_subject.txt, _body.txt and _body.html, with times in ``timezone`` (the server's
    when None) and words in ``language`` (the default when None)."""
    speaking = translation.override(language) if language else contextlib.nullcontext()
    with django_timezone.override(_zone(timezone)), speaking:
        subject = " ".join(render_to_string(f"emails/{kind}_subject.txt", context).split())
        return Content(
            subject=f"[Twoway] {subject}",
            body=render_to_string(f"emails/{kind}_body.txt", context),
            html=render_to_string(f"emails/{kind}_body.html", context),
        )


def message_draft(
    *,
    kind: str,
    to: str,
    context: dict,
    recipient=None,
    timezone: str | None = None,
    language: str | None = None,
    **options,
) -> Draft:
    """A rendered message for ``to`` (``recipient`` is their user, if they have one). ``options`` are Draft's:
    key, calendar, from_email, headers, send_after, expires_at."""
    content = message_render(kind, context, timezone=timezone, language=language)
    return Draft(kind=kind, to=to, content=content, recipient_id=getattr(recipient, "pk", None), **options)


def _message_id_header() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "twoway.localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def messages_queue(drafts: Iterable[Draft]) -> list[Message]:
    """Write the drafts in the caller's transaction and ring for each once it commits. Returns the new rows: a draft
    whose key is already taken writes nothing. Two queries (the insert and reading back which rows are new) for up
    to INSERT_BATCH drafts."""
    if messages_are_muted():
        return []
    now = django_timezone.now()
    rows = [
        Message(
            kind=draft.kind,
            recipient_id=draft.recipient_id,
            address=draft.to,
            from_email=draft.from_email,
            subject=draft.content.subject,
            body=draft.content.body,
            html=draft.content.html,
            calendar_method=draft.calendar.method if draft.calendar else "",
            calendar=draft.calendar.ics if draft.calendar else "",
            headers=draft.headers,
            message_id_header=_message_id_header(),
            key=draft.key,
            created_at=now,
            send_after=draft.send_after or now,
            expires_at=draft.expires_at,
        )
        for draft in drafts
    ]
    # ON CONFLICT DO NOTHING: a key written by another transaction (even one not yet committed) is skipped.
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=INSERT_BATCH)
    by_header = {row.message_id_header: row for row in rows}
    created = []
    headers = list(by_header)
    for start in range(0, len(headers), INSERT_BATCH):
        batch = headers[start : start + INSERT_BATCH]
        for header, pk in Message.objects.filter(message_id_header__in=batch).values_list("message_id_header", "pk"):
            row = by_header[header]
            row.pk = pk
            created.append(row)
    for row in created:
        ring(DELIVER_TASK, message_id=row.pk)
    return created


def message_queue(*, kind: str, to: str, context: dict, **options) -> Message | None:
    """Render and queue one message (options as message_draft: recipient, key, timezone, language, calendar,
    from_email, headers, send_after, expires_at). Returns its row, or None when nothing was written: its key was
    taken, or messages are muted."""
    if messages_are_muted():
        return None
    created = messages_queue([message_draft(kind=kind, to=to, context=context, **options)])
    return created[0] if created else None


def messages_cancel(*, keys: Iterable[str] = (), key_prefix: str = "") -> int:
    """Messages still waiting that no longer make sense (the survey closed, the person answered) are not sent.
    One a worker is sending at this moment still goes."""
    which = Q(key__in=list(keys))
    if key_prefix:
        which |= Q(key__startswith=key_prefix)
    return Message.objects.filter(which, state=MessageState.PENDING).update(state=MessageState.CANCELLED)


def admins_tell(*, kind: str, context: dict, key: str) -> bool:
    """E-mail the people in settings.ADMINS (from SERVER_EMAIL), once per key. Returns whether anyone is told:
    False when ADMINS is empty, so the caller never claims the team knows."""
    addresses = [parseaddr(entry if isinstance(entry, str) else entry[1])[1] for entry in settings.ADMINS]
    addresses = [address for address in addresses if address]
    if not addresses:
        return False
    messages_queue(
        message_draft(
            kind=kind, to=address, context=context, key=f"{key}:{address.lower()}", from_email=settings.SERVER_EMAIL
        )
        for address in addresses
    )
    return True


# --- Sending --------------------------------------------------------------------------------------------------


class SentButNotRecorded(Exception):
    """The message left, but marking its row sent failed (the database went away): record it, never resend it."""


def message_claim(*, message_id: int, now: datetime.datetime | None = None) -> Message | None:
    """Take the row for sending: pending (or sending with an expired lease), due, not expired, attempts left.
    One conditional UPDATE, so of two workers only one gets it. Returns the row, or None."""
    now = now or django_timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id, send_after__lte=now, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(state=MessageState.PENDING) | Q(state=MessageState.SENDING, claimed_until__lt=now))
        .filter(Q(expires_at=None) | Q(expires_at__gt=now))
        .update(state=MessageState.SENDING, attempts=F("attempts") + 1, claimed_until=now + LEASE)
    )
    return Message.objects.get(pk=message_id) if claimed else None


def message_mark_sent(*, message_id: int) -> bool:
    return bool(
        Message.objects.filter(pk=message_id, state=MessageState.SENDING).update(
            state=MessageState.SENT, sent_at=django_timezone.now(), claimed_until=None
        )
    )


def message_fail(*, message_id: int, error: str) -> None:
    """No more attempts: the row stays failed, for admins to see (and send again once the cause is fixed)."""
    Message.objects.filter(pk=message_id, state__in=[MessageState.PENDING, MessageState.SENDING]).update(
        state=MessageState.FAILED, claimed_until=None, last_error=error
    )


def message_retry_later(*, message: Message, error: str, now: datetime.datetime | None = None) -> str:
    """A temporary error: the row goes back to pending, due again after a delay that doubles with each attempt.
    After MAX_ATTEMPTS it fails instead. Returns the row's new state."""
    if message.attempts >= MAX_ATTEMPTS:
        message_fail(message_id=message.pk, error=error)
        return MessageState.FAILED
    now = now or django_timezone.now()
    delay = min(FIRST_RETRY * 2 ** max(message.attempts - 1, 0), LAST_RETRY)
    Message.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
        state=MessageState.PENDING, send_after=now + delay, claimed_until=None, last_error=error
    )
    return MessageState.PENDING


def _is_permanent(error: Exception) -> bool:
    """An address the mail server refuses or a bug will not go away by waiting; a network, mail server or database
    hiccup will."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, (*TEMPORARY_ERRORS, OSError, SoftTimeLimitExceeded))


def message_deliver(*, message_id: int) -> str:
    """Claim, send, mark sent. Returns what happened: not claimed, sent, pending (to retry) or failed.

    A database error while claiming propagates (nothing was claimed; the task retries). One while marking the row
    sent raises SentButNotRecorded: the message left, so only the marking is retried."""
    message = message_claim(message_id=message_id)
    if message is None:
        return "not claimed"
    try:
        SENDERS[message.channel](message)
    except Exception as error:
        text = f"{type(error).__name__}: {error}"[:2000]
        if _is_permanent(error):
            logger.exception("Message %s (%s) could not be sent", message.pk, message.kind)
            message_fail(message_id=message.pk, error=text)
            return MessageState.FAILED
        logger.warning("Message %s (%s) will be retried: %s", message.pk, message.kind, text)
        return message_retry_later(message=message, error=text)
    try:
        message_mark_sent(message_id=message_id)
    except TEMPORARY_ERRORS as error:
        raise SentButNotRecorded(message_id) from error
    return MessageState.SENT


@transaction.atomic
def message_send_again(*, message: Message) -> bool:
    """A failed message gets its attempts back (its address or the mail server was fixed) and is rung for."""
    again = Message.objects.filter(pk=message.pk, state=MessageState.FAILED).update(
        state=MessageState.PENDING, attempts=0, send_after=django_timezone.now(), claimed_until=None
    )
    if again:
        ring(DELIVER_TASK, message_id=message.pk)
    return bool(again)


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Beat, every minute: ring again for every row that should be moving and is not (a doorbell the broker lost, a
    retry that is due, a lease whose worker died). Rows past their expiry are cancelled; rows whose worker died on
    their last attempt fail. Returns how many rows were rung for."""
    now = now or django_timezone.now()
    Message.objects.filter(state=MessageState.PENDING, expires_at__lte=now).update(
        state=MessageState.CANCELLED, last_error="Not sent before it expired."
    )
    Message.objects.filter(state=MessageState.SENDING, claimed_until__lt=now, attempts__gte=MAX_ATTEMPTS).update(
        state=MessageState.FAILED, claimed_until=None, last_error="Its worker stopped while sending it, every time."
    )
    due = selectors.messages_to_sweep(now=now, settled=now - SWEEP_AFTER, limit=SWEEP_BATCH)
    for pk in due:
        ring(DELIVER_TASK, message_id=pk)
    return len(due)
