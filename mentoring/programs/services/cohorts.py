"""Writes for cohorts: creating, editing and moving a cohort through its statuses.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.core.db import unique_or
from mentoring.programs import selectors, signals
from mentoring.programs.models import Cohort, CohortStatus, EnrollmentStatus, Program
from mentoring.programs.services.enrollments import promote_from_waitlist
from mentoring.programs.services.guards import lock_cohort


@transaction.atomic
def cohort_create(*, program: Program, data: dict) -> Cohort:
    """A new draft cohort. Rules not given are copied from the program's defaults."""
    values = program.rule_values()
    values.update({k: v for k, v in data.items() if k in selectors.COHORT_EDITABLE_FIELDS})
    cohort = Cohort(program=program, status=CohortStatus.DRAFT, **values)
    cohort.full_clean()
    with unique_or(_cohort_exists(cohort.name)):
        cohort.save()
    return cohort


def _cohort_exists(name: str) -> ValidationError:
    return ValidationError({"name": f"This program already has a cohort called “{name}”."}, code="unique")


@transaction.atomic
def cohort_update(*, cohort: Cohort, data: dict, base_url: str) -> Cohort:
    """Change a cohort's dates, capacity and rules. Rules that published matches depend on are refused."""
    locked_cohort = lock_cohort(cohort)
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
    with unique_or(_cohort_exists(locked_cohort.name)):
        locked_cohort.save()
    if locked_cohort.capacity > old_capacity:
        promote_from_waitlist(locked_cohort, base_url=base_url)
    return locked_cohort


@transaction.atomic
def cohort_transition(*, cohort: Cohort, to: str, today: datetime.date | None = None) -> Cohort:
    """Move the cohort to its next status, or refuse with the reasons it cannot move yet."""
    locked_cohort = lock_cohort(cohort)
    blockers = selectors.cohort_transition_blockers(locked_cohort, to, today=today)
    if blockers:
        raise ValidationError(blockers, code="transition_refused")
    if to == CohortStatus.CLOSED:
        _close_enrollments(locked_cohort)
        # The pairs end with the round (their goals can then be closed); the apps that own them listen.
        signals.cohort_closing.send(sender=Cohort, cohort=locked_cohort)
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


def _close_enrollments(cohort: Cohort) -> None:
    now = timezone.now()
    cohort.enrollments.filter(status=EnrollmentStatus.APPROVED).update(
        status=EnrollmentStatus.ALUMNI, status_changed_at=now
    )
    cohort.enrollments.filter(status__in=[EnrollmentStatus.APPLIED, EnrollmentStatus.WAITLISTED]).update(
        status=EnrollmentStatus.WITHDRAWN, status_changed_at=now
    )
