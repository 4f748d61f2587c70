"""The community's front page: where the alumni network, stories, training, resources and introductions start."""

from django.shortcuts import render

from accounts.permissions import employee_required
from mentoring.community import selectors


@employee_required
def community_home(request):
    return render(
        request,
        "community/home.html",
        {"stories": selectors.published_stories(limit=3), "can_join": _can_join(request.user)},
    )


def _can_join(user) -> bool:
    return selectors.alumni_member_of(user) is None and selectors.is_alumnus(user)
