"""The sections of program admins' weekly digest (mentoring.notifications.digests): built here, where every app's
data may be read, so the outbox imports none of them."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from mentoring.followup.selectors import at_risk_counts
from mentoring.notifications.digests import Section, register_section
from mentoring.programs.models import Cohort, Enrollment
from mentoring.surveys import selectors as survey_selectors
from mentoring.surveys.models import Assessment
from sessions_log.models import CheckIn

SURVEYS_CLOSING_WITHIN = datetime.timedelta(days=7)


def new_enrollments(since: datetime.datetime, until: datetime.datetime) -> Section:
    """How many people applied to each cohort this week."""
    rows = (
        Enrollment.objects.filter(applied_at__gte=since, applied_at__lt=until)
        .values("cohort__program__name", "cohort__name", "cohort_id")
        .annotate(n=Count("pk"))
        .order_by("cohort__program__name", "cohort__name")
    )
    total = sum(row["n"] for row in rows)
    return Section(
        title=f"New enrollments ({total})",
        lines=[
            f"{row['cohort__program__name']}, {row['cohort__name']}: {row['n']} new "
            f"{'enrollment' if row['n'] == 1 else 'enrollments'}"
            for row in rows
        ],
        link=reverse("programs:program_list"),
        empty="Nobody enrolled this week.",
    )


def surveys_closing(since: datetime.datetime, until: datetime.datetime) -> Section:
    """Open surveys that close within SURVEYS_CLOSING_WITHIN, with their response rate so far."""
    today = timezone.localdate(until)
    surveys = survey_selectors.with_response_counts(
        Assessment.objects.filter(
            closed_at=None,
            opens_on__lte=today,
            closes_on__gte=today,
            closes_on__lte=today + SURVEYS_CLOSING_WITHIN,
        ).select_related("cohort__program")
    ).order_by("closes_on", "pk")
    lines = []
    for survey in surveys:
        rate = survey_selectors.rate(survey.answered, survey.asked)
        answers = f"{survey.answered} of {survey.asked} answered ({rate} %)" if rate is not None else "nobody to ask"
        lines.append(
            f"{survey.cohort.program.name}, {survey.cohort.name}: {survey.get_kind_display()} closes "
            f"{survey.closes_on:%a %d %b}; {answers}"
        )
    return Section(
        title=f"Surveys closing within 7 days ({len(lines)})",
        lines=lines,
        link=reverse("programs:program_list"),
        empty="No open survey closes in the next 7 days.",
    )


def contact_requests(since: datetime.datetime, until: datetime.datetime) -> Section:
    """Check-ins of this week whose author asked the program team to contact them (a private signal to the team)."""
    checkins = (
        CheckIn.objects.filter(contact_requested=True, created_at__gte=since, created_at__lt=until)
        .select_related("author", "session__partnership__cohort__program")
        .order_by("created_at", "pk")
    )
    lines = [
        f"{checkin.author.display_name} ({checkin.session.partnership.cohort.program.name}, "
        f"{checkin.session.partnership.cohort.name})"
        for checkin in checkins
    ]
    return Section(
        title=f"Check-ins asking the program team for contact ({len(lines)})",
        lines=lines,
        link=reverse("programs:program_list"),
        empty="Nobody asked to be contacted this week.",
    )


def pairs_at_risk(since: datetime.datetime, until: datetime.datetime) -> Section:
    """Pairs at risk now in each active cohort, for the at-risk list's reasons (mentoring.followup)."""
    counts = at_risk_counts(now=until)
    cohorts = Cohort.objects.filter(pk__in=counts).select_related("program").order_by("program__name", "name")
    return Section(
        title=f"Pairs at risk ({sum(counts.values())})",
        lines=[f"{cohort.program.name}, {cohort.name}: {counts[cohort.pk]} at risk" for cohort in cohorts],
        link=reverse("followup:at_risk", args=[cohorts[0].pk]) if counts else reverse("programs:program_list"),
        empty="No pair is at risk.",
    )


register_section("pairs_at_risk", pairs_at_risk, order=15)
register_section("new_enrollments", new_enrollments, order=10)
register_section("surveys_closing", surveys_closing, order=20)
register_section("contact_requests", contact_requests, order=30)
