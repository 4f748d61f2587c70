"""Time zones of people and the wall-clock times they type."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

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


# A time the partner is asked to meet at is flagged when the session does not fit inside these hours of their day.
PARTNER_DAY_STARTS = datetime.time(8, 0)
PARTNER_DAY_ENDS = datetime.time(19, 0)


def zone_place(zone: zoneinfo.ZoneInfo) -> str:
    """The place a zone is named after, for a sentence: "Africa/Casablanca" → "Casablanca"."""
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class PartnerTime:
    """One proposed time as the proposer and as the partner see it on their own clocks."""

    mine: datetime.datetime
    theirs: datetime.datetime
    theirs_end: datetime.datetime
    partner_name: str
    partner_place: str
    same_zone: bool

    @property
    def outside_hours(self) -> bool:
        """The session starts before 08:00 or ends after 19:00 on the partner's clock (or runs past midnight)."""
        return (
            self.theirs.time() < PARTNER_DAY_STARTS
            or self.theirs_end.date() != self.theirs.date()
            or self.theirs_end.time() > PARTNER_DAY_ENDS
        )

    @property
    def text(self) -> str:
        """ "09:00 for you is 04:30 for Fatima in Casablanca", with the day when the two days differ."""
        if self.same_zone:
            return f"{self.mine:%H:%M} for you is {self.theirs:%H:%M} for {self.partner_name} too (same time zone)."
        if self.mine.date() == self.theirs.date():
            mine, theirs = f"{self.mine:%H:%M}", f"{self.theirs:%H:%M}"
        else:
            mine, theirs = f"{self.mine:%a %H:%M}", f"{self.theirs:%a %H:%M}"
        return f"{mine} for you is {theirs} for {self.partner_name} in {self.partner_place}."

    @property
    def warning(self) -> str:
        if not self.outside_hours:
            return ""
        return (
            f"That is outside {PARTNER_DAY_STARTS:%H:%M}–{PARTNER_DAY_ENDS:%H:%M} for {self.partner_name}: "
            f"{self.theirs:%H:%M}–{self.theirs_end:%H:%M} on their clock."
        )


def partner_time(start: datetime.datetime, minutes: int, *, viewer: User, partner: User) -> PartnerTime:
    """``start`` (UTC) on the viewer's clock and on the partner's, computed with each person's own zone."""
    mine_zone, their_zone = user_zone(viewer), user_zone(partner)
    end = start + datetime.timedelta(minutes=minutes)
    return PartnerTime(
        mine=start.astimezone(mine_zone),
        theirs=start.astimezone(their_zone),
        theirs_end=end.astimezone(their_zone),
        partner_name=partner.display_name,
        partner_place=zone_place(their_zone),
        same_zone=mine_zone.key == their_zone.key,
    )
