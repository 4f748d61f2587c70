"""Pages of the mid-point and end surveys: program admins schedule, open and close them; participants answer."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required, program_admin_required
from mentoring.core.privacy import MIN_PEOPLE
from mentoring.core.web import act, base_url, submit
from mentoring.programs.models import Cohort
from mentoring.surveys import selectors, services
from mentoring.surveys.forms import AssessmentResponseForm, AssessmentScheduleForm
from mentoring.surveys.models import (
    ASSESSMENT_STATEMENTS,
    END_ASSESSMENT_GRACE_DAYS,
    NPS_QUESTION,
    Assessment,
    AssessmentKind,
    AssessmentState,
    LikertAnswer,
)
from mentoring.surveys.permissions import assessment_for_participant_or_404

SURVEY_DAYS = 14  # a new survey's suggested length, its opening day included


def _suggested_dates(cohort: Cohort, kind: str, today: datetime.date) -> dict[str, datetime.date]:
    """Two weeks around the middle of the cohort, or its last two weeks; never before today."""
    length = datetime.timedelta(days=SURVEY_DAYS - 1)
    if kind == AssessmentKind.MIDPOINT:
        opens = cohort.starts_on + (cohort.ends_on - cohort.starts_on) / 2 - length / 2
    else:
        opens = cohort.ends_on - length
    opens = max(opens, today)
    return {"opens_on": opens, "closes_on": opens + length}


@program_admin_required
def assessment_schedule(request, pk: int, kind: str):
    """Program admins: schedule the cohort's mid-point or end survey, or change its dates."""
    if kind not in AssessmentKind.values:
        raise Http404("No such survey.")
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    assessment = Assessment.objects.filter(cohort=cohort, kind=kind).first()
    today = timezone.localdate()
    opened = assessment is not None and assessment.opens_on <= today
    if assessment is not None:
        initial = {"opens_on": assessment.opens_on, "closes_on": assessment.closes_on}
    else:
        initial = _suggested_dates(cohort, kind, today)
    form = AssessmentScheduleForm(request.POST or None, initial=initial, opened=opened)
    if done := submit(
        request,
        form,
        lambda data: services.assessment_schedule(
            cohort=cohort,
            kind=kind,
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            by=request.user,
            base_url=base_url(request),
        ),
        success=_scheduled,
        then=f"{cohort.get_absolute_url()}#surveys",
    ):
        return done
    return render(
        request,
        "surveys/assessment_schedule.html",
        {
            "form": form,
            "cohort": cohort,
            "program": cohort.program,
            "assessment": assessment,
            "kind_label": AssessmentKind(kind).label,
            "is_end": kind == AssessmentKind.END,
            "grace_days": END_ASSESSMENT_GRACE_DAYS,
            "state": assessment.state(today) if assessment else None,
        },
        status=400 if request.method == "POST" else 200,
    )


def _scheduled(assessment: Assessment) -> str:
    label = assessment.get_kind_display().lower()
    if assessment.state() == AssessmentState.OPEN:
        return f"The {label} is open until {assessment.closes_on:%d %b %Y}; participants are e-mailed."
    return f"The {label} opens on {assessment.opens_on:%d %b %Y}; participants are e-mailed that day."


ACTIONS = ("open", "close")


@program_admin_required
@require_POST
def assessment_action(request, pk: int, action: str):
    """Program admins: open a scheduled survey now, or close an open one early."""
    if action not in ACTIONS:
        raise Http404("No such action.")
    assessment = get_object_or_404(Assessment.objects.select_related("cohort"), pk=pk)
    label = assessment.get_kind_display().lower()
    back = f"{assessment.cohort.get_absolute_url()}#surveys"
    if action == "open":
        return act(
            request,
            lambda: services.assessment_open_now(assessment=assessment, base_url=base_url(request)),
            success=f"The {label} is open; everyone who may answer is being e-mailed.",
            then=back,
        )
    return act(
        request,
        lambda: services.assessment_close_now(assessment=assessment),
        success=f"The {label} is closed. The answers given so far count.",
        then=back,
    )


@employee_required
def assessment_answer(request, pk: int):
    """The cohort's participants with a partner (404 for anyone else): answer the survey while it is open, change
    the answers until it closes, read them afterwards."""
    assessment = assessment_for_participant_or_404(request.user, pk)
    state = assessment.state()
    response = selectors.response_of(assessment, request.user)
    form = None
    if state == AssessmentState.OPEN:
        skills = selectors.skills_to_rate(request.user, assessment)
        form = AssessmentResponseForm(request.POST or None, skills=skills, response=response)
        if done := submit(
            request,
            form,
            lambda _: services.assessment_response_save(
                assessment=assessment,
                respondent=request.user,
                answers=form.answers,
                skill_levels=form.skill_levels,
            ),
            success=f"Thank you: your answers are saved. You can change them until {assessment.closes_on:%d %b %Y}.",
            then=assessment,
        ):
            return done
    elif request.method == "POST":
        return act(request, lambda: services.assessment_refuse_unless_open(assessment), success="", then=assessment)
    return render(
        request,
        "surveys/assessment_answer.html",
        {
            "assessment": assessment,
            "cohort": assessment.cohort,
            "program": assessment.cohort.program,
            "state": state,
            "form": form,
            "response": response,
            "statement_answers": [
                (statement, LikertAnswer(getattr(response, name)).label) for name, statement in ASSESSMENT_STATEMENTS
            ]
            if response
            else [],
            "min_people": MIN_PEOPLE,
            "nps_question": NPS_QUESTION,
        },
        status=400 if request.method == "POST" else 200,
    )
