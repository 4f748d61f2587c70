"""Writes of the outbox: queueing messages in the caller's transaction, and each step of sending one.

Queueing applies what each recipient chose (mentoring.notifications.preferences): an e-mail row and an in-app row
(the bell's list) by default, the in-app row alone, or nothing sent; a nudge waits out its recipient's night.

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
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone as django_timezone
from django.utils import translation

from mentoring.core.tasks import TEMPORARY_ERRORS, ring
from mentoring.notifications import kinds, mail, preferences, selectors
from mentoring.notifications.models import Channel, Delivery, Message, MessageState, NudgeDay

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
# How each channel's messages leave; Slack and Teams add theirs here. In-app rows are written already sent.
SENDERS = {Channel.EMAIL: mail.send}
IN_APP_KEY_SUFFIX = ":in_app"
TURNED_OFF = "Not e-mailed: its recipient turned this kind of message off."
IN_APP_ONLY = "Not e-mailed: its recipient reads this kind of message in the app only."

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
    timezone: str | None = None  # the recipient's: quiet hours and the daily cap count in it
    link: str = ""  # the page it is about, a path: where its in-app entry leads


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
    key, calendar, from_email, headers, send_after, expires_at, link (default: the path of ``context["link"]``).

    An e-mail to a person of a kind they may turn off carries a one-click unsubscribe link (in its footer and in
    the List-Unsubscribe headers of RFC 8058); every e-mail to a person links to their preferences."""
    recipient_id = getattr(recipient, "pk", None)
    headers = dict(options.pop("headers", None) or {})
    if recipient_id is not None:
        site = settings.SITE_URL
        context = {**context, "preferences_link": absolute_link(site, reverse("notifications:preferences"))}
        described = kinds.get(kind)
        if described.can_turn_off and described.audience != kinds.SYSTEM:
            token = preferences.unsubscribe_token(user_id=recipient_id, kind=kind)
            unsubscribe = absolute_link(site, reverse("notifications:unsubscribe", args=[token]))
            context |= {"unsubscribe_link": unsubscribe, "kind_label": described.label}
            headers |= {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    options.setdefault("link", _path(context.get("link", "")))
    content = message_render(kind, context, timezone=timezone, language=language)
    return Draft(
        kind=kind, to=to, content=content, recipient_id=recipient_id, timezone=timezone, headers=headers, **options
    )


def _path(link: str) -> str:
    """A link's path, query and fragment: the in-app entry works whatever host the e-mail's link named."""
    if not link:
        return ""
    parts = urlsplit(str(link))
    return parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def _message_id_header() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "twoway.localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def _in_app_entry(draft: Draft, now: datetime.datetime) -> Message:
    return Message(
        kind=draft.kind,
        channel=Channel.IN_APP,
        recipient_id=draft.recipient_id,
        address=draft.to,
        subject=draft.content.subject.removeprefix("[Twoway] "),
        link=draft.link,
        message_id_header=_message_id_header(),
        key=f"{draft.key}{IN_APP_KEY_SUFFIX}" if draft.key else None,
        state=MessageState.SENT,
        created_at=now,
        send_after=now,
        sent_at=now,
    )


def _email_row(draft: Draft, now: datetime.datetime, kind: kinds.Kind, delivery: str) -> Message:
    row = Message(
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
        link=draft.link,
    )
    if delivery != Delivery.EMAIL:
        # Written all the same, cancelled: its key is taken (a beat does not render it again) and an admin can see
        # why it was not sent.
        row.state, row.last_error = MessageState.CANCELLED, TURNED_OFF if delivery == Delivery.OFF else IN_APP_ONLY
    elif kind.nudge and draft.recipient_id is not None:
        row.send_after, row.nudge_day, row.digest_after = preferences.nudge_schedule(row.send_after, draft.timezone)
    return row


def messages_queue(drafts: Iterable[Draft]) -> list[Message]:
    """Write the drafts in the caller's transaction and ring for each e-mail once it commits. Returns the new e-mail
    rows (one per draft whose key was free, cancelled if its recipient does not want it e-mailed).

    A draft to a person, of a kind they may see in their preferences, also writes an entry in their in-app list,
    unless they turned that kind off. Three queries for up to INSERT_BATCH / 2 drafts: the recipients' choices (only
    when a draft can have one), the insert, reading back which rows are new."""
    if messages_are_muted():
        return []
    now = django_timezone.now()
    drafts = list(drafts)
    described = {draft.kind: kinds.get(draft.kind) for draft in drafts}
    personal = [d for d in drafts if d.recipient_id is not None and described[d.kind].audience != kinds.SYSTEM]
    entries = {id(d) for d in personal if described[d.kind].in_app}
    choices = preferences.choices_for((d.recipient_id, d.kind) for d in personal if described[d.kind].can_turn_off)
    rows, emails = [], []
    for draft in drafts:
        kind = described[draft.kind]
        delivery = preferences.delivery_of(kind, choices.get((draft.recipient_id, draft.kind)))
        email = _email_row(draft, now, kind, delivery)
        emails.append(email)
        rows.append(email)
        if id(draft) in entries and delivery != Delivery.OFF:
            rows.append(_in_app_entry(draft, now))
    # ON CONFLICT DO NOTHING: a key written by another transaction (even one not yet committed) is skipped.
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=INSERT_BATCH)
    by_header = {row.message_id_header: row for row in rows}
    headers = list(by_header)
    for start in range(0, len(headers), INSERT_BATCH):
        batch = headers[start : start + INSERT_BATCH]
        for header, pk in Message.objects.filter(message_id_header__in=batch).values_list("message_id_header", "pk"):
            by_header[header].pk = pk
    created = [row for row in emails if row.pk is not None]
    for row in created:
        if row.state == MessageState.PENDING:
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


# --- In-app entries -----------------------------------------------------------------------------------------


def notification_mark_read(*, user, message_id: int) -> bool:
    """Mark one of this person's own in-app entries read (someone else's: nothing happens)."""
    return bool(
        Message.objects.filter(pk=message_id, recipient=user, channel=Channel.IN_APP, read_at=None).update(
            read_at=django_timezone.now()
        )
    )


def notifications_mark_all_read(*, user) -> int:
    return Message.objects.filter(recipient=user, channel=Channel.IN_APP, read_at=None).update(
        read_at=django_timezone.now()
    )


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
    # A nudge claims its place under the day's cap on its first attempt only (a retry already holds one).
    if message.nudge_day is not None and message.attempts == 1 and not _nudge_place_taken(message):
        Message.objects.filter(pk=message.pk, state=MessageState.SENDING).update(
            state=MessageState.FOLDED, claimed_until=None
        )
        return MessageState.FOLDED
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


def _nudge_place_taken(message: Message) -> bool:
    """One of the NUDGE_EMAILS_PER_DAY places of the recipient's day, claimed with one conditional UPDATE: of two
    workers at once only one gets the last place."""
    if message.recipient_id is None:
        return True
    NudgeDay.objects.bulk_create([NudgeDay(user_id=message.recipient_id, day=message.nudge_day)], ignore_conflicts=True)
    return bool(
        NudgeDay.objects.filter(
            user_id=message.recipient_id, day=message.nudge_day, sent__lt=settings.NUDGE_EMAILS_PER_DAY
        ).update(sent=F("sent") + 1)
    )


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
