"""Writes for programs, cohorts, enrollments and invitations.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.adapters import domain_error_message, email_domain_allowed
from accounts.models import SkillProfile, User
from mentoring import selectors
from mentoring.emails import emails_are_muted, queue_email
from mentoring.models import (
    Cohort,
    CohortRules,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Invitation,
    Partnership,
    PartnershipStatus,
    Program,
)
from mentoring.tasks import send_profile_reminder
from sessions_log.services import sessions_cancel_for_ended_partnership

PROGRAM_FIELDS = ("name", "purpose", "confidentiality_statement", *CohortRules.RULE_FIELDS)


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


# --- Programs -------------------------------------------------------------------------------------


@transaction.atomic
def program_create(*, created_by: User | None, data: dict) -> Program:
    program = Program(created_by=created_by, **{k: data[k] for k in PROGRAM_FIELDS if k in data})
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def program_update(*, program: Program, data: dict) -> Program:
    """Change the program and its default rules. Existing cohorts keep their own copy of the rules."""
    for name in PROGRAM_FIELDS:
        if name in data:
            setattr(program, name, data[name])
    program.full_clean()
    program.save()
    return program


# --- Cohorts --------------------------------------------------------------------------------------


@transaction.atomic
def cohort_create(*, program: Program, data: dict) -> Cohort:
    """A new draft cohort. Rules not given are copied from the program's defaults."""
    values = program.rule_values()
    values.update({k: v for k, v in data.items() if k in selectors.COHORT_EDITABLE_FIELDS})
    cohort = Cohort(program=program, status=CohortStatus.DRAFT, **values)
    cohort.full_clean()
    cohort.save()
    return cohort


def _lock(cohort: Cohort) -> Cohort:
    """Re-read the cohort under a row lock: capacity and status decisions are made on fresh data."""
    return Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)


@transaction.atomic
def cohort_update(*, cohort: Cohort, data: dict, base_url: str) -> Cohort:
    """Change a cohort's dates, capacity and rules. Rules that published matches depend on are refused."""
    locked_cohort = _lock(cohort)
    changes = {
        name: value
        for name, value in data.items()
        if name in selectors.COHORT_EDITABLE_FIELDS and getattr(locked_cohort, name) != value
    }
    if locked_cohort.status == CohortStatus.CLOSED and changes:
        raise ValidationError("This cohort is closed: it can no longer change.")
    locked_fields = selectors.cohort_locked_fields(locked_cohort)
    frozen = [name for name in selectors.COHORT_EDITABLE_FIELDS if name in changes and name in locked_fields]
    if frozen:
        labels = ", ".join(str(Cohort._meta.get_field(name).verbose_name) for name in frozen)
        raise ValidationError(
            f"Matches are already published, so these rules can no longer change: {labels}.", code="rules_locked"
        )
    old_capacity = locked_cohort.capacity
    for name, value in changes.items():
        setattr(locked_cohort, name, value)
    locked_cohort.full_clean()
    locked_cohort.save()
    if locked_cohort.capacity > old_capacity:
        _promote_from_waitlist(locked_cohort, base_url=base_url)
    return locked_cohort


@transaction.atomic
def cohort_transition(*, cohort: Cohort, to: str, today: datetime.date | None = None) -> Cohort:
    """Move the cohort to its next status, or refuse with the reasons it cannot move yet."""
    locked_cohort = _lock(cohort)
    blockers = selectors.cohort_transition_blockers(locked_cohort, to, today=today)
    if blockers:
        raise ValidationError(blockers, code="transition_refused")
    if to == CohortStatus.CLOSED:
        _close_enrollments(locked_cohort)
        _end_partnerships(locked_cohort)
    locked_cohort.status = to
    locked_cohort.status_changed_at = timezone.now()
    locked_cohort.save(update_fields=["status", "status_changed_at", "updated_at"])
    return locked_cohort


def cohort_open_enrollment(*, cohort: Cohort, today: datetime.date | None = None) -> Cohort:
    return cohort_transition(cohort=cohort, to=CohortStatus.ENROLLING, today=today)


def cohort_start_matching(*, cohort: Cohort) -> Cohort:
    return cohort_transition(cohort=cohort, to=CohortStatus.MATCHING)


def cohort_activate(*, cohort: Cohort) -> Cohort:
    """Refused unless the cohort has published matches (see selectors.cohort_has_published_matches)."""
    return cohort_transition(cohort=cohort, to=CohortStatus.ACTIVE)


def cohort_close(*, cohort: Cohort) -> Cohort:
    """Final: approved participants become alumni; anyone still waiting is withdrawn; active pairs end."""
    return cohort_transition(cohort=cohort, to=CohortStatus.CLOSED)


COHORT_CLOSED_REASON = "The cohort closed."


def _end_partnerships(cohort: Cohort) -> None:
    """The round is over: pairs end (their goals can then be closed). Links in the cancellation e-mails use
    SITE_URL, as closing needs no request."""
    _end_by_program_team(cohort.partnerships.active(), reason=COHORT_CLOSED_REASON, base_url=settings.SITE_URL)


def _end_by_program_team(partnerships, *, reason: str, base_url: str) -> None:
    """End these partnerships for the program team: each page says why, and sessions still to come are
    cancelled so they leave both calendars."""
    now = timezone.now()
    for partnership in partnerships.select_for_update(of=("self",)):
        partnership.status = PartnershipStatus.ENDED
        partnership.ended_at = now
        partnership.end_reason = reason
        partnership.save(update_fields=["status", "ended_at", "end_reason"])
        sessions_cancel_for_ended_partnership(partnership=partnership, by=None, base_url=base_url)


def _close_enrollments(cohort: Cohort) -> None:
    now = timezone.now()
    cohort.enrollments.filter(status=EnrollmentStatus.APPROVED).update(
        status=EnrollmentStatus.ALUMNI, status_changed_at=now
    )
    cohort.enrollments.filter(status__in=[EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED]).update(
        status=EnrollmentStatus.WITHDRAWN, status_changed_at=now
    )


# --- Enrollment -----------------------------------------------------------------------------------


def _has_free_place(cohort: Cohort) -> bool:
    return selectors.places_taken(cohort) < cohort.capacity


def _set_status(enrollment: Enrollment, status: str) -> None:
    now = timezone.now()
    enrollment.status = status
    enrollment.status_changed_at = now
    if status == EnrollmentStatus.WAITLISTED:
        # Joining (or rejoining) the waitlist puts the person at its end.
        enrollment.waitlisted_at = now


def _promote_from_waitlist(cohort: Cohort, *, base_url: str) -> list[Enrollment]:
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
        queue_email(
            "waitlist_promoted",
            to=enrollment.user.email,
            context={
                "user": enrollment.user,
                "cohort": cohort,
                "link": _absolute(base_url, enrollment.get_absolute_url()),
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
    locked_cohort = _lock(cohort)
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
    _mark_invitations_accepted(cohort=locked_cohort, user=user)
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
    locked_cohort = _lock(enrollment.cohort)
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
    _promote_from_waitlist(locked_cohort, base_url=base_url)
    return enrollment


@transaction.atomic
def enrollment_approve(*, enrollment: Enrollment, base_url: str) -> Enrollment:
    locked_cohort = _lock(enrollment.cohort)
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
    locked_cohort = _lock(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().select_related("user").get(pk=enrollment.pk)
    enrollment.cohort = locked_cohort
    _refuse_unless_people_may_join(locked_cohort)
    if enrollment.status not in (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED):
        raise ValidationError(
            f"{enrollment.user} is {enrollment.get_status_display().lower()}: only applied or approved people "
            "can be moved to the waitlist.",
            code="invalid_status",
        )
    if _active_partnerships(locked_cohort, enrollment.user).exists():
        raise ValidationError(
            f"{enrollment.user} already has a partner in this cohort, so they cannot wait for a place. "
            "Withdraw them instead: that ends their partnership.",
            code="paired",
        )
    _set_status(enrollment, EnrollmentStatus.WAITLISTED)
    enrollment.save(update_fields=["status", "status_changed_at", "waitlisted_at"])
    others = _promote_from_waitlist(locked_cohort, base_url=base_url)
    if any(e.pk == enrollment.pk for e in others):
        # Nobody else was waiting: the place is theirs again, which is not what the admin asked for.
        raise ValidationError(
            f"Nobody else is waiting and the cohort has room, so {enrollment.user} would get their place back "
            "at once. Withdraw them instead, or lower the capacity first.",
            code="no_effect",
        )
    return enrollment


def _active_partnerships(cohort: Cohort, user: User):
    return Partnership.objects.active().for_user(user).filter(cohort=cohort)


@transaction.atomic
def enrollment_withdraw_by_admin(*, enrollment: Enrollment, base_url: str) -> Enrollment:
    """The program team takes someone out of the cohort; a partnership they have in it ends with them."""
    locked_cohort = _lock(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().select_related("user").get(pk=enrollment.pk)
    enrollment.cohort = locked_cohort
    if locked_cohort.is_closed:
        raise ValidationError("This cohort is closed: enrollments can no longer change.", code="closed")
    if not enrollment.is_current:
        raise ValidationError(f"{enrollment.user} is already {enrollment.get_status_display().lower()}.")
    _set_status(enrollment, EnrollmentStatus.WITHDRAWN)
    enrollment.save(update_fields=["status", "status_changed_at"])
    # A pair cannot go on without one of its partners: its page then says why it ended, and its sessions still to
    # come are cancelled.
    _end_by_program_team(
        _active_partnerships(locked_cohort, enrollment.user),
        reason=f"{enrollment.user.display_name} was withdrawn from the cohort by the program team.",
        base_url=base_url,
    )
    _promote_from_waitlist(locked_cohort, base_url=base_url)
    return enrollment


@transaction.atomic
def enrollment_add_person(*, cohort: Cohort, user: User, enrolled_by: User, base_url: str) -> Enrollment:
    """A program admin enrolls someone directly: approved if there is room, otherwise waitlisted.

    The person still states their goals and accepts the confidentiality statement on their enrollment page.
    """
    locked_cohort = _lock(cohort)
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
    _mark_invitations_accepted(cohort=locked_cohort, user=user)
    queue_email(
        "enrolled_by_admin",
        to=user.email,
        context={
            "user": user,
            "cohort": locked_cohort,
            "enrollment": enrollment,
            "link": _absolute(base_url, enrollment.get_absolute_url()),
        },
    )
    return enrollment


# --- Invitations ----------------------------------------------------------------------------------


def _mark_invitations_accepted(*, cohort: Cohort, user: User) -> None:
    Invitation.objects.pending().filter(cohort=cohort, email__iexact=user.email).update(
        accepted_at=timezone.now(), accepted_by=user
    )


@transaction.atomic
def invitations_send(*, cohort: Cohort, emails: Iterable[str], invited_by: User, base_url: str) -> list[Invitation]:
    """Invite people by e-mail to enroll. All addresses are checked first; then all are sent, or none.

    Inviting the same address again sends the same link again.
    """
    locked_cohort = _lock(cohort)
    if locked_cohort.status != CohortStatus.ENROLLING:
        raise ValidationError("Open enrollment before inviting people.", code="not_enrolling")
    emails = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not emails:
        raise ValidationError({"emails": "Enter at least one e-mail address."}, code="required")
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    current = set(
        locked_cohort.enrollments.current().filter(user__in=users.values()).values_list("user__email", flat=True)
    )
    problems = []
    for email in emails:
        if email in current:
            problems.append(f"{email} is already enrolled in this cohort.")
        elif email not in users and not email_domain_allowed(email):
            problems.append(f"{email} cannot sign up: {domain_error_message()}")
    if problems:
        raise ValidationError({"emails": problems}, code="invalid")
    now = timezone.now()
    # One read, one insert and one update whatever the number of addresses (the cohort's lock keeps them apart).
    existing = {
        invitation.email_lower: invitation
        for invitation in Invitation.objects.filter(cohort=locked_cohort)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
    }
    if existing:
        Invitation.objects.filter(pk__in=[i.pk for i in existing.values()]).update(sent_at=now)
    for invitation in existing.values():
        invitation.sent_at = now
    fresh = [
        Invitation(cohort=locked_cohort, email=email, invited_by=invited_by, sent_at=now)
        for email in emails
        if email not in existing
    ]
    Invitation.objects.bulk_create(fresh)
    by_email = {**existing, **{invitation.email: invitation for invitation in fresh}}
    invitations = []
    for email in emails:
        invitation = by_email[email]
        queue_email(
            "cohort_invitation",
            to=email,
            context={
                "cohort": locked_cohort,
                "program": locked_cohort.program,
                "invited_by": invited_by,
                "has_account": email in users,
                "link": _absolute(base_url, invitation.get_absolute_url()),
            },
        )
        invitations.append(invitation)
    return invitations


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> bool:
    """The invitee followed their link while signed in. Idempotent: the first acceptance is kept.

    Only the person invited accepts: a forwarded link still leads to the cohort, but records nothing.
    Returns whether the invitation is (now) accepted by this person.
    """
    if user.email.lower() != invitation.email.lower():
        return False
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    invitation.refresh_from_db()
    return invitation.accepted_by_id == user.pk


# --- Profile reminders ----------------------------------------------------------------------------


def profile_reminders_request(*, enrollments: Iterable[Enrollment], base_url: str) -> int:
    """Queue a "please complete your skill profile" e-mail for each enrollment, once the caller commits."""
    if emails_are_muted():
        return 0
    ids = [e.pk for e in enrollments]
    for pk in ids:
        transaction.on_commit(lambda pk=pk: send_profile_reminder.delay(enrollment_id=pk, base_url=base_url))
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
                "link": _absolute(base_url, reverse("accounts:profile_edit")),
            },
        )
    return True
