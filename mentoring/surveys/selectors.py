"""Reads for the mid-point and end surveys (assessments), each at a fixed number of queries.

Who may answer a cohort's surveys: its participants (an approved enrollment, or alumni once the cohort has
closed) who have a partner in it, or had one: a pair that ended early still has something to say about the
program, and so does everyone after the cohort closes (closing ends every pair). Applicants, the waitlist,
people withdrawn and approved people never matched do not answer. The same rule decides who is e-mailed when
a survey opens and who counts in its response rate.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User, WantedSkill
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import PARTICIPANT_STATUSES, Cohort, Enrollment
from mentoring.surveys.models import (
    Assessment,
    AssessmentKind,
    AssessmentResponse,
    AssessmentSkillRating,
    AssessmentState,
)

# Enrollments whose people answer the surveys (when they have, or had, a partner in the cohort): the
# reports' participants.
ANSWERING_STATUSES = PARTICIPANT_STATUSES


def _enrolled(cohort, user) -> Exists:
    """``cohort`` and ``user`` are ids or OuterRef()s."""
    return Exists(Enrollment.objects.filter(cohort_id=cohort, user_id=user, status__in=ANSWERING_STATUSES))


def _paired(cohort, user) -> Exists:
    return Exists(Partnership.objects.filter(cohort_id=cohort).filter(Q(member_a_id=user) | Q(member_b_id=user)))


def may_answer_q(cohort, user) -> Q:
    """A filter for rows whose ``cohort`` and ``user`` (ids or OuterRef()s) name someone who may answer."""
    return Q(_enrolled(cohort, user)) & Q(_paired(cohort, user))


def _answering() -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(status__in=ANSWERING_STATUSES).filter(
        _paired(OuterRef("cohort_id"), OuterRef("user_id"))
    )


def answering_enrollments(cohort_ids) -> QuerySet[Enrollment]:
    """The enrollments of the people who may answer these cohorts' surveys."""
    return _answering().filter(cohort_id__in=cohort_ids)


def _count(queryset, group: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        0,
    )


def with_response_counts(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Annotate ``asked`` and ``answered``: the response rate's two numbers.

    Asked: everyone who may answer now, plus anyone who answered and has since left (withdrawn), so the rate
    never passes 100 %. Answered: every response.
    """
    eligible = _answering().filter(cohort_id=OuterRef("cohort_id"))
    responses = AssessmentResponse.objects.filter(assessment_id=OuterRef("pk"))
    departed = responses.exclude(may_answer_q(OuterRef("assessment__cohort_id"), OuterRef("respondent_id")))
    return assessments.annotate(
        asked=_count(eligible, "cohort_id") + _count(departed, "assessment_id"),
        answered=_count(responses, "assessment_id"),
    )


def rate(answered: int, asked: int) -> int | None:
    return round(100 * answered / asked) if asked else None


# --- The program admins' cohort page ------------------------------------------------------------------


@dataclass
class SurveyRow:
    """One of the cohort's two surveys on its page: scheduled or not, its state and its response rate."""

    kind: str
    label: str
    assessment: Assessment | None
    state: str | None = None
    asked: int = 0
    answered: int = 0

    @property
    def rate(self) -> int | None:
        return rate(self.answered, self.asked)

    @property
    def is_scheduled(self) -> bool:
        return self.state == AssessmentState.SCHEDULED

    @property
    def is_open(self) -> bool:
        return self.state == AssessmentState.OPEN


def cohort_survey_rows(cohort: Cohort, *, today: datetime.date | None = None) -> list[SurveyRow]:
    """The mid-point and end surveys of a cohort, in that order. Queries: 1."""
    today = today or timezone.localdate()
    by_kind = {a.kind: a for a in with_response_counts(Assessment.objects.filter(cohort=cohort))}
    rows = []
    for kind in AssessmentKind:
        assessment = by_kind.get(kind.value)
        if assessment is None:
            rows.append(SurveyRow(kind.value, kind.label, None))
            continue
        assessment.cohort = cohort
        rows.append(
            SurveyRow(
                kind.value,
                kind.label,
                assessment,
                assessment.state(today),
                asked=assessment.asked,
                answered=assessment.answered,
            )
        )
    return rows


# --- Participants -----------------------------------------------------------------------------------------


def _for_participant(user: User) -> QuerySet[Assessment]:
    """Surveys ``user`` may answer, with whether they have, and their cohort and program."""
    return (
        Assessment.objects.filter(may_answer_q(OuterRef("cohort_id"), user.pk))
        .select_related("cohort", "cohort__program")
        .annotate(answered=Exists(AssessmentResponse.objects.filter(assessment_id=OuterRef("pk"), respondent=user)))
    )


def open_surveys_for(user: User, *, today: datetime.date | None = None) -> list[Assessment]:
    """The surveys open today that ``user`` may answer (answered or not), closing soonest first. Queries: 1."""
    today = today or timezone.localdate()
    return list(
        _for_participant(user)
        .filter(opens_on__lte=today, closes_on__gte=today, closed_at=None)
        .order_by("closes_on", "pk")
    )


def cohort_surveys_for(user: User, cohort: Cohort, *, today: datetime.date | None = None) -> list[Assessment]:
    """The cohort's surveys that have opened, if ``user`` may answer them (else none). Queries: 1."""
    today = today or timezone.localdate()
    return list(_for_participant(user).filter(cohort=cohort, opens_on__lte=today).order_by("opens_on"))


def assessment_for_participant(user: User, pk: int) -> Assessment | None:
    """The survey, if ``user`` may answer it. Queries: 1."""
    if not user.is_authenticated:
        return None
    return _for_participant(user).filter(pk=pk).first()


def may_answer(user: User, assessment: Assessment) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return Assessment.objects.filter(pk=assessment.pk).filter(may_answer_q(assessment.cohort_id, user.pk)).exists()


def response_of(assessment: Assessment, user: User) -> AssessmentResponse | None:
    """The person's own answers (with their skill ratings), if they answered. Queries: 2 (1 if none)."""
    return (
        AssessmentResponse.objects.filter(assessment=assessment, respondent=user)
        .prefetch_related("skill_ratings__skill")
        .first()
    )


@dataclass(frozen=True)
class SkillToRate:
    skill_id: int
    name: str
    start_level: int
    target_level: int | None = None


def skills_to_rate(user: User, assessment: Assessment) -> list[SkillToRate]:
    """The skills the person wants to learn (their skill profile now), each with where they started.

    The start is the level they gave when they first rated the skill in this cohort (this survey or its
    other one); for a skill rated for the first time, their profile's current level. Queries: 2.
    """
    earlier: dict[int, int] = {}
    for skill_id, start, kind in AssessmentSkillRating.objects.filter(
        response__respondent=user, response__assessment__cohort_id=assessment.cohort_id
    ).values_list("skill_id", "start_level", "response__assessment__kind"):
        # The mid-point's start wins: it was recorded first.
        if skill_id not in earlier or kind == AssessmentKind.MIDPOINT:
            earlier[skill_id] = start
    return [
        SkillToRate(w.skill_id, w.skill.name, earlier.get(w.skill_id, w.current_level), w.target_level)
        for w in WantedSkill.objects.filter(user=user).select_related("skill").order_by("skill__name")
    ]
