"""Writes for enrollments: applying, the waitlist, approving, withdrawing and adding people directly.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentoring.notifications.services import absolute_link, message_queue
from mentoring.programs import selectors, signals
from mentoring.programs.models import Cohort, Enrollment, EnrollmentStatus
from mentoring.programs.services.guards import lock_cohort
from mentoring.programs.services.invitations import mark_invitations_accepted


def _has_free_place(cohort: Cohort) -> bool:
    return selectors.places_taken(cohort) < cohort.capacity


def _set_status(enrollment: Enrollment, status: str) -> None:
    now = timezone.now()
    enrollment.status = status
    enrollment.status_changed_at = now
    if status == EnrollmentStatus.WAITLISTED:
        # Joining (or rejoining) the waitlist puts the person at its end.
        enrollment.waitlisted_at = now


def promote_from_waitlist(cohort: Cohort, *, base_url: str) -> list[Enrollment]:
    """Give free places to the waitlist in order. The caller holds the cohort's row lock."""
    if not cohort.accepts_participants:
        return []
    free = cohort.capacity - selectors.places_taken(cohort)
    if free <= 0:
        return []
    promoted = list(cohort.enrollments.waitlist().select_related("user")[:free])
    for enrollment in promoted:
        _set_status(enrollment, EnrollmentStatus.APPLIED)
        enrollment.save(update_fields=["status", "status_changed_at"])
        message_queue(
            kind="waitlist_promoted",
            to=enrollment.user.email,
            recipient=enrollment.user,
            timezone=enrollment.user.timezone,
            context={
                "user": enrollment.user,
                "cohort": cohort,
                "link": absolute_link(base_url, enrollment.get_absolute_url()),
            },
        )
    return promoted


def _refuse_unless_people_may_join(cohort: Cohort) -> None:
    if not cohort.accepts_participants:
        raise ValidationError(
            f"This cohort is {cohort.get_status_display().lower()}: nobody can join it any more.", code="closed"
        )


@transaction.atomic
def enrollment_apply(
    *,
    cohort: Cohort,
    user: User,
    goals: str,
    availability: str,
    accepts_confidentiality: bool,
    today: datetime.date | None = None,
) -> Enrollment:
    """An employee enrolls: they take a place if one is free, else they join the end of the waitlist."""
    locked_cohort = lock_cohort(cohort)
    today = today or timezone.localdate()
    if not locked_cohort.is_open_for_enrollment(today):
        if locked_cohort.is_enrolling and today < locked_cohort.enrollment_opens_on:
            raise ValidationError(f"Enrollment opens on {locked_cohort.enrollment_opens_on:%d %b %Y}.", code="closed")
        raise ValidationError("Enrollment for this cohort is closed.", code="closed")
    if not accepts_confidentiality:
        raise ValidationError(
            {"accept_confidentiality": "Please accept the confidentiality statement to take part."}, code="required"
        )
    enrollment = Enrollment.objects.filter(cohort=locked_cohort, user=user).first()
    if enrollment and enrollment.status != EnrollmentStatus.WITHDRAWN:
        raise ValidationError(
            f"You are already enrolled in this cohort ({enrollment.get_status_display().lower()}).", code="duplicate"
        )
    now = timezone.now()
    enrollment = enrollment or Enrollment(cohort=locked_cohort, user=user)
    enrollment.goals, enrollment.availability = goals.strip(), availability.strip()
    enrollment.confidentiality_accepted_at = now
    enrollment.applied_at = now
    enrollment.enrolled_by = None
    _set_status(enrollment, EnrollmentStatus.APPLIED if _has_free_place(locked_cohort) else EnrollmentStatus.WAITLISTED)
    enrollment.full_clean(validate_unique=False)
    enrollment.save()
    mark_invitations_accepted(cohort=locked_cohort, user=user)
    return enrollment


@transaction.atomic
def enrollment_update_details(
    *, enrollment: Enrollment, goals: str, availability: str, accepts_confidentiality: bool
) -> Enrollment:
    """The participant updates their goals and availability (and accepts confidentiality if still open)."""
    if not enrollment.is_current or enrollment.cohort.is_closed:
        raise ValidationError("This enrollment is no longer current, so it cannot change.", code="not_current")
    if not accepts_confidentiality and not enrollment.has_accepted_confidentiality:
        raise ValidationError(
            {"accept_confidentiality": "Please accept the confidentiality statement to take part."}, code="required"
        )
    enrollment.goals, enrollment.availability = goals.strip(), availability.strip()
    if not enrollment.has_accepted_confidentiality:
        enrollment.confidentiality_accepted_at = timezone.now()
    enrollment.full_clean(validate_unique=False)
    enrollment.save(update_fields=["goals", "availability", "confidentiality_accepted_at"])
    return enrollment


@transaction.atomic
def enrollment_withdraw_self(*, enrollment: Enrollment, base_url: str) -> Enrollment:
    """The participant withdraws (until matching starts); their place goes to the first person waiting."""
    locked_cohort = lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    enrollment.cohort = locked_cohort
    if not enrollment.is_current:
        raise ValidationError("You have already left this cohort.", code="not_current")
    if not locked_cohort.allows_withdrawal:
        raise ValidationError(
            "Matching has started, so you can no longer withdraw here: please contact the program team.",
            code="too_late",
        )
    _set_status(enrollment, EnrollmentStatus.WITHDRAWN)
    enrollment.save(update_fields=["status", "status_changed_at"])
    promote_from_waitlist(locked_cohort, base_url=base_url)
    return enrollment


@transaction.atomic
def enrollment_approve(*, enrollment: Enrollment, base_url: str) -> Enrollment:
    locked_cohort = lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().select_related("user").get(pk=enrollment.pk)
    enrollment.cohort = locked_cohort
    _refuse_unless_people_may_join(locked_cohort)
    if enrollment.status == EnrollmentStatus.APPROVED:
        raise ValidationError(f"{enrollment.user} is already approved.", code="no_change")
    if enrollment.status not in (EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED):
        raise ValidationError(
            f"{enrollment.user} is {enrollment.get_status_display().lower()}: only applications and the waitlist "
            "can be approved. Enroll them again instead.",
            code="invalid_status",
        )
    if enrollment.status == EnrollmentStatus.WAITLISTED and not _has_free_place(locked_cohort):
        raise ValidationError(
            f"The cohort is full ({locked_cohort.capacity} places): raise its capacity or withdraw someone first.",
            code="full",
        )
    _set_status(enrollment, EnrollmentStatus.APPROVED)
    enrollment.save(update_fields=["status", "status_changed_at"])
    return enrollment


@transaction.atomic
def enrollment_waitlist(*, enrollment: Enrollment, base_url: str) -> Enrollment:
    """Move someone to the end of the waitlist; the place they free goes to whoever waited longest."""
    locked_cohort = lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().select_related("user").get(pk=enrollment.pk)
    enrollment.cohort = locked_cohort
    _refuse_unless_people_may_join(locked_cohort)
    if enrollment.status not in (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED):
        raise ValidationError(
            f"{enrollment.user} is {enrollment.get_status_display().lower()}: only applied or approved people "
            "can be moved to the waitlist.",
            code="invalid_status",
        )
    # Partnerships live above programs: the cohort's reverse relation asks without importing them.
    if locked_cohort.partnerships.active().for_user(enrollment.user).exists():
        raise ValidationError(
            f"{enrollment.user} already has a partner in this cohort, so they cannot wait for a place. "
            "Withdraw them instead: that ends their partnership.",
            code="paired",
        )
    _set_status(enrollment, EnrollmentStatus.WAITLISTED)
    enrollment.save(update_fields=["status", "status_changed_at", "waitlisted_at"])
    others = promote_from_waitlist(locked_cohort, base_url=base_url)
    if any(e.pk == enrollment.pk for e in others):
        # Nobody else was waiting: the place is theirs again, which is not what the admin asked for.
        raise ValidationError(
            f"Nobody else is waiting and the cohort has room, so {enrollment.user} would get their place back "
            "at once. Withdraw them instead, or lower the capacity first.",
            code="no_effect",
        )
    return enrollment


@transaction.atomic
def enrollment_withdraw_by_admin(*, enrollment: Enrollment, base_url: str) -> Enrollment:
    """The program team takes someone out of the cohort; a partnership they have in it ends with them."""
    locked_cohort = lock_cohort(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().select_related("user").get(pk=enrollment.pk)
    enrollment.cohort = locked_cohort
    if locked_cohort.is_closed:
        raise ValidationError("This cohort is closed: enrollments can no longer change.", code="closed")
    if not enrollment.is_current:
        raise ValidationError(f"{enrollment.user} is already {enrollment.get_status_display().lower()}.")
    _set_status(enrollment, EnrollmentStatus.WITHDRAWN)
    enrollment.save(update_fields=["status", "status_changed_at"])
    # A pair cannot go on without one of its partners: the apps that own pairs end them (and their sessions).
    signals.participant_withdrawn.send(sender=Enrollment, enrollment=enrollment, base_url=base_url)
    promote_from_waitlist(locked_cohort, base_url=base_url)
    return enrollment


@transaction.atomic
def enrollment_add_person(*, cohort: Cohort, user: User, enrolled_by: User, base_url: str) -> Enrollment:
    """A program admin enrolls someone directly: approved if there is room, otherwise waitlisted.

    The person still states their goals and accepts the confidentiality statement on their enrollment page.
    """
    locked_cohort = lock_cohort(cohort)
    _refuse_unless_people_may_join(locked_cohort)
    if not user.is_active:
        raise ValidationError(f"{user.email} is deactivated and cannot join a cohort.", code="inactive")
    enrollment = Enrollment.objects.filter(cohort=locked_cohort, user=user).first()
    if enrollment and enrollment.is_current:
        raise ValidationError(
            f"{user} is already in this cohort ({enrollment.get_status_display().lower()}).", code="duplicate"
        )
    enrollment = enrollment or Enrollment(cohort=locked_cohort, user=user)
    enrollment.applied_at = timezone.now()
    enrollment.enrolled_by = enrolled_by
    _set_status(
        enrollment, EnrollmentStatus.APPROVED if _has_free_place(locked_cohort) else EnrollmentStatus.WAITLISTED
    )
    enrollment.save()
    mark_invitations_accepted(cohort=locked_cohort, user=user)
    message_queue(
        kind="enrolled_by_admin",
        to=user.email,
        recipient=user,
        timezone=user.timezone,
        context={
            "user": user,
            "cohort": locked_cohort,
            "enrollment": enrollment,
            "link": absolute_link(base_url, enrollment.get_absolute_url()),
        },
    )
    return enrollment
