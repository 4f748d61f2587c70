"""The sessions' part of pages that other apps own: the pair's page shows its sessions block through this tag, so
partnerships never imports sessions (it sits below them)."""

from django import template

from sessions_log.selectors import partnership_sessions_context

register = template.Library()


@register.inclusion_tag("sessions_log/_partnership_sessions.html", takes_context=True)
def partnership_sessions(context, partnership):
    """The pair's sessions block: next actions, upcoming and past sessions and the teaching balance."""
    return {"sessions": partnership_sessions_context(partnership, context["request"].user)}
