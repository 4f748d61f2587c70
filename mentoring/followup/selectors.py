"""Reads for following up pairs: each partner's fit check, the pairs at risk and why, and the pairs inactive long
enough to be warned or ended. Each costs a fixed number of queries, whatever the number of pairs and sessions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from mentoring.followup.models import ADMIN_ACTIONS, ActionKind, FitAnswer, FitCheck, FollowupAction
from mentoring.partnerships.models import Partnership, PartnershipStatus
from mentoring.programs.models import Cadence, Cohort, CohortStatus, Enrollment, EnrollmentStatus
from sessions_log.models import OPEN_STATUSES, CheckIn, Session, SessionStatus
from sessions_log.selectors.balance import teaching_balances

CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 30}
# A partner who has not signed in for this long counts as inactive.
INACTIVE_AFTER = datetime.timedelta(days=30)
# The teaching balance puts a pair at risk beyond this share (70/30), once it has held this many sessions.
BALANCE_AT_RISK_SHARE = 0.7
BALANCE_AT_RISK_AFTER = 3
# An inactive pair is ended this long after its warning, unless either partner acts meanwhile.
AUTO_CLOSE_NOTICE = datetime.timedelta(days=7)
AT_RISK_PER_PAGE = 20
HISTORY_PER_PAIR = 10


def _latest(queryset: QuerySet, field_name: str, *, first: bool = False) -> Subquery:
    """The latest (or earliest) value of ``field_name`` in ``queryset``, as a subquery of one row."""
    order = field_name if first else f"-{field_name}"
    return Subquery(
        queryset.exclude(**{f"{field_name}__isnull": True}).order_by(order).values(field_name)[:1],
        output_field=DateTimeField(),
    )


# --- The fit check ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitCheckState:
    """What the fit-check card shows one partner: whether they can answer (after the first held session, while
    the pair is active) and their own answer, if any. Never the partner's."""

    partnership: Partnership
    available: bool
    mine: FitCheck | None

    @property
    def is_due(self) -> bool:
        return self.available and self.mine is None


def fit_check_state(partnership: Partnership, user: User) -> FitCheckState:
    """Queries: 2 (whether a session was held; the viewer's own answer)."""
    held = Session.objects.filter(partnership=partnership, status=SessionStatus.HELD).exists()
    mine = FitCheck.objects.filter(partnership=partnership, author=user).first()
    available = held and partnership.status == PartnershipStatus.ACTIVE
    return FitCheckState(partnership=partnership, available=available, mine=mine)


def fit_checks_due(user: User) -> list[Partnership]:
    """The user's active pairs that held a session and whose fit check the user has not answered, for the home
    page. Queries: 1."""
    return list(
        Partnership.objects.active()
        .for_user(user)
        .filter(Exists(Session.objects.filter(partnership=OuterRef("pk"), status=SessionStatus.HELD)))
        .exclude(Exists(FitCheck.objects.filter(partnership=OuterRef("pk"), author=user)))
        .select_related("cohort", "cohort__program", "member_a", "member_b")
        .order_by("-cohort__starts_on", "pk")
    )


# --- Pairs at risk --------------------------------------------------------------------------------------------


class Risk:
    NO_SESSION = "no_session"
    CONTACT = "contact"
    FIT_NO = "fit_no"
    BALANCE = "balance"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class RiskReason:
    code: str
    text: str
    since: datetime.datetime


@dataclass
class AtRiskPair:
    partnership: Partnership
    reasons: list[RiskReason]
    # The partners' "no" answers: the answer always, the words only where their author shared them.
    fit_noes: list[FitCheck] = field(default_factory=list)
    history: list[FollowupAction] = field(default_factory=list)

    @property
    def since(self) -> datetime.datetime:
        return min(reason.since for reason in self.reasons)

    @property
    def codes(self) -> set[str]:
        return {reason.code for reason in self.reasons}


def _at_risk_queryset(partnerships: QuerySet[Partnership], now: datetime.datetime) -> QuerySet[Partnership]:
    sessions = Session.objects.filter(partnership=OuterRef("pk"))
    admin_actions = FollowupAction.objects.filter(partnership=OuterRef(OuterRef("pk")), kind__in=ADMIN_ACTIONS)
    # A request for contact counts until a program admin acts on the pair.
    unanswered_contacts = CheckIn.objects.filter(session__partnership=OuterRef("pk"), contact_requested=True).filter(
        Q(created_at__gt=Subquery(admin_actions.order_by("-created_at").values("created_at")[:1]))
        | ~Exists(admin_actions)
    )
    withdrawn = Enrollment.objects.filter(cohort=OuterRef("cohort_id"), status=EnrollmentStatus.WITHDRAWN).filter(
        Q(user=OuterRef("member_a_id")) | Q(user=OuterRef("member_b_id"))
    )
    return (
        partnerships.active()
        .select_related("cohort", "cohort__program", "member_a", "member_b", "agreement")
        .annotate(
            last_held=_latest(sessions.filter(status=SessionStatus.HELD), "start"),
            scheduled=Exists(sessions.filter(status__in=OPEN_STATUSES, end__gt=now)),
            contact_since=_latest(unanswered_contacts, "created_at", first=True),
            fit_no_since=_latest(
                FitCheck.objects.filter(partnership=OuterRef("pk"), answer=FitAnswer.NO), "updated_at", first=True
            ),
            withdrawn_since=_latest(withdrawn, "status_changed_at", first=True),
        )
        .order_by("cohort_id", "pk")
    )


def _cadence_days(partnership: Partnership) -> int:
    agreement = getattr(partnership, "agreement", None)
    cadence = agreement.cadence if agreement is not None else partnership.cohort.cadence
    return CADENCE_DAYS.get(cadence, 14)


def _weeks(since: datetime.datetime, now: datetime.datetime) -> str:
    weeks = max((now - since).days // 7, 1)
    return "a week" if weeks == 1 else f"{weeks} weeks"


def _reasons(partnership: Partnership, balance, now: datetime.datetime) -> list[RiskReason]:
    reasons = []
    window = datetime.timedelta(days=2 * _cadence_days(partnership))
    last = partnership.last_held or partnership.started_at
    if not partnership.scheduled and last < now - window:
        held = "no session held" if partnership.last_held is None else "no session"
        reasons.append(RiskReason(Risk.NO_SESSION, f"{held.capitalize()} in {_weeks(last, now)}, none scheduled", last))
    if partnership.contact_since:
        reasons.append(
            RiskReason(Risk.CONTACT, "A partner asked for contact from the program admin", partnership.contact_since)
        )
    if partnership.fit_no_since:
        reasons.append(RiskReason(Risk.FIT_NO, "A partner answered no to “shall we go on?”", partnership.fit_no_since))
    if balance.held_sessions >= BALANCE_AT_RISK_AFTER:
        total = sum(balance.mentor_minutes.values())
        for member in partnership.members:
            share = balance.mentor_minutes.get(member.pk, 0) / total if total else 0.5
            if share > BALANCE_AT_RISK_SHARE:
                percent = round(100 * share)
                reasons.append(
                    RiskReason(
                        Risk.BALANCE,
                        f"{member.display_name} mentored {percent}% of the time ({percent}/{100 - percent}) "
                        f"over {balance.held_sessions} sessions",
                        partnership.last_held or partnership.started_at,
                    )
                )
    if partnership.withdrawn_since:
        reasons.append(RiskReason(Risk.INACTIVE, "A partner withdrew from the cohort", partnership.withdrawn_since))
    for member in partnership.members:
        seen = member.last_login or member.date_joined
        if seen < now - INACTIVE_AFTER:
            reasons.append(
                RiskReason(Risk.INACTIVE, f"{member.display_name} has not signed in for {_weeks(seen, now)}", seen)
            )
    return reasons


def pairs_at_risk(partnerships: QuerySet[Partnership], *, now: datetime.datetime | None = None) -> list[AtRiskPair]:
    """The active pairs among ``partnerships`` that are at risk, each with why and since when, longest first.

    Queries: 4, whatever the number of pairs: the pairs with their annotations, the two teaching-balance queries,
    and the partners' "no" answers.
    """
    now = now or timezone.now()
    rows = list(_at_risk_queryset(partnerships, now))
    balances = teaching_balances(rows)
    at_risk = []
    for partnership in rows:
        reasons = _reasons(partnership, balances[partnership.pk], now)
        if reasons:
            at_risk.append(AtRiskPair(partnership=partnership, reasons=reasons))
    noes: dict[int, list[FitCheck]] = defaultdict(list)
    for check in FitCheck.objects.filter(
        partnership__in=[pair.partnership.pk for pair in at_risk if pair.partnership.fit_no_since],
        answer=FitAnswer.NO,
    ).select_related("author"):
        noes[check.partnership_id].append(check)
    for pair in at_risk:
        pair.fit_noes = noes.get(pair.partnership.pk, [])
    at_risk.sort(key=lambda pair: (pair.since, pair.partnership.pk))
    return at_risk


def _with_history(pairs: Iterable[AtRiskPair]) -> None:
    """Each pair's latest follow-up actions, newest first. Queries: 1."""
    pairs = list(pairs)
    history: dict[int, list[FollowupAction]] = defaultdict(list)
    for action in FollowupAction.objects.filter(partnership__in=[pair.partnership.pk for pair in pairs]).select_related(
        "by"
    ):
        if len(history[action.partnership_id]) < HISTORY_PER_PAIR:
            history[action.partnership_id].append(action)
    for pair in pairs:
        pair.history = history.get(pair.partnership.pk, [])


def cohort_at_risk_page(cohort: Cohort, *, page: int | str | None = 1, now: datetime.datetime | None = None) -> Page:
    """One page of a cohort's pairs at risk, each with its history. Queries: 5, whatever the number of pairs."""
    pairs = pairs_at_risk(Partnership.objects.filter(cohort=cohort), now=now)
    shown = Paginator(pairs, AT_RISK_PER_PAGE).get_page(page)
    _with_history(shown.object_list)
    return shown


def at_risk_counts(*, now: datetime.datetime | None = None) -> dict[int, int]:
    """How many pairs are at risk in each active cohort, by cohort id. Queries: 4."""
    counts: dict[int, int] = defaultdict(int)
    for pair in pairs_at_risk(Partnership.objects.filter(cohort__status=CohortStatus.ACTIVE), now=now):
        counts[pair.partnership.cohort_id] += 1
    return dict(counts)


# --- Inactive pairs, for automatic closing ----------------------------------------------------------------------


def with_last_activity(partnerships: QuerySet[Partnership], now: datetime.datetime) -> QuerySet[Partnership]:
    """Annotate ``last_activity``: the latest time either partner scheduled, answered or logged a session, filled a
    check-in or answered the fit check (the pair's start if none); ``scheduled``: a session still to come; and
    ``last_warning``: the latest automatic warning."""
    sessions = Session.objects.filter(partnership=OuterRef("pk"))
    checkins = CheckIn.objects.filter(session__partnership=OuterRef("pk"))
    started = "started_at"
    return partnerships.annotate(
        last_activity=Greatest(
            started,
            Coalesce(_latest(sessions, "created_at"), started),
            Coalesce(_latest(sessions, "responded_at"), started),
            Coalesce(_latest(sessions, "logged_at"), started),
            Coalesce(_latest(checkins, "updated_at"), started),
            Coalesce(_latest(FitCheck.objects.filter(partnership=OuterRef("pk")), "updated_at"), started),
        ),
        scheduled=Exists(sessions.filter(status__in=OPEN_STATUSES, end__gt=now)),
        last_warning=_latest(
            FollowupAction.objects.filter(partnership=OuterRef("pk"), kind=ActionKind.AUTO_WARNING), "created_at"
        ),
    )


def auto_close_candidates(*, now: datetime.datetime) -> list[Partnership]:
    """Active pairs of active cohorts that close inactive pairs, with nothing scheduled, inactive for at least
    the cohort's number of days (annotated as in ``with_last_activity``). Queries: 1."""
    partnerships = Partnership.objects.active().filter(
        cohort__status=CohortStatus.ACTIVE, cohort__auto_close_inactive_days__isnull=False
    )
    rows = with_last_activity(partnerships, now).select_related("cohort", "cohort__program", "member_a", "member_b")
    return [
        p
        for p in rows.filter(scheduled=False).order_by("pk")
        if p.last_activity <= now - datetime.timedelta(days=p.cohort.auto_close_inactive_days)
    ]
