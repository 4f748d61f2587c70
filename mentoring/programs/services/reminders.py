"""Reminders to complete one's skill profile before matching."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.services import absolute_link, message_draft, messages_are_muted, messages_queue
from mentoring.programs import selectors
from mentoring.programs.models import Enrollment


@transaction.atomic
def profile_reminders_request(*, enrollment_ids: list[int], base_url: str, today: datetime.date | None = None) -> int:
    """E-mail each participant whose skill profile is incomplete a "please complete it" reminder, at most once per
    enrollment per day: the message key ``profile_reminder:<enrollment>:<day>`` claims the day, so two clicks or two
    admins at once still send one. Nobody is reminded of a complete profile or a finished enrollment. Returns how
    many reminders were queued."""
    if messages_are_muted():
        return 0
    today = today or timezone.now().date()
    link = absolute_link(base_url, reverse("accounts:profile_edit"))
    due = {
        f"profile_reminder:{enrollment.pk}:{today.isoformat()}": (enrollment, completeness)
        for enrollment, completeness in selectors.profile_completeness(enrollment_ids)
        if enrollment.is_current and not completeness.is_complete
    }
    queued = messages_queue(
        message_draft(
            kind="profile_reminder",
            to=enrollment.user.email,
            recipient=enrollment.user,
            timezone=enrollment.user.timezone,
            key=key,
            context={"user": enrollment.user, "cohort": enrollment.cohort, "completeness": completeness, "link": link},
        )
        for key, (enrollment, completeness) in due.items()
    )
    # What the cohort page shows ("Reminded today").
    Enrollment.objects.filter(pk__in=[due[message.key][0].pk for message in queued]).update(
        profile_reminder_sent_on=today
    )
    return len(queued)
