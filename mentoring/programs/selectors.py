"""Reads for programs, cohorts and enrollments, each at a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Completeness, OfferedSkill, SeniorityBand, SkillProfile, User, WantedSkill
from mentoring.programs.models import (
    PLACE_HOLDING_STATUSES,
    Cohort,
    CohortRules,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Invitation,
    Program,
)

MIN_PARTICIPANTS_FOR_MATCHING = 2


# --- Cohort state -------------------------------------------------------------------------------


def cohort_has_published_matches(cohort: Cohort) -> bool:
    """True once the cohort has partnerships: a Partnership row is a published pair.

    Remembered on the instance, so one page asks the database once; services re-read the cohort
    under a lock and so always ask afresh.
    """
    if not hasattr(cohort, "_has_published_matches"):
        cohort._has_published_matches = cohort.partnerships.exists()
    return cohort._has_published_matches


def cohort_has_pairs(cohort: Cohort) -> bool:
    """Whether the cohort's pairs and sessions pages have anything to show."""
    # Pairs are published while matching, so a draft or enrolling cohort has none and costs no query.
    if cohort.status in (CohortStatus.DRAFT, CohortStatus.ENROLLING):
        return False
    return cohort_has_published_matches(cohort)


def cohort_rules_locked(cohort: Cohort) -> bool:
    """Rules that matching and partnerships depend on are frozen once matches are published."""
    if cohort.status not in (CohortStatus.DRAFT, CohortStatus.ENROLLING, CohortStatus.MATCHING):
        return True
    # Matches are published only while a cohort is matching, so earlier statuses need no query.
    return cohort.status == CohortStatus.MATCHING and cohort_has_published_matches(cohort)


def cohort_locked_fields(cohort: Cohort) -> frozenset[str]:
    """Fields of the cohort form that may no longer change."""
    if cohort.status == CohortStatus.CLOSED:
        return frozenset(COHORT_EDITABLE_FIELDS)
    if cohort_rules_locked(cohort):
        return frozenset(CohortRules.MATCHING_RULE_FIELDS + CohortRules.PARTNERSHIP_RULE_FIELDS)
    return frozenset()


COHORT_EDITABLE_FIELDS = (
    "name",
    "enrollment_opens_on",
    "enrollment_closes_on",
    "starts_on",
    "ends_on",
    "capacity",
    *CohortRules.RULE_FIELDS,
    "auto_close_inactive_days",
)

TRANSITION_LABELS = {
    (CohortStatus.DRAFT, CohortStatus.ENROLLING): "Open enrollment",
    (CohortStatus.ENROLLING, CohortStatus.MATCHING): "Close enrollment and start matching",
    (CohortStatus.MATCHING, CohortStatus.ENROLLING): "Reopen enrollment",
    (CohortStatus.MATCHING, CohortStatus.ACTIVE): "Activate the cohort",
    (CohortStatus.ACTIVE, CohortStatus.CLOSED): "Close the cohort",
}

TRANSITION_EXPLANATIONS = {
    (
        CohortStatus.DRAFT,
        CohortStatus.ENROLLING,
    ): "Employees can see the cohort and enroll during its enrollment window.",
    (CohortStatus.ENROLLING, CohortStatus.MATCHING): "Enrollment stops; approved participants are matched.",
    (CohortStatus.MATCHING, CohortStatus.ENROLLING): "Possible while no matches are published.",
    (CohortStatus.MATCHING, CohortStatus.ACTIVE): "Published partnerships start meeting.",
    (CohortStatus.ACTIVE, CohortStatus.CLOSED): (
        "Approved participants become alumni of the program; pairs still active end and their sessions still to "
        "come are cancelled. This is final: the next page shows what it changes and asks for the cohort's name."
    ),
}


def cohort_transition_blockers(
    cohort: Cohort, to: str, *, today: datetime.date | None = None, counts: dict[str, int] | None = None
) -> list[str]:
    """Why the cohort cannot move to `to` now (empty when it can). `counts` are enrollments per status."""
    if not cohort.can_move_to(to):
        return [
            f"A cohort that is {cohort.get_status_display().lower()} cannot move to {CohortStatus(to).label.lower()}."
        ]
    today = today or timezone.localdate()
    if counts is None:
        counts = enrollment_counts(cohort)
    problems = []
    if to == CohortStatus.ENROLLING and cohort.status == CohortStatus.DRAFT and cohort.enrollment_closes_on < today:
        problems.append(
            f"Enrollment would close on {cohort.enrollment_closes_on:%d %b %Y}, which has passed: "
            "change the enrollment dates first."
        )
    if to == CohortStatus.MATCHING:
        approved = counts.get(EnrollmentStatus.APPROVED, 0)
        if approved < MIN_PARTICIPANTS_FOR_MATCHING:
            problems.append(
                f"Matching needs at least {MIN_PARTICIPANTS_FOR_MATCHING} approved participants; "
                f"this cohort has {approved}."
            )
        pending = counts.get(EnrollmentStatus.APPLIED, 0)
        if pending:
            problems.append(
                f"{pending} application{'s are' if pending != 1 else ' is'} still waiting for a decision: "
                "approve, waitlist or withdraw them first."
            )
    if to == CohortStatus.ENROLLING and cohort.status == CohortStatus.MATCHING and cohort_has_published_matches(cohort):
        problems.append("Matches are already published, so enrollment cannot reopen.")
    if to == CohortStatus.ACTIVE and not cohort_has_published_matches(cohort):
        problems.append("This cohort has no published matches yet: publish the matches before activating it.")
    return problems


@dataclass(frozen=True)
class TransitionOption:
    to: str
    label: str
    explanation: str
    blockers: list[str]

    @property
    def allowed(self) -> bool:
        return not self.blockers


def cohort_transitions(cohort: Cohort, *, counts: dict[str, int] | None = None) -> list[TransitionOption]:
    """The moves this cohort can make next, each with what (if anything) still stands in the way."""
    counts = enrollment_counts(cohort) if counts is None else counts
    return [
        TransitionOption(
            to=to,
            label=TRANSITION_LABELS[(cohort.status, to)],
            explanation=TRANSITION_EXPLANATIONS[(cohort.status, to)],
            blockers=cohort_transition_blockers(cohort, to, counts=counts),
        )
        for to in cohort.next_statuses
    ]


@dataclass(frozen=True)
class CohortClosing:
    """What closing a cohort does to its enrollments (see services.cohort_transition), and what stands in the way.
    What it does to pairs and sessions is said by the sessions app's `cohort_closing` template tag."""

    blockers: list[str]
    becoming_alumni: int
    applied: int
    waitlisted: int

    @property
    def withdrawn(self) -> int:
        return self.applied + self.waitlisted


def cohort_closing(cohort: Cohort) -> CohortClosing:
    """One query: the enrollments per status."""
    counts = enrollment_counts(cohort)
    return CohortClosing(
        blockers=cohort_transition_blockers(cohort, CohortStatus.CLOSED, counts=counts),
        becoming_alumni=counts.get(EnrollmentStatus.APPROVED, 0),
        applied=counts.get(EnrollmentStatus.APPLIED, 0),
        waitlisted=counts.get(EnrollmentStatus.WAITLISTED, 0),
    )


def enrollment_counts(cohort: Cohort) -> dict[str, int]:
    rows = cohort.enrollments.order_by().values_list("status").annotate(n=Count("pk"))
    return dict(rows)


def places_taken(cohort: Cohort) -> int:
    return cohort.enrollments.holding_places().count()


# --- Console: programs and cohorts ------------------------------------------------------------------


def programs_for_console() -> QuerySet[Program]:
    return Program.objects.annotate(
        cohort_count=Count("cohorts"),
        open_cohort_count=Count("cohorts", filter=~Q(cohorts__status__in=[CohortStatus.CLOSED, CohortStatus.DRAFT])),
    ).order_by("name")


def program_cohorts(program: Program) -> QuerySet[Cohort]:
    """The program's cohorts with how many people hold a place and how many wait."""
    return program.cohorts.annotate(
        places_taken=Count("enrollments", filter=Q(enrollments__status__in=PLACE_HOLDING_STATUSES)),
        approved_count=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.APPROVED)),
        waitlist_count=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)),
    ).order_by("-starts_on", "name")


def _skill_count(model) -> Subquery:
    counts = model.objects.filter(user=OuterRef("user")).order_by().values("user").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _with_skill_counts(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    return enrollments.select_related("user", "user__profile").annotate(
        offered_count=_skill_count(OfferedSkill), wanted_count=_skill_count(WantedSkill)
    )


def _completeness(enrollment: Enrollment) -> tuple[SkillProfile | None, Completeness]:
    """The person's profile (None before they wrote one) and how complete it is; needs _with_skill_counts."""
    try:
        profile = enrollment.user.profile
    except SkillProfile.DoesNotExist:
        profile = None
    measured = (profile or SkillProfile(user=enrollment.user)).completeness(
        enrollment.offered_count, enrollment.wanted_count
    )
    return profile, measured


def profile_completeness(enrollment_ids: list[int]) -> list[tuple[Enrollment, Completeness]]:
    """Each enrollment (with its person and cohort) and how complete the person's skill profile is: one query."""
    enrollments = _with_skill_counts(Enrollment.objects.filter(pk__in=enrollment_ids).select_related("cohort__program"))
    return [(enrollment, _completeness(enrollment)[1]) for enrollment in enrollments.order_by("pk")]


STATUS_ORDER = {
    EnrollmentStatus.APPROVED: 0,
    EnrollmentStatus.APPLIED: 1,
    EnrollmentStatus.WAITLISTED: 2,
    EnrollmentStatus.ALUMNI: 3,
    EnrollmentStatus.WITHDRAWN: 4,
}


@dataclass
class RosterRow:
    enrollment: Enrollment
    profile: SkillProfile | None
    completeness: object
    offered_count: int
    wanted_count: int
    waitlist_position: int | None = None

    @property
    def user(self) -> User:
        return self.enrollment.user

    @property
    def missing_skills(self) -> list[str]:
        missing = []
        if not self.offered_count:
            missing.append("no skill offered")
        if not self.wanted_count:
            missing.append("no skill wanted")
        return missing


@dataclass
class Roster:
    """Everything the cohort page shows about its people, loaded in one query."""

    rows: list[RosterRow]
    counts: dict[str, int]
    by_department: list[tuple[str, int, int]] = field(default_factory=list)
    by_seniority: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def current_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if r.enrollment.is_current]

    @property
    def missing_skills(self) -> list[RosterRow]:
        return [r for r in self.current_rows if r.missing_skills]

    @property
    def incomplete_profiles(self) -> list[RosterRow]:
        return [r for r in self.current_rows if not r.completeness.is_complete]

    @property
    def places_taken(self) -> int:
        return sum(self.counts.get(s, 0) for s in PLACE_HOLDING_STATUSES)


def cohort_roster(cohort: Cohort) -> Roster:
    """Enrollments with each person's profile completeness, and counts by status, department and seniority."""
    rows: list[RosterRow] = []
    for enrollment in _with_skill_counts(cohort.enrollments.order_by("applied_at", "pk")):
        enrollment.cohort = cohort  # already loaded; saves a query per row when templates reach for it
        profile, measured = _completeness(enrollment)
        rows.append(RosterRow(enrollment, profile, measured, enrollment.offered_count, enrollment.wanted_count))

    waitlisted = sorted(
        (r for r in rows if r.enrollment.status == EnrollmentStatus.WAITLISTED),
        key=lambda r: (r.enrollment.waitlisted_at, r.enrollment.pk),
    )
    for position, row in enumerate(waitlisted, start=1):
        row.waitlist_position = position
    rows.sort(
        key=lambda r: (
            STATUS_ORDER[r.enrollment.status],
            r.waitlist_position or 0,
            r.user.display_name.lower(),
        )
    )

    counts = Counter(r.enrollment.status for r in rows)
    current = [r for r in rows if r.enrollment.is_current]
    departments: dict[str, list[int]] = {}
    seniorities: dict[int | None, list[int]] = {}
    for row in current:
        approved = row.enrollment.status == EnrollmentStatus.APPROVED
        dept = (row.profile.department.strip() if row.profile else "") or "Not given"
        departments.setdefault(dept, [0, 0])
        departments[dept][0] += approved
        departments[dept][1] += 1
        band = row.profile.seniority if row.profile else None
        seniorities.setdefault(band, [0, 0])
        seniorities[band][0] += approved
        seniorities[band][1] += 1
    by_department = sorted(((d, a, t) for d, (a, t) in departments.items()), key=lambda x: (-x[2], x[0].lower()))
    by_seniority = [
        (SeniorityBand(band).label if band else "Not given", a, t)
        for band, (a, t) in sorted(seniorities.items(), key=lambda item: (item[0] is None, item[0] or 0))
    ]
    return Roster(rows=rows, counts=dict(counts), by_department=by_department, by_seniority=by_seniority)


ROSTER_PAGE_SIZE = 50
MISSING_SKILLS_SHOWN = 20


def roster_filter(
    rows: list[RosterRow], *, search: str = "", department: str = "", status: str = ""
) -> list[RosterRow]:
    """The roster rows whose name or e-mail contains ``search``, in ``department`` and with ``status`` (each optional).

    Filtered in Python on the rows the page already loaded in one query, so a filter costs no query.
    """
    search, department = search.strip().lower(), department.strip().lower()
    return [
        row
        for row in rows
        if (not search or search in row.user.display_name.lower() or search in row.user.email.lower())
        and (not department or department == (row.profile.department if row.profile else "").strip().lower())
        and (not status or row.enrollment.status == status)
    ]


def pending_invitations(cohort: Cohort) -> QuerySet[Invitation]:
    return cohort.invitations.pending().select_related("invited_by").order_by("-created_at")


# --- Employees --------------------------------------------------------------------------------------


def _waitlist_ahead() -> Subquery:
    """How many people wait ahead of this enrollment in its cohort's waitlist."""
    ahead = (
        Enrollment.objects.filter(cohort=OuterRef("cohort"), status=EnrollmentStatus.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0))


def enrollments_for(user: User) -> QuerySet[Enrollment]:
    """The person's own enrollments, newest cohort first, with their place on any waitlist."""
    return (
        Enrollment.objects.filter(user=user)
        .select_related("cohort", "cohort__program")
        .annotate(waitlist_ahead=_waitlist_ahead())
        .order_by("-cohort__starts_on", "cohort__name")
    )


def enrollment_for_owner(enrollment_pk: int, user: User) -> Enrollment | None:
    return enrollments_for(user).filter(pk=enrollment_pk).first()


def cohorts_open_for(user: User, *, today: datetime.date | None = None) -> QuerySet[Cohort]:
    """Cohorts anyone may enroll in today, with how many places are taken and the person's own status there."""
    own = Enrollment.objects.filter(cohort=OuterRef("pk"), user=user).values("status")[:1]
    return (
        Cohort.objects.open_for_enrollment(today)
        .select_related("program")
        .annotate(
            places_taken=Count("enrollments", filter=Q(enrollments__status__in=PLACE_HOLDING_STATUSES)),
            my_status=Subquery(own),
        )
        .order_by("enrollment_closes_on", "name")
    )


def invitations_for(user: User) -> QuerySet[Invitation]:
    """Invitations sent to the person's address for cohorts still enrolling that they have not joined."""
    joined = Enrollment.objects.current().filter(user=user).values("cohort")
    return (
        Invitation.objects.pending()
        .filter(email__iexact=user.email, cohort__status=CohortStatus.ENROLLING)
        .exclude(cohort__in=joined)
        .select_related("cohort", "cohort__program")
        .order_by("cohort__enrollment_closes_on")
    )
