"""What each person chose to receive, and the rules that hold a nudge back: quiet hours and the daily cap.

Per kind of message (mentoring.notifications.kinds) a person chooses e-mail (the default: an e-mail and an entry in
the app), in the app only, or off. A kind that cannot be turned off is always e-mailed; system kinds (account
e-mails, alerts to the ADMINS) have no choice and no entry in the app.

A nudge (``Kind.nudge``) is never e-mailed at night in its recipient's time zone (QUIET_FROM to QUIET_UNTIL): it
waits for the morning. At most ``NUDGE_EMAILS_PER_DAY`` nudge e-mails go to one person on one of their days; the
rest are folded into a digest the next morning (their entries in the app are there at once).

An e-mail of a kind that can be turned off carries a signed link (``unsubscribe_token``) that turns that kind off
for its recipient in one click, without signing in (RFC 8058).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction

from mentoring.notifications import kinds
from mentoring.notifications.models import Delivery, NotificationPreference

QUIET_FROM = datetime.time(20, 0)
QUIET_UNTIL = datetime.time(8, 0)
UNSUBSCRIBE_SALT = "twoway.notifications.unsubscribe"
# An old e-mail's link still works for a year; after that the preferences page is one sign-in away.
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=365)


def zone_of(name: str | None) -> zoneinfo.ZoneInfo:
    """The named zone, or the server's for an empty or unknown name."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _at(day: datetime.date, time: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=zone).astimezone(datetime.UTC)


def after_quiet_hours(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """``moment``, or the next QUIET_UNTIL in ``zone`` if it falls at night there (unless NUDGE_QUIET_HOURS is off)."""
    if not settings.NUDGE_QUIET_HOURS:
        return moment
    local = moment.astimezone(zone)
    if local.time() >= QUIET_FROM:
        return _at(local.date() + datetime.timedelta(days=1), QUIET_UNTIL, zone)
    if local.time() < QUIET_UNTIL:
        return _at(local.date(), QUIET_UNTIL, zone)
    return moment


def nudge_schedule(
    send_after: datetime.datetime, zone_name: str | None
) -> tuple[datetime.datetime, datetime.date, datetime.datetime]:
    """For a nudge e-mail due at ``send_after``: when it may go (after quiet hours), the recipient's day it counts
    on, and when its digest would go if it is folded (the next morning, QUIET_UNTIL local)."""
    zone = zone_of(zone_name)
    when = after_quiet_hours(send_after, zone)
    day = when.astimezone(zone).date()
    return when, day, _at(day + datetime.timedelta(days=1), QUIET_UNTIL, zone)


def choices_for(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The stored choices of these (user id, kind) pairs: one query for a whole batch of messages."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = NotificationPreference.objects.filter(
        user_id__in={user for user, _ in pairs}, kind__in={kind for _, kind in pairs}
    ).values_list("user_id", "kind", "delivery")
    return {(user, kind): delivery for user, kind, delivery in rows if (user, kind) in pairs}


def delivery_of(kind: kinds.Kind, stored: str | None) -> str:
    """What happens to a message of ``kind``: a kind that cannot be turned off is always e-mailed."""
    if not kind.can_turn_off or stored not in Delivery.values:
        return Delivery.EMAIL
    return stored


def preferences_of(user) -> dict[str, str]:
    """Every kind this person may choose for, with their choice (or the default)."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.name: delivery_of(kind, stored.get(kind.name)) for kind in kinds.kinds_for(user)}


@transaction.atomic
def preferences_save(*, user, choices: dict[str, str]) -> int:
    """Store this person's choices for the kinds they may turn off (others are ignored: they stay e-mailed).
    A choice equal to the default removes its row. Returns how many kinds are not e-mailed now."""
    allowed = {kind.name for kind in kinds.kinds_for(user) if kind.can_turn_off}
    wanted = {name: value for name, value in choices.items() if name in allowed and value in Delivery.values}
    NotificationPreference.objects.filter(user=user, kind__in=allowed).exclude(
        kind__in=[name for name, value in wanted.items() if value != Delivery.EMAIL]
    ).delete()
    for name, value in wanted.items():
        if value != Delivery.EMAIL:
            NotificationPreference.objects.update_or_create(user=user, kind=name, defaults={"delivery": value})
    return sum(value != Delivery.EMAIL for value in wanted.values())


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, kinds.Kind] | None:
    """The user id and kind a token names, or None when it is tampered with, expired, or names a kind that cannot
    be turned off."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
        user_id, name = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    kind = kinds.get(name)
    if not kind.can_turn_off or kind.audience == kinds.SYSTEM:
        return None
    return user_id, kind


@transaction.atomic
def unsubscribe(*, user_id: int, kind: kinds.Kind) -> None:
    """Turn one kind off for one person (the one-click link of its e-mails)."""
    NotificationPreference.objects.update_or_create(user_id=user_id, kind=kind.name, defaults={"delivery": "off"})
