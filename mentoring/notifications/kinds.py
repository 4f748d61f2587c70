"""The kinds of message Twoway sends: one registry, filled by each app's ``kinds.py``.

Every message the outbox writes has a ``kind`` (its templates' name: ``templates/emails/<kind>_*``). An app says what
its kinds are in its own ``kinds.py`` (found by ``autodiscover`` when the notifications app is ready), so this app
never imports the apps that send messages::

    from mentoring.notifications.kinds import Kind, register

    register(Kind("checkin_due", "Check-in reminders", "After a session, until you have filled its check-in.",
                  nudge=True))

``can_turn_off``: a person may choose in-app only or off for it (session invitations and match notices: no).
``nudge``: a reminder that can wait: quiet hours and the daily cap apply to it, and its excess folds into a digest.
``audience``: who may see it in their preferences (``participants`` or ``admins``); ``system`` kinds (account
e-mails, failures sent to the ADMINS) are never shown there. Who belongs to an audience other than participants
(everyone signed in) is said by the app that knows roles, with ``register_audience`` (accounts/kinds.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules

PARTICIPANTS = "participants"
ADMINS = "admins"
SYSTEM = "system"


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    description: str = ""
    can_turn_off: bool = True
    nudge: bool = False
    audience: str = PARTICIPANTS
    in_app: bool = True  # also an entry in the person's in-app list (a digest of entries already there: no)


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind; registering the same name twice with different words is a programming error."""
    known = _registry.get(kind.name)
    if known is not None and known != kind:
        raise ValueError(f"The message kind {kind.name!r} is registered twice, differently.")
    _registry[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    """The kind of this name; a name nobody registered is a system message (it cannot be turned off)."""
    return _registry.get(name) or Kind(name, name.replace("_", " ").capitalize(), can_turn_off=False, audience=SYSTEM)


def all_kinds() -> list[Kind]:
    return sorted(_registry.values(), key=lambda kind: (kind.audience, kind.label))


def autodiscover() -> None:
    autodiscover_modules("kinds")


@dataclass(frozen=True)
class Audience:
    """Who an audience is: ``includes(user)`` for one person (their preferences page), ``members()`` for all of
    them (a digest's recipients)."""

    includes: Callable[[Any], bool]
    members: Callable[[], Iterable[Any]]


_audiences: dict[str, Audience] = {}


def register_audience(name: str, *, includes: Callable[[Any], bool], members: Callable[[], Iterable[Any]]) -> None:
    _audiences[name] = Audience(includes=includes, members=members)


def audience_members(name: str) -> list:
    audience = _audiences.get(name)
    return list(audience.members()) if audience else []


def kinds_for(user) -> list[Kind]:
    """The kinds this person may choose for on their preferences page: participants' kinds for everyone signed in,
    an audience's kinds for its members, never system kinds."""

    def sees(audience: str) -> bool:
        if audience == PARTICIPANTS:
            return True
        return audience != SYSTEM and audience in _audiences and bool(_audiences[audience].includes(user))

    return [kind for kind in all_kinds() if sees(kind.audience)]


# What the outbox itself sends.
register(
    Kind(
        "nudge_digest",
        "Morning digest of reminders",
        "When more reminders come in one day than you get e-mails for, the rest come together the next morning.",
        in_app=False,
    )
)
register(
    Kind(
        "admin_weekly_digest",
        "Weekly digest for program admins",
        "Monday morning: new enrollments, surveys closing soon, check-ins asking for contact, failed messages.",
        audience=ADMINS,
    )
)
