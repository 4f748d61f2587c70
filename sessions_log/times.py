"""Time zones of people and the wall-clock times they type."""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_to_utc(day: datetime.date, time: datetime.time, zone_name: str) -> datetime.datetime:
    """The UTC instant of a wall-clock time in ``zone_name``, refusing times a clock change makes unclear.

    In a DST gap the wall time never happens; in a DST fold it happens twice. Python's ``fold`` attribute
    picks one of the two readings; when both readings give different UTC offsets, the time is one of those.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    naive = datetime.datetime.combine(day, time.replace(second=0, microsecond=0, tzinfo=None))
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    when = f"{time:%H:%M} on {date_format(day, 'j F Y')}"
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            raise ValidationError(
                {
                    "time": f"{when} does not exist in {zone_name}: the clocks jump forward then. "
                    "Pick a time outside the change, e.g. an hour later."
                },
                code="dst_gap",
            )
        raise ValidationError(
            {
                "time": f"{when} happens twice in {zone_name}: the clocks go back then, so it is ambiguous. "
                "Pick a time outside the change, e.g. an hour later."
            },
            code="dst_fold",
        )
    return first.astimezone(datetime.UTC)


def local_text(value: datetime.datetime, user: User) -> str:
    return date_format(timezone.localtime(value, user_zone(user)), "D j M Y, H:i")
