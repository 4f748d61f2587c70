"""Who may see programs, cohorts and enrollments: one function per object kind.

The console (everything under /programs/manage/) is for program admins only: its views use
`accounts.permissions.program_admin_required`. Employees reach cohorts and enrollments through
the functions below, which answer 404 for anything that is not theirs to see.
"""

from django.http import Http404

from accounts.models import User
from mentoring.programs import selectors
from mentoring.programs.models import Cohort, CohortStatus, Enrollment


def can_see_enrollment(user: User, enrollment: Enrollment) -> bool:
    """Employees see only their own enrollments (program admins use the cohort page instead)."""
    return user.is_authenticated and enrollment.user_id == user.pk


def can_see_cohort(user: User, cohort: Cohort) -> bool:
    """An employee sees a cohort while it is enrolling, or any time they have an enrollment in it."""
    if not user.is_authenticated:
        return False
    return cohort.status == CohortStatus.ENROLLING or cohort.enrollments.filter(user=user).exists()


def own_enrollment_or_404(user: User, pk: int) -> Enrollment:
    enrollment = selectors.enrollment_for_owner(pk, user)
    if enrollment is None or not can_see_enrollment(user, enrollment):
        raise Http404("No such enrollment.")
    return enrollment


def visible_cohort_or_404(user: User, pk: int) -> Cohort:
    cohort = Cohort.objects.select_related("program").filter(pk=pk).first()
    if cohort is None or not can_see_cohort(user, cohort):
        raise Http404("No such cohort.")
    return cohort
