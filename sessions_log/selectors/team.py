"""The program team's view of a cohort: session aggregates, each pair's non-private state, what closing does."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mentoring.partnerships.models import AgreementSignature, GoalStatus, Partnership, PartnershipStatus
from mentoring.programs.models import Cadence, Cohort
from sessions_log.models import (
    OPEN_STATUSES,
    CheckIn,
    Session,
    SessionStatus,
)
from sessions_log.selectors.balance import TeachingBalance, teaching_balances

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
