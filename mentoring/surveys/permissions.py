"""Who may answer a survey and who reads its comments.

A survey's page (its form, then the person's own answers) is for the people who may answer it; everyone else
gets a 404. Its results are the reports' aggregates, and its comments reach program admins only.
"""

from django.http import Http404

from accounts.models import User
from accounts.permissions import is_program_admin
from mentoring.surveys import selectors
from mentoring.surveys.models import Assessment


def assessment_for_participant_or_404(user: User, pk: int) -> Assessment:
    """The survey, if ``user`` may answer it: the cohort's participants who have (or had) a partner in it (see
    mentoring.surveys.selectors.may_answer). Everyone else gets a 404, program admins and leaders included: they
    read the survey's totals in the reports, never anyone's answers."""
    assessment = selectors.assessment_for_participant(user, pk) if user.is_active else None
    if assessment is None:
        raise Http404("No such survey.")
    return assessment


def can_read_assessment_comments(user: User) -> bool:
    """Survey comments (without names, from surveys enough people answered): the program team only."""
    return is_program_admin(user)
