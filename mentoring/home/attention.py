"""What needs a program admin now, for their home page: each line says what and links to where it is done.

Program admin is one role for every program (``accounts.User.is_program_admin``; there are no per-program admins),
so a program admin sees every program's lines; anyone else sees none (and costs no query). Closed cohorts never
appear. Queries: 11, whatever the number of programs, cohorts, pairs, runs, surveys and imports.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmployeeImport, User
from accounts.permissions import is_program_admin
from matching.models import IN_PROGRESS, LOST_AFTER, STALE_AFTER, MatchRun, MatchRunStatus
from mentoring.followup.selectors import pairs_at_risk
from mentoring.partnerships.models import AgreementSignature, Partnership
from mentoring.programs.models import Cohort, CohortStatus, Enrollment, EnrollmentStatus
from mentoring.programs.selectors import MIN_PARTICIPANTS_FOR_MATCHING
from mentoring.surveys.models import Assessment
from mentoring.surveys.selectors import rate, with_response_counts

SOON = datetime.timedelta(days=7)
UNSIGNED_AFTER = datetime.timedelta(days=7)
LOW_RESPONSE_PERCENT = 50
RECENT_IMPORTS = datetime.timedelta(days=14)


@dataclass(frozen=True)
class AttentionLine:
    topic: str
    text: str
    url: str
    link: str


@dataclass
class Attention:
    lines: list[AttentionLine]

    @property
    def topics(self) -> dict[str, list[AttentionLine]]:
        grouped: dict[str, list[AttentionLine]] = defaultdict(list)
        for line in self.lines:
            grouped[line.topic].append(line)
        return dict(grouped)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _cohort_url(cohort_id: int, anchor: str = "") -> str:
    url = reverse("programs:cohort_detail", args=[cohort_id])
    return f"{url}#{anchor}" if anchor else url


def _applications(open_cohorts) -> list[AttentionLine]:
    rows = (
        Enrollment.objects.filter(cohort__in=open_cohorts, status=EnrollmentStatus.APPLIED)
        .values("cohort_id", "cohort__name", "cohort__program__name")
        .annotate(n=Count("pk"))
        .order_by("cohort__program__name", "cohort__name")
    )
    return [
        AttentionLine(
            "Applications",
            f"{_plural(row['n'], 'application')} waiting for a decision in "
            f"{row['cohort__program__name']} · {row['cohort__name']}",
            _cohort_url(row["cohort_id"], "people"),
            "Decide",
        )
        for row in rows
    ]


def _cohorts(open_cohorts, today: datetime.date) -> list[AttentionLine]:
    """Enrollment closing within 7 days, and cohorts ready to match: one query."""
    approved = Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.APPROVED))
    applied = Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.APPLIED))
    cohorts = (
        open_cohorts.filter(
            Q(status=CohortStatus.ENROLLING, enrollment_closes_on__lte=today + SOON) | Q(status=CohortStatus.MATCHING)
        )
        .select_related("program")
        .annotate(approved=approved, applied=applied, has_runs=Exists(MatchRun.objects.filter(cohort=OuterRef("pk"))))
        .order_by("enrollment_closes_on", "pk")
    )
    closing, ready = [], []
    for cohort in cohorts:
        if cohort.status == CohortStatus.MATCHING:
            if not cohort.has_runs:
                ready.append(
                    AttentionLine(
                        "Matching",
                        f"{cohort} is ready to match: {_plural(cohort.approved, 'approved participant')}, no run yet",
                        reverse("matching:cohort", args=[cohort.pk]),
                        "Run matching",
                    )
                )
        elif cohort.enrollment_closes_on >= today:
            days = (cohort.enrollment_closes_on - today).days
            when = "today" if days == 0 else f"in {_plural(days, 'day')}"
            closing.append(
                AttentionLine(
                    "Enrollment",
                    f"Enrollment in {cohort} closes {when} ({cohort.enrollment_closes_on:%d %b}); "
                    f"{_plural(cohort.approved, 'participant')} approved",
                    _cohort_url(cohort.pk),
                    "Open the cohort",
                )
            )
        elif cohort.approved >= MIN_PARTICIPANTS_FOR_MATCHING and not cohort.applied:
            ready.append(
                AttentionLine(
                    "Matching",
                    f"Enrollment in {cohort} has closed: {_plural(cohort.approved, 'approved participant')}, "
                    "ready to start matching",
                    _cohort_url(cohort.pk, "next-step"),
                    "Start matching",
                )
            )
    return closing + ready


def _runs(open_cohorts, now: datetime.datetime) -> list[AttentionLine]:
    """The latest run of each open cohort when it failed, could not publish, or lost its worker: one query."""
    later = MatchRun.objects.filter(cohort=OuterRef("cohort_id"), number__gt=OuterRef("number"))
    runs = (
        MatchRun.objects.filter(cohort__in=open_cohorts)
        .filter(
            Q(status=MatchRunStatus.FAILED)
            | (Q(status=MatchRunStatus.DONE) & ~Q(publish_error=""))
            | Q(status__in=IN_PROGRESS, heartbeat_at__lt=now - STALE_AFTER)
            | Q(status__in=IN_PROGRESS, heartbeat_at__isnull=True, created_at__lt=now - LOST_AFTER)
        )
        .exclude(Exists(later))
        .select_related("cohort", "cohort__program")
        .order_by("created_at")
    )
    lines = []
    for run in runs:
        if run.status == MatchRunStatus.FAILED:
            what = "failed"
        elif run.status == MatchRunStatus.DONE:
            what = "could not be published"
        else:
            what = f"is stuck ({run.get_status_display().lower()}, no sign of its worker)"
        lines.append(
            AttentionLine("Matching", f"Run #{run.number} of {run.cohort} {what}", run.get_absolute_url(), "See why")
        )
    return lines


def at_risk_lines(now: datetime.datetime) -> list[AttentionLine]:
    """Pairs at risk per active cohort: the at-risk list's own four queries."""
    counts: Counter[Cohort] = Counter()
    cohorts: dict[int, Cohort] = {}
    for pair in pairs_at_risk(Partnership.objects.filter(cohort__status=CohortStatus.ACTIVE), now=now):
        cohorts[pair.partnership.cohort_id] = pair.partnership.cohort
        counts[pair.partnership.cohort_id] += 1
    return [
        AttentionLine(
            "Pairs",
            f"{_plural(counts[pk], 'pair')} at risk in {cohort}",
            reverse("followup:at_risk", args=[pk]),
            "Follow up",
        )
        for pk, cohort in sorted(cohorts.items(), key=lambda item: str(item[1]))
    ]


def _unsigned(now: datetime.datetime) -> list[AttentionLine]:
    """Active pairs of more than 7 days whose agreement is not written or not signed by both: one query."""
    signed = (
        AgreementSignature.objects.filter(agreement__partnership=OuterRef("pk"), version=F("agreement__version"))
        .values("agreement")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    rows = (
        Partnership.objects.active()
        .filter(cohort__status=CohortStatus.ACTIVE, started_at__lt=now - UNSIGNED_AFTER)
        .annotate(signed=Coalesce(Subquery(signed, output_field=IntegerField()), Value(0)))
        .filter(signed__lt=2)
        .values("cohort_id", "cohort__name", "cohort__program__name")
        .annotate(n=Count("pk"))
        .order_by("cohort__program__name", "cohort__name")
    )
    return [
        AttentionLine(
            "Pairs",
            f"{_plural(row['n'], 'pair')} in {row['cohort__program__name']} · {row['cohort__name']} "
            f"without a signed agreement after a week",
            reverse("sessions_log:cohort_pairs", args=[row["cohort_id"]]),
            "See the pairs",
        )
        for row in rows
    ]


def _surveys(open_cohorts, today: datetime.date) -> list[AttentionLine]:
    """Open surveys closing within 7 days that fewer than half have answered: one query."""
    surveys = with_response_counts(
        Assessment.objects.filter(
            cohort__in=open_cohorts, opens_on__lte=today, closes_on__gte=today, closes_on__lte=today + SOON
        )
        .filter(closed_at__isnull=True)
        .select_related("cohort", "cohort__program")
        .order_by("closes_on", "pk")
    )
    lines = []
    for survey in surveys:
        percent = rate(survey.answered, survey.asked)
        if percent is None or percent >= LOW_RESPONSE_PERCENT:
            continue
        days = (survey.closes_on - today).days
        when = "today" if days == 0 else f"in {_plural(days, 'day')}"
        lines.append(
            AttentionLine(
                "Surveys",
                f"The {survey.get_kind_display().lower()} of {survey.cohort} closes {when} with "
                f"{percent} % answered ({survey.answered} of {survey.asked})",
                _cohort_url(survey.cohort_id, "surveys"),
                "Remind or extend",
            )
        )
    return lines


def _imports(now: datetime.datetime) -> list[AttentionLine]:
    """Employee imports of the last 14 days that have errors or stopped: one query."""
    imports = EmployeeImport.objects.filter(
        status__in=[EmployeeImport.Status.INVALID, EmployeeImport.Status.FAILED], created_at__gte=now - RECENT_IMPORTS
    ).only("pk", "file_name", "status", "error_count", "created_at")
    lines = []
    for row in imports:
        if row.status == EmployeeImport.Status.FAILED:
            what = "stopped before importing anyone"
        else:
            what = f"has {_plural(row.error_count, 'error')}"
        lines.append(
            AttentionLine(
                "Imports",
                f"The import of {row.file_name} ({row.created_at:%d %b}) {what}",
                row.get_absolute_url(),
                "Fix it",
            )
        )
    return lines


def attention_for(user: User, *, now: datetime.datetime | None = None) -> Attention | None:
    """What needs ``user`` now, if they are a program admin (None otherwise, without a query)."""
    if not is_program_admin(user):
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_cohorts = Cohort.objects.exclude(status=CohortStatus.CLOSED)
    return Attention(
        lines=[
            *_applications(open_cohorts),
            *_cohorts(open_cohorts, today),
            *_runs(open_cohorts, now),
            *at_risk_lines(now),
            *_unsigned(now),
            *_surveys(open_cohorts, today),
            *_imports(now),
        ]
    )
