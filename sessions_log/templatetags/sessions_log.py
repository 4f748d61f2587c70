"""The sessions' part of pages that other apps own, so that those apps never import sessions (they sit below
them): the pair's page shows its sessions block, and the console's closing page says what closing a cohort does
to its pairs and sessions."""

from django import template

from sessions_log import selectors

register = template.Library()


@register.inclusion_tag("sessions_log/_partnership_sessions.html", takes_context=True)
def partnership_sessions(context, partnership):
    """The pair's sessions block: next actions, upcoming and past sessions and the teaching balance."""
    return {"sessions": selectors.partnership_sessions_context(partnership, context["request"].user)}


@register.inclusion_tag("sessions_log/_cohort_closing.html")
def cohort_closing(cohort):
    """The console's closing page: how many pairs end, how many sessions are cancelled and who is e-mailed."""
    return {"closing": selectors.cohort_closing(cohort)}
