"""Who may follow up pairs: one function per object kind.

A partner reaches only their own fit check: anyone else, program admins and leaders included, gets a 404 (no one
learns which pairs exist). The at-risk list and its actions are for program admins (and superusers); everyone
else signed in gets a 403. Program admin is one role for every program in Twoway (``accounts.User.is_program_admin``:
there is no per-program admin), so "the program admins of that program" are all program admins; this module is the
one place to narrow it should programs get admins of their own. Leaders read aggregates only (reports): never
a fit check, never an at-risk list.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import is_program_admin
from mentoring.partnerships.models import Partnership, PartnershipStatus
from mentoring.partnerships.permissions import can_view_partnership, partnership_for_member_or_404
from mentoring.programs.models import Cohort


def can_follow_up_cohort(user: User, cohort: Cohort) -> bool:
    """The cohort's at-risk list and the actions on its pairs: program admins and superusers."""
    return is_program_admin(user)


def can_answer_fit_check(user: User, partnership: Partnership) -> bool:
    """Each partner answers their own, while the pair is active."""
    return can_view_partnership(user, partnership) and partnership.status == PartnershipStatus.ACTIVE


def fit_check_partnership_or_404(user: User, pk: int) -> Partnership:
    """The partnership whose fit check ``user`` answers: theirs, or a 404."""
    return partnership_for_member_or_404(user, pk)


def followup_cohort_or_404(pk: int) -> Cohort:
    """For views already limited to program admins: the cohort, or a 404."""
    return get_object_or_404(Cohort.objects.select_related("program"), pk=pk)


def followup_partnership_or_404(pk: int) -> Partnership:
    """For views already limited to program admins: the pair (active or not), or a 404."""
    partnership = (
        Partnership.objects.select_related("cohort", "cohort__program", "member_a", "member_b").filter(pk=pk).first()
    )
    if partnership is None:
        raise Http404("No such partnership.")
    return partnership
