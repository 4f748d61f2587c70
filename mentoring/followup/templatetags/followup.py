"""Following up's part of pages that lower apps own (partnerships never imports followup): the fit-check card on
the pair's page."""

from django import template

from mentoring.followup.forms import FitCheckForm
from mentoring.followup.selectors import fit_check_state

register = template.Library()


@register.inclusion_tag("followup/_fit_check_card.html", takes_context=True)
def fit_check_card(context, partnership):
    """``{% fit_check_card partnership %}``: the viewer's fit check for this pair (2 queries): the question after
    the first held session, or their answer with a way to change it. Nothing before the first session."""
    user = context["request"].user
    state = fit_check_state(partnership, user)
    return {
        "state": state,
        "form": FitCheckForm(auto_id=f"id_fit{partnership.pk}_%s") if state.is_due else None,
        "partnership": partnership,
        "partner": partnership.partner_of(user),
    }
