"""Who may see and do what with sessions, private notes and check-ins: one function per object kind.

Sessions, notes and check-ins belong to the pair. Roles (program admin, leader, superuser) give no access
to them through the app's pages: the program team sees only flags, aggregates and what a partner chose to share.
"""

from django.http import Http404

from accounts.models import User
from mentoring.models import Partnership
from sessions_log.models import CheckIn, Session, SessionHalf, SessionNote


def _is_partner(user: User, session: Session) -> bool:
    return bool(user.is_authenticated and user.is_active and session.partnership.has_member(user))


def can_view_session(user: User, session: Session) -> bool:
    """The two partners, and nobody else."""
    return _is_partner(user, session)


def can_propose_session(user: User, partnership) -> bool:
    """Either partner of an active partnership."""
    return bool(
        user.is_authenticated and user.is_active and partnership.has_member(user) and partnership.status == "active"
    )


def can_set_topic(user: User, half: SessionHalf) -> bool:
    """Only the mentee of a half chooses what it is about."""
    return _is_partner(user, half.session) and half.mentee_id == user.pk


def can_read_note(user: User, note: SessionNote) -> bool:
    """Notes are for the pair: both partners read them, nobody else ever does."""
    return _is_partner(user, note.session)


def can_edit_note(user: User, note: SessionNote) -> bool:
    return can_read_note(user, note) and note.author_id == user.pk


def can_view_checkin(user: User, checkin: CheckIn) -> bool:
    """A check-in is its author's: not even the partner reads it (the program team sees only what was shared)."""
    return bool(user.is_authenticated and user.is_active and checkin.author_id == user.pk)


def partnership_for_member(user: User, partnership_id: int) -> Partnership:
    """The partnership if ``user`` is one of its two members; a 404 for anyone else."""
    partnership = Partnership.objects.select_related("cohort", "member_a", "member_b").filter(pk=partnership_id).first()
    if partnership is None or not (user.is_authenticated and user.is_active and partnership.has_member(user)):
        raise Http404("No such partnership.")
    return partnership


def session_for(user: User, session_id: int, *, queryset=None) -> Session:
    """The session if ``user`` is one of its partners; a 404 for anyone else, so ids reveal nothing."""
    qs = queryset if queryset is not None else Session.objects.all()
    session = (
        qs.select_related("partnership__member_a", "partnership__member_b", "partnership__cohort")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not can_view_session(user, session):
        raise Http404("No such session.")
    return session
