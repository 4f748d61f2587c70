"""Everyone who uses Twoway and their roles (program admins)."""

import re

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import RolesForm
from accounts.models import User
from accounts.permissions import program_admin_required
from mentoring.core.web import act

# The people page reads this much of a search; longer text is cut, not carried around.
SEARCH_MAX_CHARS = 100


def _people_filter(data) -> dict[str, str]:
    """The people page's search and page number as that page reads them: a search of at most SEARCH_MAX_CHARS,
    a page that is a page number. Whatever else was sent (a pasted novel, a page of 50,000 digits) is dropped, so the
    way back to the list is always a short URL."""
    search = data.get("q", "").strip()[:SEARCH_MAX_CHARS]
    page = data.get("page", "").strip()
    return {
        **({"q": search} if search else {}),
        **({"page": page} if re.fullmatch(r"[0-9]{1,6}", page) else {}),
    }


@program_admin_required
def people(request):
    """Everyone who uses Twoway, with their roles; program admins grant roles here."""
    search = _people_filter(request.GET).get("q", "")
    page = Paginator(selectors.people_with_roles(search), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "search": search})


@require_POST
@program_admin_required
def roles_edit(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    form = RolesForm(request.POST)
    back = _people_filter(request.POST)
    then = reverse("accounts:people") + (f"?{urlencode(back)}" if back else "")
    if not form.is_valid():
        return redirect(then)
    return act(
        request,
        lambda: services.user_set_roles(user=person, changed_by=request.user, **form.cleaned_data),
        success=lambda user: f"{user.display_name}: {', '.join(user.role_names)}.",
        then=then,
    )
