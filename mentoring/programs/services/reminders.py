"""Reminders to complete one's skill profile before matching."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import SkillProfile
from mentoring.core.tasks import ring
from mentoring.notifications.emails import absolute_link, emails_are_muted, queue_email
from mentoring.programs.models import Enrollment


def profile_reminders_request(*, enrollments: Iterable[Enrollment], base_url: str) -> int:
    """Queue a "please complete your skill profile" e-mail for each enrollment, once the caller commits."""
    if emails_are_muted():
        return 0
    ids = [e.pk for e in enrollments]
    for pk in ids:
        ring("mentoring.programs.tasks.send_profile_reminder", enrollment_id=pk, base_url=base_url)
    return len(ids)


def profile_reminder_send(*, enrollment_id: int, base_url: str, today: datetime.date | None = None) -> bool:
    """Send one reminder, at most once per enrollment per day (claimed by a conditional update).

    Returns whether an e-mail went out. Nothing is sent for a complete profile or a finished enrollment.
    """
    today = today or timezone.now().date()
    enrollment = Enrollment.objects.select_related("user", "cohort", "cohort__program").filter(pk=enrollment_id).first()
    if enrollment is None or not enrollment.is_current:
        return False
    profile = SkillProfile.objects.filter(user=enrollment.user).first() or SkillProfile(user=enrollment.user)
    completeness = profile.completeness(enrollment.user.offered_skills.count(), enrollment.user.wanted_skills.count())
    if completeness.is_complete:
        return False
    with transaction.atomic():
        claimed = (
            Enrollment.objects.filter(pk=enrollment_id)
            .exclude(profile_reminder_sent_on=today)
            .update(profile_reminder_sent_on=today)
        )
        if not claimed:
            return False
        queue_email(
            "profile_reminder",
            to=enrollment.user.email,
            context={
                "user": enrollment.user,
                "cohort": enrollment.cohort,
                "completeness": completeness,
                "link": absolute_link(base_url, reverse("accounts:profile_edit")),
            },
        )
    return True
