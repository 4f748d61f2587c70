"""The community in numbers: leaders and program admins read counts, never names or texts."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.permissions import employee_required, is_leader, is_program_admin
from mentoring.community import selectors


@employee_required
def community_numbers(request):
    if not (is_leader(request.user) or is_program_admin(request.user)):
        raise PermissionDenied
    return render(request, "community/numbers.html", {"numbers": selectors.community_numbers()})
