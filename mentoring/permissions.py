"""Who may see programs, cohorts, enrollments, partnerships, goals and surveys: one function per object kind.

The console (everything under /programs/manage/) is for program admins only: its views use
`accounts.permissions.program_admin_required`. Employees reach cohorts and enrollments through
the functions below, which answer 404 for anything that is not theirs to see.

The pair's page, its agreement and its goals belong to the two partners alone. Program admins and leaders
get a 404 there like anyone else: what the program team may know about a pair (who, which cohort, whether
the agreement is signed, the balance flag) is the non-private summary of `can_view_partnership_summary`,
never the agreement's text, the outcomes or the goals' notes.

A survey's page (its form, then the person's own answers) is for the people who may answer it; everyone else
gets a 404. Its results are the reports' aggregates, and its comments reach program admins only.
"""

from django.http import Http404

from accounts.models import User
from accounts.permissions import is_leader, is_program_admin
from mentoring import assessment_selectors, selectors
from mentoring.models import Assessment, Cohort, CohortStatus, Enrollment, Goal, Partnership, PartnershipStatus


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


# --- Partnerships, agreements and goals ----------------------------------------------------------------


def can_view_partnership(user: User, partnership: Partnership) -> bool:
    """The pair's page, with its agreement and goals: the two partners only."""
    return bool(user.is_authenticated and user.is_active and partnership.has_member(user))


def can_view_partnership_summary(user: User, partnership: Partnership) -> bool:
    """Names, cohort, status, whether the agreement is signed, the balance flag: the partners and program admins."""
    return can_view_partnership(user, partnership) or is_program_admin(user)


def can_edit_agreement(user: User, partnership: Partnership) -> bool:
    """Either partner writes and signs the agreement while the partnership is active."""
    return can_view_partnership(user, partnership) and partnership.status == PartnershipStatus.ACTIVE


def can_view_goal(user: User, goal: Goal) -> bool:
    """A goal (with its notes) is shared between the two partners."""
    return can_view_partnership(user, goal.partnership)


def can_edit_goal(user: User, goal: Goal) -> bool:
    """Only the goal's owner changes it, and only while the partnership is active."""
    return (
        can_view_goal(user, goal) and goal.owner_id == user.pk and goal.partnership.status == PartnershipStatus.ACTIVE
    )


def can_close_goal(user: User, goal: Goal) -> bool:
    """Only the owner records a goal's final outcome, once; this stays possible after the pair has ended."""
    return can_view_goal(user, goal) and goal.owner_id == user.pk and not goal.is_closed


def partnership_for_member_or_404(user: User, pk: int) -> Partnership:
    """The partnership (with cohort, program, members and agreement) if ``user`` is in it.

    Anyone else gets a 404, so no one learns which pairs exist.
    """
    partnership = (
        Partnership.objects.select_related(
            "cohort", "cohort__program", "member_a", "member_b", "agreement", "agreement__updated_by"
        )
        .filter(pk=pk)
        .first()
    )
    if partnership is None or not can_view_partnership(user, partnership):
        raise Http404("No such partnership.")
    return partnership


def goal_for_member_or_404(user: User, pk: int) -> Goal:
    goal = Goal.objects.select_related("partnership", "partnership__cohort").filter(pk=pk).first()
    if goal is None or not can_view_goal(user, goal):
        raise Http404("No such goal.")
    return goal


# --- Program reports -------------------------------------------------------------------------------------


def can_view_reports(user: User) -> bool:
    """Program reports (aggregates only): leaders, and the program team that runs the programs (and superusers)."""
    return is_leader(user) or is_program_admin(user)


# --- Mid-point and end surveys (assessments) ------------------------------------------------------------


def assessment_for_participant_or_404(user: User, pk: int) -> Assessment:
    """The survey, if ``user`` may answer it: the cohort's participants who have (or had) a partner in it (see
    mentoring.assessment_selectors.may_answer). Everyone else gets a 404, program admins and leaders included: they
    read the survey's totals in the reports, never anyone's answers."""
    assessment = assessment_selectors.assessment_for_participant(user, pk) if user.is_active else None
    if assessment is None:
        raise Http404("No such survey.")
    return assessment


def can_read_assessment_comments(user: User) -> bool:
    """Survey comments (without names, from surveys enough people answered): the program team only."""
    return is_program_admin(user)
