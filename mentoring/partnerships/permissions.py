"""Who may see partnerships, their agreement and their goals: one function per object kind.

The pair's page, its agreement and its goals belong to the two partners alone. Program admins and leaders
get a 404 there like anyone else: what the program team may know about a pair (who, which cohort, whether
the agreement is signed, the balance flag) is the non-private summary of `can_view_partnership_summary`,
never the agreement's text, the outcomes or the goals' notes.
"""

from django.http import Http404

from accounts.models import User
from accounts.permissions import is_program_admin
from mentoring.partnerships.models import Goal, Partnership, PartnershipStatus


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
