"""Reads about sessions: the pair's sessions block, next actions, the teaching balance and the program team's view.

Contract with the partnership page and the home page (mentoring app):

* ``partnership_sessions_context(partnership, viewer)`` returns the dict that
  ``templates/sessions_log/_partnership_sessions.html`` renders; include it as
  ``{% include "sessions_log/_partnership_sessions.html" with sessions=<that dict> %}``.
* ``next_session_actions(partnerships, user)`` maps partnership id to a list of ``SessionAction``:
  each is a ``(label, url)`` pair whose ``str()`` is the label.

Both cost a fixed number of queries whatever the number of sessions.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, DenseRank
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import OfferedSkill, Skill, User, WantedSkill
from mentoring.partnerships.models import AgreementSignature, GoalStatus, Partnership, PartnershipStatus
from mentoring.programs.models import Cadence, Cohort
from sessions_log.models import (
    BALANCE_MAX_SHARE,
    BALANCE_WINDOW_SESSIONS,
    CHECKIN_OPEN_DAYS,
    OPEN_STATUSES,
    CheckIn,
    Session,
    SessionHalf,
    SessionNote,
    SessionStatus,
)

UPCOMING_LIMIT = 10
HISTORY_LIMIT = 5

ACTION_RESPOND = "Respond to a proposed time"
ACTION_LOG = "Log your last session"
ACTION_CHECKIN = "Check-in due"
ACTION_SCHEDULE = "Schedule your next session"


class SessionAction(NamedTuple):
    label: str
    url: str

    def __str__(self) -> str:
        return self.label


# --- Next actions ---------------------------------------------------------------------------------


def _checkin_window_start(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=CHECKIN_OPEN_DAYS)


def next_session_actions(partnerships: Iterable[Partnership], user: User) -> dict[int, list[SessionAction]]:
    """What ``user`` should do next about sessions in each partnership, in the order to do it.

    Queries: 1 (one aggregate over the sessions of all the partnerships), whatever their number.
    """
    partnerships = list(partnerships)
    if not partnerships:
        return {}
    now = timezone.now()
    mine = CheckIn.objects.filter(session=OuterRef("pk"), author=user)
    respond = Q(status=SessionStatus.PROPOSED, start__gt=now) & ~Q(proposed_by=user)
    to_log = Q(status=SessionStatus.ACCEPTED, start__lte=now)
    checkin_due = Q(status=SessionStatus.HELD, start__gte=_checkin_window_start(now)) & ~Q(Exists(mine))
    rows = (
        Session.objects.filter(partnership_id__in=[p.pk for p in partnerships])
        .values("partnership_id")
        .annotate(
            upcoming=Count("pk", filter=Q(status__in=OPEN_STATUSES, end__gt=now)),
            respond_id=Min("pk", filter=respond),
            log_id=Min("pk", filter=to_log),
            checkin_id=Min("pk", filter=checkin_due),
        )
        .order_by()
    )
    by_partnership = {row["partnership_id"]: row for row in rows}
    actions: dict[int, list[SessionAction]] = {}
    for partnership in partnerships:
        row = by_partnership.get(partnership.pk, {})
        active = partnership.status == PartnershipStatus.ACTIVE
        items = []
        if active and row.get("respond_id"):
            items.append(
                SessionAction(ACTION_RESPOND, reverse("sessions_log:session_detail", args=[row["respond_id"]]))
            )
        if row.get("log_id"):
            items.append(SessionAction(ACTION_LOG, reverse("sessions_log:session_log", args=[row["log_id"]])))
        if row.get("checkin_id"):
            items.append(SessionAction(ACTION_CHECKIN, reverse("sessions_log:checkin", args=[row["checkin_id"]])))
        if active and not row.get("upcoming"):
            items.append(SessionAction(ACTION_SCHEDULE, reverse("sessions_log:session_propose", args=[partnership.pk])))
        actions[partnership.pk] = items
    return actions


# --- Teaching balance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonBalance:
    user: User
    mentor_minutes: int
    mentee_minutes: int

    @property
    def total_minutes(self) -> int:
        return self.mentor_minutes + self.mentee_minutes

    @property
    def mentor_percent(self) -> int:
        return round(100 * self.mentor_minutes / self.total_minutes) if self.total_minutes else 50


@dataclass(frozen=True)
class TeachingBalance:
    """Minutes each partner spent as mentor and as mentee in held sessions, all time and over the recent window."""

    partnership: Partnership
    held_sessions: int
    mentor_minutes: dict[int, int]
    recent_sessions: int
    recent_mentor_minutes: dict[int, int]

    def person(self, user: User) -> PersonBalance:
        partner = self.partnership.partner_of(user)
        return PersonBalance(
            user=user,
            mentor_minutes=self.mentor_minutes.get(user.pk, 0),
            mentee_minutes=self.mentor_minutes.get(partner.pk, 0),
        )

    @property
    def member_a(self) -> PersonBalance:
        return self.person(self.partnership.member_a)

    @property
    def member_b(self) -> PersonBalance:
        return self.person(self.partnership.member_b)

    @property
    def recent_total(self) -> int:
        return sum(self.recent_mentor_minutes.values())

    def recent_share(self, user: User) -> float:
        total = self.recent_total
        return self.recent_mentor_minutes.get(user.pk, 0) / total if total else 0.5

    @property
    def recent_leader(self) -> User | None:
        """The partner who mentored for more than 60% of the minutes of the last three held sessions, if any."""
        for user in (self.partnership.member_a, self.partnership.member_b):
            if self.recent_share(user) > BALANCE_MAX_SHARE:
                return user
        return None

    @property
    def is_imbalanced(self) -> bool:
        return self.recent_leader is not None

    @property
    def recent_leader_percent(self) -> int:
        leader = self.recent_leader
        return round(100 * self.recent_share(leader)) if leader else 50

    def prompt_for(self, viewer: User) -> str:
        """A gentle nudge for the pair, worded for the viewer; empty when the split is within 60/40."""
        leader = self.recent_leader
        if leader is None:
            return ""
        percent = self.recent_leader_percent
        window = f"your last {self.recent_sessions} sessions" if self.recent_sessions > 1 else "your last session"
        # The one who mentored more should learn more (let the partner teach); the other should teach more.
        if leader.pk == viewer.pk:
            partner = self.partnership.partner_of(viewer)
            return (
                f"Over {window} you mentored for {percent}% of the time. Two-way mentoring works best when both of "
                f"you teach: next time, let {partner.display_name} lead their half. Bring questions and claim your "
                "own half as mentee."
            )
        return (
            f"Over {window} {leader.display_name} mentored for {percent}% of the time and you for {100 - percent}%. "
            f"Your turn to teach matters too: next time, prepare something to teach {leader.display_name} and take "
            "your full half as mentor."
        )


def teaching_balances(partnerships: Iterable[Partnership]) -> dict[int, TeachingBalance]:
    """The teaching balance of each partnership, from the minutes logged in held sessions.

    Queries: 2 (all-time minutes per mentor; minutes per mentor over each pair's last three held sessions).
    """
    partnerships = list(partnerships)
    ids = [p.pk for p in partnerships]
    if not ids:
        return {}
    held = SessionHalf.objects.filter(session__partnership_id__in=ids, session__status=SessionStatus.HELD)
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    held_counts: dict[int, int] = defaultdict(int)
    for row in (
        held.values("session__partnership_id", "mentor_id")
        .annotate(minutes=Sum("actual_minutes"), sessions=Count("session_id", distinct=True))
        .order_by()
    ):
        pid = row["session__partnership_id"]
        totals[pid][row["mentor_id"]] = row["minutes"] or 0
        held_counts[pid] = max(held_counts[pid], row["sessions"])
    recent_rows = (
        held.annotate(
            recency=Window(
                DenseRank(),
                partition_by=[F("session__partnership_id")],
                order_by=[F("session__start").desc(), F("session_id").desc()],
            )
        )
        .filter(recency__lte=BALANCE_WINDOW_SESSIONS)
        .values_list("session__partnership_id", "session_id", "mentor_id", "actual_minutes")
    )
    recent: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    recent_sessions: dict[int, set[int]] = defaultdict(set)
    for pid, session_id, mentor_id, minutes in recent_rows:
        recent[pid][mentor_id] += minutes or 0
        recent_sessions[pid].add(session_id)
    return {
        p.pk: TeachingBalance(
            partnership=p,
            held_sessions=held_counts.get(p.pk, 0),
            mentor_minutes=dict(totals.get(p.pk, {})),
            recent_sessions=len(recent_sessions.get(p.pk, ())),
            recent_mentor_minutes=dict(recent.get(p.pk, {})),
        )
        for p in partnerships
    }


def imbalanced_partnerships(cohort: Cohort) -> list[TeachingBalance]:
    """Active pairs of the cohort whose last three held sessions split the mentoring beyond 60/40.

    For the program team's console. Queries: 3 (the partnerships with both members, then the balances).
    """
    partnerships = list(
        Partnership.objects.filter(cohort=cohort, status=PartnershipStatus.ACTIVE).select_related(
            "member_a", "member_b"
        )
    )
    balances = teaching_balances(partnerships)
    return [balances[p.pk] for p in partnerships if balances[p.pk].is_imbalanced]


def partnership_back_url(partnership: Partnership) -> str:
    """The pair's page (mentoring app); this app's list of the pair's sessions if that page is not installed."""
    try:
        return reverse("partnerships:detail", args=[partnership.pk])
    except NoReverseMatch:
        return reverse("sessions_log:partnership_sessions", args=[partnership.pk])


# --- The pair's sessions block ----------------------------------------------------------------------


def _attach_halves(sessions: list[Session], partnership: Partnership, viewer: User) -> None:
    """Load all halves in one query and give each session the viewer's view of them (no query per row)."""
    if not sessions:
        return
    members = {partnership.member_a_id: partnership.member_a, partnership.member_b_id: partnership.member_b}
    halves_by_session: dict[int, list[SessionHalf]] = defaultdict(list)
    for half in SessionHalf.objects.filter(session__in=sessions).select_related("topic_skill").order_by("order"):
        half.mentor, half.mentee = members[half.mentor_id], members[half.mentee_id]
        halves_by_session[half.session_id].append(half)
    for session in sessions:
        session.partnership = partnership
        session.half_list = halves_by_session[session.pk]
        session.my_mentee_half = next((h for h in session.half_list if h.mentee_id == viewer.pk), None)
        session.needs_my_answer = (
            session.status == SessionStatus.PROPOSED and session.proposed_by_id != viewer.pk and not session.has_started
        )
        if session.proposed_by_id in members:
            session.proposed_by = members[session.proposed_by_id]


def _mark_checkin_due(sessions: list[Session], now: datetime.datetime) -> None:
    """Flag the held sessions the viewer can still check in on and hasn't (``my_checkin`` annotated), no query."""
    checkin_since = _checkin_window_start(now)
    for session in sessions:
        session.checkin_due = (
            session.status == SessionStatus.HELD and not session.my_checkin and session.start >= checkin_since
        )


def partnership_sessions_context(partnership: Partnership, viewer: User) -> dict:
    """Upcoming and recent sessions, the viewer's pending actions and the teaching balance of one pair.

    Queries: 6 — upcoming sessions; recent history (with the viewer's check-in flag); the halves of both;
    the two teaching-balance queries; the next-actions aggregate. (The caller loads the partnership with
    ``member_a`` and ``member_b``; otherwise 2 more.)
    """
    now = timezone.now()
    sessions = Session.objects.filter(partnership=partnership)
    upcoming = list(sessions.filter(status__in=OPEN_STATUSES, end__gt=now).order_by("start", "pk")[:UPCOMING_LIMIT])
    history = list(
        sessions.exclude(status__in=OPEN_STATUSES, end__gt=now)
        .annotate(my_checkin=Exists(CheckIn.objects.filter(session=OuterRef("pk"), author=viewer)))
        .order_by("-start", "-pk")[: HISTORY_LIMIT + 1]
    )
    history_more = len(history) > HISTORY_LIMIT
    history = history[:HISTORY_LIMIT]
    _attach_halves(upcoming + history, partnership, viewer)
    _mark_checkin_due(history, now)
    balance = teaching_balances([partnership])[partnership.pk]
    partner = partnership.partner_of(viewer)
    active = partnership.status == PartnershipStatus.ACTIVE
    return {
        "partnership": partnership,
        "viewer": viewer,
        "partner": partner,
        "upcoming": upcoming,
        "history": history,
        "history_more": history_more,
        "actions": next_session_actions([partnership], viewer)[partnership.pk],
        "balance": balance,
        "my_balance": balance.person(viewer),
        "partner_balance": balance.person(partner),
        "imbalance_prompt": balance.prompt_for(viewer),
        "can_schedule": active,
        "schedule_url": reverse("sessions_log:session_propose", args=[partnership.pk]),
        "all_url": reverse("sessions_log:partnership_sessions", args=[partnership.pk]),
    }


def partnership_session_page(partnership: Partnership, viewer: User, page_number) -> tuple:
    """One page of all the pair's sessions, newest first. Queries: 3 (count, page, halves)."""
    sessions = (
        Session.objects.filter(partnership=partnership)
        .annotate(my_checkin=Exists(CheckIn.objects.filter(session=OuterRef("pk"), author=viewer)))
        .order_by("-start", "-pk")
    )
    page = Paginator(sessions, 20).get_page(page_number)
    rows = list(page.object_list)
    _attach_halves(rows, partnership, viewer)
    _mark_checkin_due(rows, timezone.now())
    return page, rows


# --- One session ----------------------------------------------------------------------------------


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
class SessionPage:
    session: Session
    viewer: User
    partner: User
    halves: list[SessionHalf]
    notes: list[SessionNote]
    my_note: SessionNote | None
    my_checkin: CheckIn | None

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
            and not s.has_started
        )

    @property
    def can_propose_other_time(self) -> bool:
        return (
            self.partnership_active and self.session.status == SessionStatus.PROPOSED and not self.session.has_started
        )

    @property
    def can_reschedule(self) -> bool:
        s = self.session
        return self.partnership_active and s.status == SessionStatus.ACCEPTED and not s.has_started

    @property
    def can_cancel(self) -> bool:
        return self.session.is_open and not self.session.has_started

    @property
    def can_log(self) -> bool:
        return self.session.has_started and self.session.status not in (SessionStatus.DECLINED, SessionStatus.CANCELLED)

    @property
    def can_set_topic(self) -> bool:
        return self.session.status in (*OPEN_STATUSES, SessionStatus.HELD)

    @property
    def can_checkin(self) -> bool:
        return self.session.status == SessionStatus.HELD

    @property
    def checkin_open(self) -> bool:
        return self.session.start >= _checkin_window_start(timezone.now())


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
    return SessionPage(
        session=session,
        viewer=viewer,
        partner=p.partner_of(viewer),
        halves=halves,
        notes=notes,
        my_note=next((n for n in notes if n.author_id == viewer.pk), None),
        my_checkin=CheckIn.objects.filter(session=session, author=viewer).first(),
    )


# --- The program team's view -------------------------------------------------------------------------

QUIET_DAYS = {Cadence.WEEKLY: 21, Cadence.BIWEEKLY: 35, Cadence.MONTHLY: 62}


@dataclass
class CohortSessionOverview:
    cohort: Cohort
    imbalanced: list[TeachingBalance]
    quiet: list[Partnership]
    quiet_days: int
    contact_requests: list[CheckIn]
    shared_checkins: list[CheckIn]
    checkin_count: int
    average_usefulness: float | None
    usefulness_counts: dict[int, int]
    sessions_by_status: dict[str, int]


def cohort_session_overview(cohort: Cohort) -> CohortSessionOverview:
    """What the program team may see of a cohort's sessions: flags, aggregates and only what was shared.

    Never the text of private notes, nor the written answers of a check-in its author did not share.
    Queries: 8, whatever the number of sessions.
    """
    now = timezone.now()
    quiet_days = QUIET_DAYS.get(cohort.cadence, 35)
    since = now - datetime.timedelta(days=quiet_days)
    partnerships = (
        Partnership.objects.filter(cohort=cohort, status=PartnershipStatus.ACTIVE)
        .select_related("member_a", "member_b")
        .annotate(
            last_held=Max("sessions__start", filter=Q(sessions__status=SessionStatus.HELD)),
            planned=Count("sessions", filter=Q(sessions__status__in=OPEN_STATUSES, sessions__end__gt=now)),
        )
    )
    partnerships = list(partnerships)
    quiet = [
        p for p in partnerships if not p.planned and (p.last_held or p.started_at) < since and p.started_at < since
    ]
    balances = teaching_balances(partnerships)
    checkins = CheckIn.objects.filter(session__partnership__cohort=cohort)
    base = checkins.select_related("author", "session", "session__partnership")
    contact = list(base.filter(contact_requested=True).order_by("-created_at")[:50])
    shared = list(base.filter(shared_with_program_team=True).order_by("-created_at")[:50])
    stats = checkins.aggregate(n=Count("pk"), avg=Avg("usefulness"))
    counts = dict(checkins.values_list("usefulness").annotate(n=Count("pk")).order_by())
    by_status = dict(
        Session.objects.filter(partnership__cohort=cohort).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return CohortSessionOverview(
        cohort=cohort,
        imbalanced=[balances[p.pk] for p in partnerships if balances[p.pk].is_imbalanced],
        quiet=quiet,
        quiet_days=quiet_days,
        contact_requests=contact,
        shared_checkins=shared,
        checkin_count=stats["n"],
        average_usefulness=round(stats["avg"], 1) if stats["avg"] is not None else None,
        usefulness_counts={score: counts.get(score, 0) for score in range(1, 6)},
        sessions_by_status={s.label: by_status.get(s.value, 0) for s in SessionStatus},
    )


# --- The program team's summary of a cohort's pairs --------------------------------------------------


class AgreementStatus:
    NOT_WRITTEN = "Not written"
    WAITING = "Waiting for a signature"
    SIGNED = "Signed by both"


@dataclass
class PairSummary:
    """What the program team may know about a pair: never the agreement's text, the outcomes or the goals."""

    partnership: Partnership
    agreement_status: str
    goal_count: int
    achieved_goal_count: int
    balance: TeachingBalance

    @property
    def is_imbalanced(self) -> bool:
        return self.balance.is_imbalanced


def cohort_pair_summaries(cohort: Cohort) -> list[PairSummary]:
    """Every pair of a cohort with its non-private state, active pairs first.

    Queries: 3, whatever the number of pairs, goals and sessions: the partnerships with members and
    annotations (both signed, goal counts), and the two teaching-balance queries.
    """
    signatures = AgreementSignature.objects.filter(
        agreement__partnership=OuterRef("pk"), version=F("agreement__version")
    )
    partnerships = list(
        Partnership.objects.filter(cohort=cohort)
        .select_related("member_a", "member_b", "agreement")
        .annotate(
            current_signatures=Coalesce(
                Subquery(
                    signatures.values("agreement").annotate(n=Count("user", distinct=True)).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            goal_count=Count("goals", distinct=True),
            achieved_goal_count=Count("goals", filter=Q(goals__status=GoalStatus.ACHIEVED), distinct=True),
        )
        .order_by("status", "member_a__full_name", "pk")
    )
    balances = teaching_balances(partnerships)
    summaries = []
    for partnership in partnerships:
        if getattr(partnership, "agreement", None) is None:
            status = AgreementStatus.NOT_WRITTEN
        elif partnership.current_signatures >= 2:
            status = AgreementStatus.SIGNED
        else:
            status = AgreementStatus.WAITING
        summaries.append(
            PairSummary(
                partnership=partnership,
                agreement_status=status,
                goal_count=partnership.goal_count,
                achieved_goal_count=partnership.achieved_goal_count,
                balance=balances[partnership.pk],
            )
        )
    return summaries


# --- Closing a cohort -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortClosing:
    """What closing a cohort does to its pairs and sessions, for the confirmation page. It follows what the
    receivers do: `partnerships_end_by_program_team` ends the active pairs (no e-mail of its own) and
    `sessions_cancel_for_ended_partnership` cancels each one's sessions still to come, e-mailing both partners of
    each session (with a calendar cancellation when the invitation went out)."""

    pairs: int
    sessions: int
    people_emailed: int


def cohort_closing(cohort: Cohort) -> CohortClosing:
    """Three queries: the active pairs, their sessions still to come, and the partners of those sessions."""
    pairs = Partnership.objects.filter(cohort=cohort).active()
    upcoming = Session.objects.filter(partnership__in=pairs, status__in=OPEN_STATUSES, start__gt=timezone.now())
    partners = upcoming.order_by().values_list("partnership__member_a_id", "partnership__member_b_id").distinct()
    return CohortClosing(
        pairs=pairs.count(),
        sessions=upcoming.count(),
        people_emailed=len({person for pair in partners for person in pair}),
    )
