"""Writes for the mid-point and end surveys (assessments): scheduling, opening and closing, answering, e-mail.

A survey is open from its opening day to the end of its closing day: it needs no process to open it. Its
e-mails do: when a survey opens (on its day, or early when a program admin opens it now), everyone who may
answer gets one e-mail with a link. Celery beat runs ``assessment_emails_queue`` every 15 minutes; each
e-mail is an outbox message keyed by survey and person, so each person is e-mailed once per survey, also someone
who gets a partner while the survey is open. One still waiting to be sent when the person answers or the survey
closes is not sent.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from mentoring.core.privacy import MIN_PEOPLE
from mentoring.notifications.selectors import message_keys_taken
from mentoring.notifications.services import (
    absolute_link,
    message_draft,
    messages_are_muted,
    messages_cancel,
    messages_queue,
)
from mentoring.programs.models import Cohort, CohortStatus
from mentoring.surveys import selectors
from mentoring.surveys.models import (
    ASSESSMENT_STATEMENTS,
    Assessment,
    AssessmentKind,
    AssessmentResponse,
    AssessmentSkillRating,
    AssessmentState,
)

ANSWER_FIELDS = ("nps", *(name for name, _ in ASSESSMENT_STATEMENTS), "comment")


def _other(assessment: Assessment) -> Assessment | None:
    other_kind = AssessmentKind.END if assessment.kind == AssessmentKind.MIDPOINT else AssessmentKind.MIDPOINT
    return Assessment.objects.filter(cohort_id=assessment.cohort_id, kind=other_kind).first()


def _check_order(assessment: Assessment) -> None:
    """The mid-point survey closes before the end survey opens."""
    other = _other(assessment)
    if other is None:
        return
    if assessment.kind == AssessmentKind.END and assessment.opens_on <= other.closes_on:
        raise ValidationError(
            {"opens_on": f"The end survey must open after the mid-point survey closes ({other.closes_on:%d %b %Y})."}
        )
    if assessment.kind == AssessmentKind.MIDPOINT and assessment.closes_on >= other.opens_on:
        raise ValidationError(
            {"closes_on": f"The mid-point survey must close before the end survey opens ({other.opens_on:%d %b %Y})."}
        )


@transaction.atomic
def assessment_schedule(
    *,
    cohort: Cohort,
    kind: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    by: User | None,
    base_url: str,
    today: datetime.date | None = None,
) -> Assessment:
    """Schedule the cohort's mid-point or end survey, or change its dates.

    Before it opens both days may change (to today or later). Once it has opened, only the closing day may
    change, to today or later; that also reopens a survey closed early. A survey that opens today sends its
    e-mails at once.
    """
    today = today or timezone.localdate()
    if kind not in AssessmentKind.values:
        raise ValidationError("Unknown survey.", code="invalid")
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    assessment = Assessment.objects.filter(cohort=locked, kind=kind).first()
    errors: dict[str, str] = {}
    if assessment is not None and assessment.opens_on <= today:
        if opens_on != assessment.opens_on:
            errors["opens_on"] = (
                f"The survey opened on {assessment.opens_on:%d %b %Y}, so its opening day can no longer change."
            )
        if closes_on < today:
            errors["closes_on"] = "Pick today or a later day. To stop taking answers now, use “Close now”."
    elif opens_on < today:
        errors["opens_on"] = "Pick today or a later day."
    if errors:
        raise ValidationError(errors)
    if assessment is None:
        assessment = Assessment(cohort=locked, kind=kind, created_by=by)
    assessment.cohort = locked
    assessment.opens_on, assessment.closes_on = opens_on, closes_on
    assessment.closed_at = None  # a closing day of today or later reopens one closed early
    assessment.full_clean(exclude=["created_by"], validate_unique=False)
    _check_order(assessment)
    assessment.save()
    if assessment.state(today) == AssessmentState.OPEN:
        assessment_emails_queue(base_url=base_url, today=today, assessment_ids=[assessment.pk])
    return assessment


@transaction.atomic
def assessment_open_now(*, assessment: Assessment, base_url: str, today: datetime.date | None = None) -> Assessment:
    """Open a scheduled survey today instead of on its day; everyone who may answer is e-mailed now."""
    today = today or timezone.localdate()
    assessment = Assessment.objects.select_for_update().select_related("cohort").get(pk=assessment.pk)
    state = assessment.state(today)
    if state == AssessmentState.OPEN:
        raise ValidationError("This survey is already open.", code="open")
    if state == AssessmentState.CLOSED:
        raise ValidationError(
            "This survey has closed. To reopen it, change its closing day to today or later.", code="closed"
        )
    if assessment.cohort.status not in (CohortStatus.ACTIVE, CohortStatus.CLOSED):
        raise ValidationError(
            "Nobody in this cohort has a partner yet, so nobody could answer: publish the matches first.",
            code="no_pairs",
        )
    assessment.opens_on = today
    try:
        assessment.full_clean(exclude=["created_by"], validate_unique=False)
        _check_order(assessment)
    except ValidationError as error:
        raise ValidationError(" ".join(error.messages), code="dates") from error
    assessment.save(update_fields=["opens_on", "updated_at"])
    assessment_emails_queue(base_url=base_url, today=today, assessment_ids=[assessment.pk])
    return assessment


@transaction.atomic
def assessment_close_now(*, assessment: Assessment, today: datetime.date | None = None) -> Assessment:
    """Stop taking answers before the closing day ends. Answers given so far stay and count."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state(today) != AssessmentState.OPEN:
        raise ValidationError("Only an open survey can be closed.", code="not_open")
    assessment.closed_at = timezone.now()
    assessment.save(update_fields=["closed_at", "updated_at"])
    messages_cancel(key_prefix=assessment_open_key(assessment.pk))  # e-mails still waiting are not sent
    return assessment


# --- Answering --------------------------------------------------------------------------------------------


def assessment_refuse_unless_open(assessment: Assessment, today: datetime.date | None = None) -> None:
    """Answers are taken only while the survey is open; otherwise say when it opens or that it closed."""
    state = assessment.state(today)
    if state == AssessmentState.SCHEDULED:
        raise ValidationError(f"This survey opens on {assessment.opens_on:%d %b %Y}.", code="not_open")
    if state == AssessmentState.CLOSED:
        raise ValidationError(
            f"This survey closed on {assessment.closed_on:%d %b %Y}: answers can no longer change.", code="closed"
        )


@transaction.atomic
def assessment_response_save(
    *,
    assessment: Assessment,
    respondent: User,
    answers: dict,
    skill_levels: dict[int, int],
    today: datetime.date | None = None,
) -> AssessmentResponse:
    """Record (or change) the person's answers while the survey is open.

    ``answers`` holds the NPS, the four statements and the comment; ``skill_levels`` where the person stands
    now (1-5) in each skill their profile says they want to learn, by skill id.
    """
    today = today or timezone.localdate()
    assessment = Assessment.objects.select_related("cohort").get(pk=assessment.pk)
    if not selectors.may_answer(respondent, assessment):
        raise ValidationError(
            "Only the cohort's participants who have (or had) a partner answer its surveys.", code="not_participant"
        )
    assessment_refuse_unless_open(assessment, today)
    skills = {s.skill_id: s for s in selectors.skills_to_rate(respondent, assessment)}
    errors: dict[str, list[str]] = {}
    for skill_id in skills:
        level = skill_levels.get(skill_id)
        if level not in (1, 2, 3, 4, 5):
            errors[f"skill_{skill_id}"] = ["Rate where you stand now, from 1 to 5."]
    if set(skill_levels) - set(skills):
        errors.setdefault("__all__", []).append("Rate only the skills your profile says you want to learn.")
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    values = {name: answers.get(name) for name in ANSWER_FIELDS}
    values["comment"] = (values["comment"] or "").strip()
    response = (
        AssessmentResponse.objects.select_for_update().filter(assessment=assessment, respondent=respondent).first()
    )
    created = response is None
    if created:
        response = AssessmentResponse(assessment=assessment, respondent=respondent, created_at=now)
    for name, value in values.items():
        setattr(response, name, value)
    response.updated_at = now
    response.full_clean(exclude=["assessment", "respondent"], validate_unique=False)
    if created:
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            # The same person sent the form twice at once: the first one is their answer.
            raise ValidationError(
                "Your answers were just saved from another window: reload the page to change them.", code="duplicate"
            ) from None
        # Someone who answered before their "the survey is open" e-mail went out no longer needs it.
        messages_cancel(keys=[assessment_open_key(assessment.pk, respondent.pk)])
    else:
        response.save()

    existing = {r.skill_id: r for r in AssessmentSkillRating.objects.filter(response=response)}
    AssessmentSkillRating.objects.filter(response=response).exclude(skill_id__in=list(skills)).delete()
    changed = []
    for skill_id, rating in existing.items():
        if skill_id in skills and rating.level != skill_levels[skill_id]:
            rating.level = skill_levels[skill_id]
            changed.append(rating)
    AssessmentSkillRating.objects.bulk_update(changed, ["level"])
    AssessmentSkillRating.objects.bulk_create(
        [
            AssessmentSkillRating(
                response=response, skill_id=skill_id, start_level=skill.start_level, level=skill_levels[skill_id]
            )
            for skill_id, skill in skills.items()
            if skill_id not in existing
        ]
    )
    return response


# --- E-mail -------------------------------------------------------------------------------------------------


def assessment_open_key(assessment_id: int, user_id: int | None = None) -> str:
    """``assessment_open:<survey>:<person>``; without a person, the start of every such key of the survey."""
    return f"assessment_open:{assessment_id}:{'' if user_id is None else user_id}"


def _end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, timezone.get_default_timezone()
    )


@transaction.atomic
def assessment_emails_queue(
    *, base_url: str, today: datetime.date | None = None, assessment_ids: list[int] | None = None
) -> int:
    """Queue a "your survey is open" e-mail for everyone who may answer an open survey and was not e-mailed about
    it yet (nor answered it). Each is keyed ``assessment_open:<survey>:<person>``, so each person is e-mailed once
    per survey, however many beats (or an admin opening it at that moment) run. Returns how many were queued.

    Queries: savepoint, surveys, answers, people who may answer, keys taken, the insert, reading it back, release,
    whatever the number of surveys and people.
    """
    if messages_are_muted():
        return 0
    today = today or timezone.localdate()
    surveys = Assessment.objects.filter(opens_on__lte=today, closes_on__gte=today, closed_at=None).select_related(
        "cohort__program"
    )
    if assessment_ids is not None:
        surveys = surveys.filter(pk__in=assessment_ids)
    by_cohort: dict[int, list[Assessment]] = {}
    for survey in surveys:
        by_cohort.setdefault(survey.cohort_id, []).append(survey)
    if not by_cohort:
        return 0
    survey_ids = [survey.pk for cohort_surveys in by_cohort.values() for survey in cohort_surveys]
    answered = set(
        AssessmentResponse.objects.filter(assessment_id__in=survey_ids).values_list("assessment_id", "respondent_id")
    )
    asked = [
        (survey, enrollment.user)
        for enrollment in selectors.answering_enrollments(list(by_cohort)).select_related("user")
        for survey in by_cohort[enrollment.cohort_id]
        if (survey.pk, enrollment.user_id) not in answered
    ]
    taken = message_keys_taken(assessment_open_key(survey.pk, user.pk) for survey, user in asked)
    return len(
        messages_queue(
            message_draft(
                kind="assessment_open",
                to=user.email,
                recipient=user,
                timezone=user.timezone,
                key=assessment_open_key(survey.pk, user.pk),
                expires_at=_end_of(survey.closes_on),  # a survey that closed is no longer worth an e-mail
                context={
                    "user": user,
                    "assessment": survey,
                    "cohort": survey.cohort,
                    "program": survey.cohort.program,
                    "link": absolute_link(base_url, survey.get_absolute_url()),
                    "min_people": MIN_PEOPLE,
                },
            )
            for survey, user in asked
            if assessment_open_key(survey.pk, user.pk) not in taken
        )
    )
