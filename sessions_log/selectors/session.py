"""One session's page: its halves, topics, notes and check-ins as the viewer may see them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import OfferedSkill, Skill, User, WantedSkill
from mentoring.partnerships.models import PartnershipStatus
from sessions_log.models import (
    OPEN_STATUSES,
    CheckIn,
    OfferedTime,
    Session,
    SessionHalf,
    SessionNote,
    SessionStatus,
)
from sessions_log.selectors.actions import (
    checkin_window_start,
)
from sessions_log.times import PartnerTime, partner_time


def topic_suggestions(mentee: User, mentor: User) -> list[Skill]:
    """Skills the mentee wants that the mentor offers; if none match, all the skills the mentee wants.

    Queries: 1.
    """
    offered = OfferedSkill.objects.filter(user=mentor, skill=OuterRef("skill"))
    wanted = list(
        WantedSkill.objects.filter(user=mentee, skill__is_retired=False)
        .annotate(partner_offers=Exists(offered))
        .select_related("skill")
        .order_by("-partner_offers", "skill__name")
    )
    matching = [w.skill for w in wanted if w.partner_offers]
    return matching or [w.skill for w in wanted]


@dataclass
class OfferedChoice:
    """One time a proposal offers, on the viewer's clock and their partner's."""

    offered: OfferedTime
    clocks: PartnerTime
    is_past: bool


@dataclass
class SessionPage:
    session: Session
    viewer: User
    partner: User
    halves: list[SessionHalf]
    notes: list[SessionNote]
    my_note: SessionNote | None
    my_checkin: CheckIn | None
    offered: list[OfferedChoice]

    @property
    def picks_one(self) -> bool:
        """The proposal offers more than one time: the partner picks one of them."""
        return len(self.offered) > 1

    @property
    def pickable(self) -> list[OfferedChoice]:
        return [choice for choice in self.offered if not choice.is_past]

    @property
    def partnership_active(self) -> bool:
        return self.session.partnership.status == PartnershipStatus.ACTIVE

    @property
    def my_mentee_half(self) -> SessionHalf | None:
        return next((h for h in self.halves if h.mentee_id == self.viewer.pk), None)

    @property
    def can_answer(self) -> bool:
        s = self.session
        return (
            self.partnership_active
            and s.status == SessionStatus.PROPOSED
            and s.proposed_by_id != self.viewer.pk
            and bool(self.pickable)
        )

    @property
    def can_propose_other_time(self) -> bool:
        return self.partnership_active and self.session.status == SessionStatus.PROPOSED and bool(self.pickable)

    @property
    def can_reschedule(self) -> bool:
        s = self.session
        return self.partnership_active and s.status == SessionStatus.ACCEPTED and not s.has_started

    @property
    def can_cancel(self) -> bool:
        return self.session.is_open and not self.session.has_started

    @property
    def can_log(self) -> bool:
        s = self.session
        if s.status == SessionStatus.PROPOSED and self.pickable:
            return False  # a later offered time can still be picked
        return s.has_started and s.status not in (SessionStatus.DECLINED, SessionStatus.CANCELLED)

    @property
    def can_set_topic(self) -> bool:
        return self.session.status in (*OPEN_STATUSES, SessionStatus.HELD)

    @property
    def can_checkin(self) -> bool:
        return self.session.status == SessionStatus.HELD

    @property
    def checkin_open(self) -> bool:
        return self.session.start >= checkin_window_start(timezone.now())


def session_page(session: Session, viewer: User) -> SessionPage:
    """Everything the session page shows the viewer. Queries: 3 (halves, notes of the pair, viewer's check-in).

    ``session`` comes from ``permissions.session_for`` with its partnership and members loaded.
    """
    p = session.partnership
    members = {p.member_a_id: p.member_a, p.member_b_id: p.member_b}
    halves = list(session.halves.select_related("topic_skill").order_by("order"))
    for half in halves:
        half.mentor, half.mentee = members[half.mentor_id], members[half.mentee_id]
    notes = list(SessionNote.objects.filter(session=session).order_by("created_at", "pk"))
    for note in notes:
        note.author = members.get(note.author_id, note.author)
    offered = []
    if session.status == SessionStatus.PROPOSED:
        # Queries: +1, only while the proposal waits for an answer.
        times = list(session.offered_times.order_by("start", "pk")) or [
            OfferedTime(session=session, start=session.start, end=session.end)
        ]
        now = timezone.now()
        partner = p.partner_of(viewer)
        offered = [
            OfferedChoice(
                offered=t,
                clocks=partner_time(t.start, session.duration_minutes, viewer=viewer, partner=partner),
                is_past=t.start <= now,
            )
            for t in times
        ]
    return SessionPage(
        session=session,
        viewer=viewer,
        partner=p.partner_of(viewer),
        halves=halves,
        notes=notes,
        my_note=next((n for n in notes if n.author_id == viewer.pk), None),
        my_checkin=CheckIn.objects.filter(session=session, author=viewer).first(),
        offered=offered,
    )
