"""How sessions answer what partnerships announce (see mentoring.partnerships.signals)."""

from django.dispatch import receiver

from mentoring.partnerships.signals import partnership_ended
from sessions_log.services.scheduling import sessions_cancel_for_ended_partnership


@receiver(partnership_ended, dispatch_uid="sessions_log.cancel_sessions_of_ended_partnership")
def cancel_sessions_of_ended_partnership(sender, *, partnership, by, base_url: str, **kwargs) -> None:
    """Sessions still to come leave both calendars when their pair ends."""
    sessions_cancel_for_ended_partnership(partnership=partnership, by=by, base_url=base_url)
