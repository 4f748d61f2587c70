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
e-mails, failures sent to the ADMINS) are never shown there.
"""

from __future__ import annotations

from dataclasses import dataclass

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
