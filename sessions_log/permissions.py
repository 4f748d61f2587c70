"""Who may see and do what with sessions: one function per object kind.

Sessions, notes and check-ins belong to the pair (`mentoring.permissions.can_view_partnership`); the services
refuse anyone else's writes, and only the author of a check-in or a note changes it. Roles (program admin, leader,
superuser) give no access to them through the app's pages: the program team sees only flags, aggregates and what
a partner chose to share.
"""

from django.http import Http404

from accounts.models import User
from mentoring.partnerships.models import Partnership, PartnershipStatus
from mentoring.partnerships.permissions import can_view_partnership
from sessions_log.models import Session, SessionHalf


def can_view_session(user: User, session: Session) -> bool:
    """The two partners, and nobody else."""
    return can_view_partnership(user, session.partnership)


def can_propose_session(user: User, partnership: Partnership) -> bool:
    """Either partner of an active partnership."""
    return can_view_partnership(user, partnership) and partnership.status == PartnershipStatus.ACTIVE


def can_set_topic(user: User, half: SessionHalf) -> bool:
    """Only the mentee of a half chooses what it is about."""
    return can_view_session(user, half.session) and half.mentee_id == user.pk


def partnership_for_member(user: User, partnership_id: int) -> Partnership:
    """The partnership if ``user`` is one of its two members; a 404 for anyone else."""
    partnership = Partnership.objects.select_related("cohort", "member_a", "member_b").filter(pk=partnership_id).first()
    if partnership is None or not can_view_partnership(user, partnership):
        raise Http404("No such partnership.")
    return partnership


def session_for(user: User, session_id: int) -> Session:
    """The session if ``user`` is one of its partners; a 404 for anyone else, so ids reveal nothing."""
    session = (
        Session.objects.select_related("partnership__member_a", "partnership__member_b", "partnership__cohort")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not can_view_session(user, session):
        raise Http404("No such session.")
    return session
