"""The outbox: one row per message Twoway sends, written in the transaction of the change that causes it.

A worker claims a row (``pending`` → ``sending`` with a lease), sends it, then marks it ``sent``. A temporary error
gives the row back (``pending`` again, ``send_after`` later); after ``MAX_ATTEMPTS`` it is ``failed`` and shown to
admins. A row whose worker died keeps its ``sending`` state until its lease (``claimed_until``) expires, then the
sweeper has it sent again. The broker only rings the doorbell; this table is what has to be sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    """How a message reaches its recipient. Slack and Teams join e-mail and in-app here."""

    EMAIL = "email", "E-mail"
    # An entry of the person's notification list (the bell): written already "sent", never rung for.
    IN_APP = "in_app", "In the app"


class MessageState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
    CANCELLED = "cancelled", "Cancelled"
    # A nudge e-mail beyond the day's cap: not sent on its own, listed in the next morning's digest.
    FOLDED = "folded", "Folded into a digest"


class CalendarMethod(models.TextChoices):
    """The iTIP method of a calendar part (RFC 5546): an invitation or update, or a cancellation."""

    REQUEST = "REQUEST", "Invitation or update"
    CANCEL = "CANCEL", "Cancellation"


class MessageQuerySet(models.QuerySet):
    def failed(self) -> MessageQuerySet:
        return self.filter(state=MessageState.FAILED)


class Message(models.Model):
    """One message to one address, rendered when it was queued (subject, text, HTML, calendar part)."""

    # What a message says can quote a pair's words: admins see who was sent what kind, and when.
    private_fields = ("body", "html", "calendar")

    kind = models.CharField(max_length=64, help_text="What it is about, e.g. session_invitation: its templates' name.")
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for an address without an account (an invitation, the ADMINS).",
    )
    address = models.CharField(max_length=254)
    from_email = models.CharField(max_length=254, blank=True, help_text="Empty: DEFAULT_FROM_EMAIL.")
    subject = models.TextField(blank=True)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    calendar_method = models.CharField(max_length=8, choices=CalendarMethod.choices, blank=True)
    calendar = models.TextField(blank=True, help_text="The iCalendar text sent beside the message, if any.")
    headers = models.JSONField(default=dict, blank=True, help_text="Extra e-mail headers.")
    message_id_header = models.CharField(
        max_length=255, unique=True, help_text="The Message-ID header: a resend after a crash carries the same one."
    )
    key = models.CharField(
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text="Whatever makes this message once-only, e.g. session_reminder:<session>:<user>:<sequence>:<lead>.",
    )
    state = models.CharField(max_length=16, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now, help_text="Not sent before this moment.")
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Not sent after this moment (a reminder of a session that has started)."
    )
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="The lease of the worker sending it.")
    sent_at = models.DateTimeField(null=True, blank=True)
    link = models.CharField(
        max_length=500, blank=True, help_text="The page it is about (a path): the bell leads there."
    )
    read_at = models.DateTimeField(null=True, blank=True, help_text="In-app: when its recipient read it.")
    nudge_day = models.DateField(
        null=True, blank=True, help_text="A nudge e-mail: the recipient's own day it is due on (the daily cap's day)."
    )
    digest_after = models.DateTimeField(
        null=True, blank=True, help_text="A nudge e-mail: if folded, its digest goes at this moment (08:00 local)."
    )
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="folded",
        help_text="A folded nudge e-mail: the digest that listed it.",
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweeper: pending rows by when they may go, and rows being sent by when their lease ends.
            models.Index(fields=["state", "send_after"], name="message_state_send_after"),
            models.Index(fields=["state", "claimed_until"], name="message_state_claimed_until"),
            # The bell: a person's in-app entries, unread first counted, newest first listed.
            models.Index(fields=["recipient", "channel", "read_at"], name="message_recipient_unread"),
            # The digest beat: folded nudges whose morning has come.
            models.Index(fields=["state", "digest_after"], name="message_state_digest_after"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=MessageState.values), name="message_state_valid"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="message_channel_valid"),
            models.CheckConstraint(
                condition=models.Q(calendar_method__in=["", *CalendarMethod.values]),
                name="message_calendar_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.address} ({self.get_state_display().lower()})"


class Delivery(models.TextChoices):
    """What a person chose for one kind of message."""

    EMAIL = "email", "E-mail (and in the app)"
    IN_APP = "in_app", "In the app only"
    OFF = "off", "Off"


class NotificationPreference(models.Model):
    """One person's choice for one kind of message. No row: the default, e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=models.Q(delivery__in=Delivery.values), name="notification_preference_delivery_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class NudgeDay(models.Model):
    """How many nudge e-mails a person was sent on one of their own days: the daily cap claims a place here with one
    conditional UPDATE, so two workers at once never send more than the cap."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="nudge_day_once")]

    def __str__(self) -> str:
        return f"{self.day}: {self.sent}"
