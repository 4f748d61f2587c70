"""The partnerships' part of pages that programs own (programs sits below partnerships and never imports them)."""

from django import template

from mentoring.partnerships.selectors import partnership_ids_by_cohort, partnerships_in_cohort_for

register = template.Library()


@register.simple_tag(takes_context=True)
def partnerships_in_cohort(context, cohort) -> list:
    """``{% partnerships_in_cohort cohort as pairs %}``: the viewer's partnerships in one cohort (one query), for
    the enrollment page's summary line and its partner card (partnerships/_enrollment_partnership.html)."""
    return partnerships_in_cohort_for(context["request"].user, cohort)


@register.simple_tag(takes_context=True)
def partnerships_by_cohort(context) -> dict[int, int]:
    """``{% partnerships_by_cohort as my_pairs %}``: the viewer's partnership id in each cohort (one query)."""
    return partnership_ids_by_cohort(context["request"].user)
