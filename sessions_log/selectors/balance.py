"""The teaching balance: minutes each partner mentored and was mentee, and the imbalance flag."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Sum, Window
from django.db.models.functions import DenseRank

from accounts.models import User
from mentoring.partnerships.models import Partnership, PartnershipStatus
from mentoring.programs.models import Cohort
from sessions_log.models import (
    BALANCE_MAX_SHARE,
    BALANCE_WINDOW_SESSIONS,
    SessionHalf,
    SessionStatus,
)


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
