"""Digests: the morning e-mail that gathers the nudges beyond a person's daily cap, and program admins' weekly one.

The weekly digest's sections come from the apps that own the data, through ``register_section`` (e.g.
mentoring/home/digests.py, found by ``autodiscover`` like kinds.py), so this app imports none of them. A section is a
function of the week, ``(since, until)`` as aware datetimes, returning a ``Section``; its ``lines`` may be empty,
and then its ``empty`` words say so.

Both are keyed (``nudge_digest:<user>:<day>``, ``admin_weekly_digest:<user>:<ISO year>-W<week>``): two beats at
the same moment write one of each.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from mentoring.notifications import kinds, selectors
from mentoring.notifications.models import Message, MessageState
from mentoring.notifications.services import absolute_link, message_draft, messages_are_muted, messages_queue


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    link: str = ""  # a path: the page where an admin acts on it
    empty: str = "Nothing this week."


SectionFunction = Callable[[datetime.datetime, datetime.datetime], Section]
_sections: list[tuple[int, str, SectionFunction]] = []


def register_section(name: str, function: SectionFunction, *, order: int = 100) -> None:
    """Add a section to the weekly digest (a name registered again replaces the earlier one)."""
    _sections[:] = [entry for entry in _sections if entry[1] != name]
    _sections.append((order, name, function))
    _sections.sort(key=lambda entry: (entry[0], entry[1]))


def autodiscover() -> None:
    autodiscover_modules("digests")


def weekly_sections(*, since: datetime.datetime, until: datetime.datetime) -> list[Section]:
    return [function(since, until) for _, _, function in _sections]


def _failed_messages(since: datetime.datetime, until: datetime.datetime) -> Section:
    failed = list(selectors.failed_messages()[:10])
    total = selectors.failed_message_count()
    lines = [f"{kinds.get(message.kind).label} to {message.address}: {message.last_error[:120]}" for message in failed]
    if total > len(failed):
        lines.append(f"… and {total - len(failed)} more.")
    return Section(
        title=f"Messages that could not be sent ({total})",
        lines=lines,
        # The program admins' page of failed messages (mentoring.programs): named by URL, never imported.
        link=reverse("programs:failed_messages"),
        empty="None: every message went out.",
    )


register_section("failed_messages", _failed_messages, order=900)


def iso_week(moment: datetime.datetime) -> str:
    year, week, _ = timezone.localtime(moment).isocalendar()
    return f"{year}-W{week:02d}"


@transaction.atomic
def admin_weekly_digests_queue(*, now: datetime.datetime | None = None) -> int:
    """Monday morning (beat): every program admin gets the week's digest once (keyed per admin and ISO week).
    Returns how many were queued."""
    if messages_are_muted():
        return 0
    now = now or timezone.now()
    since = now - datetime.timedelta(days=7)
    admins = kinds.audience_members(kinds.ADMINS)
    if not admins:
        return 0
    sections = weekly_sections(since=since, until=now)
    week = iso_week(now)
    site = settings.SITE_URL
    drafts = [
        message_draft(
            kind="admin_weekly_digest",
            to=admin.email,
            recipient=admin,
            timezone=getattr(admin, "timezone", None),
            key=f"admin_weekly_digest:{admin.pk}:{week}",
            context={
                "user": admin,
                "week": week,
                "since": since,
                "until": now,
                "sections": [
                    {"section": section, "link": absolute_link(site, section.link) if section.link else ""}
                    for section in sections
                ],
                "link": absolute_link(site, reverse("programs:program_list")),
            },
        )
        for admin in admins
    ]
    return len(messages_queue(drafts))


@transaction.atomic
def nudge_digests_queue(*, now: datetime.datetime | None = None) -> int:
    """Beat, every 15 minutes: for each person and day whose folded nudges' morning has come, one digest listing
    them (keyed ``nudge_digest:<user>:<day>``); the folded rows then point at it. Returns how many were queued."""
    if messages_are_muted():
        return 0
    now = now or timezone.now()
    folded = list(
        Message.objects.filter(state=MessageState.FOLDED, digest=None, digest_after__lte=now)
        .select_related("recipient")
        .order_by("recipient_id", "nudge_day", "created_at", "pk")
    )
    by_day: dict[tuple[int, datetime.date], list[Message]] = defaultdict(list)
    for message in folded:
        if message.recipient_id is not None:
            by_day[message.recipient_id, message.nudge_day].append(message)
    site = settings.SITE_URL
    drafts = []
    for (user_id, day), messages in by_day.items():
        recipient = messages[0].recipient
        drafts.append(
            message_draft(
                kind="nudge_digest",
                to=recipient.email,
                recipient=recipient,
                timezone=getattr(recipient, "timezone", None),
                key=f"nudge_digest:{user_id}:{day.isoformat()}",
                context={
                    "user": recipient,
                    "day": day,
                    "cap": settings.NUDGE_EMAILS_PER_DAY,
                    "items": [
                        {"subject": m.subject.removeprefix("[Twoway] "), "link": absolute_link(site, m.link or "/")}
                        for m in messages
                    ],
                    "link": absolute_link(site, reverse("notifications:list")),
                },
            )
        )
    queued = messages_queue(drafts)
    # A digest another beat wrote at the same moment is found by its key.
    keys = {draft.key: key_messages for draft, key_messages in zip(drafts, by_day.values(), strict=True)}
    digests = dict(Message.objects.filter(key__in=list(keys)).values_list("key", "pk"))
    for key, messages in keys.items():
        if key in digests:
            Message.objects.filter(pk__in=[m.pk for m in messages]).update(digest_id=digests[key])
    return len(queued)
