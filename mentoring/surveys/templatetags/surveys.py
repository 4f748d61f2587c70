"""The surveys' part of pages that programs own (programs sits below surveys and never imports them)."""

from django import template

from mentoring.surveys.selectors import cohort_survey_rows, cohort_surveys_for

register = template.Library()


@register.inclusion_tag("surveys/_enrollment_surveys.html", takes_context=True)
def enrollment_surveys(context, enrollment):
    """The enrollment page's list of the cohort's surveys, with whether the person answered each."""
    return {"surveys": cohort_surveys_for(context["request"].user, enrollment.cohort)}


@register.inclusion_tag("surveys/_cohort_surveys.html", takes_context=True)
def cohort_surveys_card(context, cohort):
    """The console's cohort page: the cohort's two surveys, their state and response rate, and their buttons."""
    return {"cohort": cohort, "surveys": cohort_survey_rows(cohort), "csrf_token": context.get("csrf_token")}
