"""Reads of the outbox."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from mentoring.notifications.models import Channel, Message, MessageState


def message_keys_taken(keys: Iterable[str]) -> set[str]:
    """Which of these keys already have a message (sent or not): one query, on the unique index."""
    return set(Message.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def messages_to_sweep(*, now: datetime.datetime, settled: datetime.datetime, limit: int) -> list[int]:
    """Rows that should be moving: pending, due and older than ``settled`` (younger ones still have their own
    doorbell), or being sent under a lease that expired. Oldest due first."""
    waiting = Q(state=MessageState.PENDING, send_after__lte=now, created_at__lte=settled) & (
        Q(expires_at=None) | Q(expires_at__gt=now)
    )
    lost = Q(state=MessageState.SENDING, claimed_until__lt=now)
    return list(
        Message.objects.filter(waiting | lost).order_by("send_after", "pk").values_list("pk", flat=True)[:limit]
    )


def failed_messages() -> QuerySet[Message]:
    """Messages that could not be sent, newest first: what an admin sees (never their text)."""
    return (
        Message.objects.failed()
        .only("pk", "kind", "channel", "address", "attempts", "last_error", "created_at", "state")
        .order_by("-created_at", "-pk")
    )


def failed_message_count() -> int:
    return Message.objects.failed().count()


def in_app_entries(user) -> QuerySet[Message]:
    """This person's in-app entries, newest first: only theirs."""
    return (
        Message.objects.filter(recipient=user, channel=Channel.IN_APP)
        .only("pk", "kind", "subject", "link", "created_at", "read_at")
        .order_by("-created_at", "-pk")
    )


def unread_count(user) -> int:
    """The bell's number: one query on the (recipient, channel, read_at) index."""
    return Message.objects.filter(recipient=user, channel=Channel.IN_APP, read_at=None).count()
