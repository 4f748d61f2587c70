"""Enrolling many people at once: the program team pastes e-mail addresses, picks a department, or takes everyone
in the last employee import; reads a summary; then confirms.

The same checks as enrolling one person (`enrollment_add_person`): the cohort must still take people, a person
must have an account that is active and must not be in the cohort already; the free places go in order and the
rest join the waitlist. The summary and the confirmation compute the same plan; the confirmation writes it only if
nothing changed in between (its fingerprint), in one transaction, with every e-mail in the outbox. Both cost a fixed
number of queries whatever the number of people.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.importing.reading import FileRejected, read_table
from accounts.models import EmployeeImport, User
from mentoring.notifications.services import absolute_link, message_draft, messages_queue
from mentoring.programs import selectors
from mentoring.programs.models import Cohort, Enrollment, EnrollmentStatus, Invitation
from mentoring.programs.services.guards import lock_cohort

# More than this at once is a file to import, not a list to paste.
BULK_MAX_PEOPLE = 1000


@dataclass(frozen=True)
class BulkChoice:
    """Who the program admin chose: typed addresses (lower case), a department's name, and/or the last import."""

    emails: tuple[str, ...] = ()
    department: str = ""
    last_import: bool = False


@dataclass
class BulkPlan:
    """What confirming would do, person by person."""

    approve: list[User] = field(default_factory=list)
    waitlist: list[User] = field(default_factory=list)
    already: list[tuple[User, str]] = field(default_factory=list)  # and their status in the cohort
    ineligible: list[tuple[User, str]] = field(default_factory=list)  # and why
    unknown: list[str] = field(default_factory=list)
    # Enrollments that ended (withdrawn, alumni) and are used again, by user id.
    previous: dict[int, Enrollment] = field(default_factory=dict)

    @property
    def to_enroll(self) -> list[User]:
        return self.approve + self.waitlist

    @property
    def fingerprint(self) -> str:
        """Changes whenever any person's outcome would: the confirmation refuses to write a plan it did not show."""
        parts = [
            "a:" + ",".join(str(u.pk) for u in self.approve),
            "w:" + ",".join(str(u.pk) for u in self.waitlist),
            "e:" + ",".join(str(u.pk) for u, _ in self.already),
            "i:" + ",".join(str(u.pk) for u, _ in self.ineligible),
            "u:" + ",".join(self.unknown),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    @property
    def summary(self) -> str:
        """ "12 enrolled, 2 on the waiting list, 1 already enrolled, 1 unknown: x@y"."""
        parts = [f"{len(self.approve)} enrolled"]
        if self.waitlist:
            parts.append(f"{len(self.waitlist)} on the waiting list")
        if self.already:
            parts.append(f"{len(self.already)} already enrolled")
        if self.ineligible:
            parts.append(f"{len(self.ineligible)} cannot join")
        if self.unknown:
            shown = ", ".join(self.unknown[:5]) + (
                f" and {len(self.unknown) - 5} more" if len(self.unknown) > 5 else ""
            )
            parts.append(f"{len(self.unknown)} unknown: {shown}")
        return ", ".join(parts)


def last_import(*, with_content: bool = False) -> EmployeeImport | None:
    """The newest employee import that was committed (its file only when asked: it may be megabytes). Queries: 1."""
    fields = ["pk", "file_name", "committed_at", "row_count", *(["content"] if with_content else [])]
    return (
        EmployeeImport.objects.filter(status=EmployeeImport.Status.COMMITTED)
        .order_by("-committed_at", "-pk")
        .only(*fields)
        .first()
    )


def _emails_in(employee_import: EmployeeImport) -> list[str]:
    try:
        table = read_table(employee_import.content.encode("utf-8"))
    except FileRejected:  # it was imported, so it was readable; a file edited by hand since is simply empty here
        return []
    return [row["email"].lower() for _, row in table.rows if row.get("email")]


def bulk_enrollment_plan(cohort: Cohort, choice: BulkChoice) -> BulkPlan:
    """What enrolling the chosen people in ``cohort`` would do. Queries: 3, and 1 more for the last import."""
    emails = list(dict.fromkeys(e.strip().lower() for e in choice.emails if e.strip()))
    if choice.last_import and (employee_import := last_import(with_content=True)) is not None:
        emails = list(dict.fromkeys([*emails, *_emails_in(employee_import)]))
    wanted = Q(email_lower__in=emails) if emails else Q(pk__in=[])
    if choice.department:
        wanted |= Q(profile__department=choice.department)
    users = list(User.objects.annotate(email_lower=Lower("email")).filter(wanted))
    position = {email: i for i, email in enumerate(emails)}
    # Typed and imported addresses in their order, then the department's people by name: the waitlist's order.
    users.sort(key=lambda u: (position.get(u.email_lower, len(position)), u.full_name.casefold(), u.email_lower))
    if len(users) > BULK_MAX_PEOPLE:
        raise ValidationError(
            f"That is {len(users)} people; enroll at most {BULK_MAX_PEOPLE} at once.", code="too_many"
        )
    known = {u.email_lower for u in users}
    enrollments = {e.user_id: e for e in Enrollment.objects.filter(cohort=cohort, user__in=[u.pk for u in users])}
    free = cohort.capacity - selectors.places_taken(cohort)
    plan = BulkPlan(unknown=[e for e in emails if e not in known])
    for user in users:
        enrollment = enrollments.get(user.pk)
        if enrollment is not None and enrollment.is_current:
            plan.already.append((user, enrollment.get_status_display().lower()))
            continue
        if not user.is_active:
            plan.ineligible.append((user, "deactivated"))
            continue
        if enrollment is not None:
            plan.previous[user.pk] = enrollment
        if free > 0:
            plan.approve.append(user)
            free -= 1
        else:
            plan.waitlist.append(user)
    return plan


@transaction.atomic
def enrollments_add_many(
    *, cohort: Cohort, choice: BulkChoice, expected: str, enrolled_by: User, base_url: str
) -> BulkPlan:
    """Enroll everyone the plan enrolls (approved while places last, then waitlisted), all or nobody, and e-mail each
    of them through the outbox. Refused when the plan is no longer the one the summary showed (``expected``)."""
    locked = lock_cohort(cohort)
    if not locked.accepts_participants:
        raise ValidationError(
            f"This cohort is {locked.get_status_display().lower()}: nobody can join it any more.", code="closed"
        )
    plan = bulk_enrollment_plan(locked, choice)
    if plan.fingerprint != expected:
        raise ValidationError(
            "Something changed since the summary (places, enrollments or accounts): nobody was enrolled yet. "
            "Check the new summary below and confirm again.",
            code="changed",
        )
    if not plan.to_enroll:
        raise ValidationError("Nobody on this list can be enrolled, so nothing changed.", code="nobody")
    now = timezone.now()
    fresh, again = [], {EnrollmentStatus.APPROVED: [], EnrollmentStatus.WAITLISTED: []}
    for status, users in ((EnrollmentStatus.APPROVED, plan.approve), (EnrollmentStatus.WAITLISTED, plan.waitlist)):
        for user in users:
            enrollment = plan.previous.get(user.pk) or Enrollment(cohort=locked, user=user)
            enrollment.user = user
            enrollment.status, enrollment.status_changed_at, enrollment.applied_at = status, now, now
            enrollment.enrolled_by = enrolled_by
            if status == EnrollmentStatus.WAITLISTED:
                enrollment.waitlisted_at = now  # one instant for all: the waitlist breaks the tie by id, in order
            (again[status] if enrollment.pk else fresh).append(enrollment)
    Enrollment.objects.bulk_create(fresh)
    common = {"status_changed_at": now, "applied_at": now, "enrolled_by": enrolled_by}
    if again[EnrollmentStatus.APPROVED]:
        Enrollment.objects.filter(pk__in=[e.pk for e in again[EnrollmentStatus.APPROVED]]).update(
            status=EnrollmentStatus.APPROVED, **common
        )
    if again[EnrollmentStatus.WAITLISTED]:
        Enrollment.objects.filter(pk__in=[e.pk for e in again[EnrollmentStatus.WAITLISTED]]).update(
            status=EnrollmentStatus.WAITLISTED, waitlisted_at=now, **common
        )
    emails = [u.email.lower() for u in plan.to_enroll]
    Invitation.objects.pending().filter(cohort=locked).annotate(email_lower=Lower("email")).filter(
        email_lower__in=emails
    ).update(
        accepted_at=now,
        accepted_by=Subquery(User.objects.filter(email__iexact=OuterRef("email")).values("pk")[:1]),
    )
    enrolled = fresh + again[EnrollmentStatus.APPROVED] + again[EnrollmentStatus.WAITLISTED]
    messages_queue(
        message_draft(
            kind="enrolled_by_admin",
            to=e.user.email,
            recipient=e.user,
            timezone=e.user.timezone,
            context={
                "user": e.user,
                "cohort": locked,
                "enrollment": e,
                "link": absolute_link(base_url, e.get_absolute_url()),
            },
        )
        for e in enrolled
    )
    return plan
