"""Reads for the pair's page and the home page, each at a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import OfferedSkill, SkillProfile, User, WantedSkill
from mentoring.models import (
    GOALS_PER_PERSON_MAX,
    Agreement,
    AgreementSignature,
    AgreementVersion,
    Cadence,
    Cohort,
    CohortStatus,
    Goal,
    GoalStatus,
    Partnership,
    PartnershipStatus,
    ResponseTime,
)
from sessions_log.selectors import TeachingBalance, next_session_actions, teaching_balances

# Goals may be closed with a final outcome from this many days before the cohort's end.
GOAL_CLOSING_WINDOW_DAYS = 14


def goal_closing_open(partnership: Partnership, today: datetime.date | None = None) -> bool:
    """Goals get their final outcome at the end: the cohort's last two weeks, or once the pair has ended."""
    today = today or timezone.localdate()
    return (
        partnership.status == PartnershipStatus.ENDED
        or partnership.cohort.status == CohortStatus.CLOSED
        or today >= partnership.cohort.ends_on - datetime.timedelta(days=GOAL_CLOSING_WINDOW_DAYS)
    )


# --- The agreement: who signed what, and what changed -------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class AgreementState:
    agreement: Agreement | None
    viewer_signed: bool = False
    partner_signed: bool = False
    viewer_last_signed: AgreementSignature | None = None
    partner_last_signed: AgreementSignature | None = None
    changes_for_viewer: list[Change] = field(default_factory=list)

    @property
    def fully_signed(self) -> bool:
        return self.viewer_signed and self.partner_signed

    @property
    def viewer_must_resign(self) -> bool:
        """The viewer signed an earlier version, and the current one is different."""
        return not self.viewer_signed and self.viewer_last_signed is not None


def _display(name: str, value: str) -> str:
    if name == "cadence":
        return Cadence(value).label if value in Cadence.values else value
    if name == "response_time":
        return ResponseTime(value).label if value in ResponseTime.values else value
    return value


def _labels(partnership: Partnership, viewer: User) -> dict[str, str]:
    def outcomes_label(member: User) -> str:
        return "Your desired outcomes" if member.pk == viewer.pk else f"{member.display_name}'s desired outcomes"

    return {
        "cadence": "Meeting cadence",
        "outcomes_a": outcomes_label(partnership.member_a),
        "outcomes_b": outcomes_label(partnership.member_b),
        "channel": "Communication channel",
        "response_time": "Response time",
        "boundaries": "Boundaries (topics off limits)",
        "confidentiality": "Confidentiality pledge",
    }


def agreement_changes(partnership: Partnership, viewer: User, before: dict, after: dict) -> list[Change]:
    """Field by field, what differs between two snapshots of the agreement, in the page's order."""
    labels = _labels(partnership, viewer)
    return [
        Change(labels[name], _display(name, before.get(name, "")), _display(name, after.get(name, "")))
        for name in Agreement.SNAPSHOT_FIELDS
        if before.get(name, "") != after.get(name, "")
    ]


def agreement_state(partnership: Partnership, viewer: User) -> AgreementState:
    """Signature state for the viewer and their partner. Queries: signatures, and the snapshot the viewer
    last signed when it is not the current one."""
    agreement = getattr(partnership, "agreement", None)
    if agreement is None:
        return AgreementState(agreement=None)
    partner = partnership.partner_of(viewer)
    last: dict[int, AgreementSignature] = {}
    for signature in AgreementSignature.objects.filter(agreement=agreement).order_by("version", "signed_at"):
        last[signature.user_id] = signature
    state = AgreementState(
        agreement=agreement,
        viewer_last_signed=last.get(viewer.pk),
        partner_last_signed=last.get(partner.pk),
    )
    state.viewer_signed = bool(state.viewer_last_signed and state.viewer_last_signed.version == agreement.version)
    state.partner_signed = bool(state.partner_last_signed and state.partner_last_signed.version == agreement.version)
    if state.viewer_must_resign:
        signed = AgreementVersion.objects.filter(agreement=agreement, number=state.viewer_last_signed.version).first()
        if signed is not None:
            state.changes_for_viewer = agreement_changes(partnership, viewer, signed.snapshot, agreement.snapshot())
    return state


# --- The pair's page -----------------------------------------------------------------------------


@dataclass
class PartnershipPage:
    partnership: Partnership
    viewer: User
    partner: User
    partner_profile: SkillProfile | None
    partner_offered: list[OfferedSkill]
    partner_wanted: list[WantedSkill]
    agreement: AgreementState
    my_goals: list[Goal]
    partner_goals: list[Goal]
    closing_open: bool

    @property
    def viewer_teaches(self) -> list[str]:
        return self.partnership.teaches(self.viewer)

    @property
    def partner_teaches(self) -> list[str]:
        return self.partnership.teaches(self.partner)

    @property
    def can_add_goal(self) -> bool:
        return self.partnership.status == PartnershipStatus.ACTIVE and len(self.my_goals) < GOALS_PER_PERSON_MAX

    @property
    def is_active(self) -> bool:
        return self.partnership.status == PartnershipStatus.ACTIVE


def partnership_page(partnership: Partnership, viewer: User) -> PartnershipPage:
    """Everything the pair's page shows except sessions (the sessions_log app adds those).

    Takes the partnership as `partnership_for_member_or_404` loads it (cohort, program, members and agreement
    joined). Queries (fixed): 1 partner's profile; 1 partner's offered skills; 1 partner's wanted skills;
    1 both partners' goals; 1 signatures and, when the viewer must sign again, 1 snapshot they last signed.
    """
    partner = partnership.partner_of(viewer)
    goals = list(Goal.objects.filter(partnership=partnership).select_related("skill").order_by("created_at", "pk"))
    return PartnershipPage(
        partnership=partnership,
        viewer=viewer,
        partner=partner,
        partner_profile=SkillProfile.objects.select_related("manager").filter(user=partner).first(),
        partner_offered=list(OfferedSkill.objects.filter(user=partner).select_related("skill").order_by("-level")),
        partner_wanted=list(WantedSkill.objects.filter(user=partner).select_related("skill").order_by("skill__name")),
        agreement=agreement_state(partnership, viewer),
        my_goals=[g for g in goals if g.owner_id == viewer.pk],
        partner_goals=[g for g in goals if g.owner_id == partner.pk],
        closing_open=goal_closing_open(partnership),
    )


# --- The home page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextAction:
    label: str
    url: str


@dataclass
class PartnershipCard:
    partnership: Partnership
    partner: User
    actions: list[NextAction]
    waiting_for: str = ""

    @property
    def is_active(self) -> bool:
        return self.partnership.status == PartnershipStatus.ACTIVE


def _signature_exists(*, user: User, of_viewer: bool) -> Exists:
    signatures = AgreementSignature.objects.filter(agreement__partnership=OuterRef("pk"))
    signatures = signatures.filter(user=user) if of_viewer else signatures.exclude(user=user)
    return Exists(signatures.filter(version=F("agreement__version")))


def user_partnerships(user: User):
    """The user's partnerships with what the home page needs to pick next actions, in one query."""
    goal_count = (
        Goal.objects.filter(partnership=OuterRef("pk"), owner=user)
        .values("partnership")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Partnership.objects.for_user(user)
        .select_related("cohort", "cohort__program", "member_a", "member_b", "agreement")
        .annotate(
            viewer_signed=_signature_exists(user=user, of_viewer=True),
            partner_signed=_signature_exists(user=user, of_viewer=False),
            viewer_ever_signed=Exists(
                AgreementSignature.objects.filter(agreement__partnership=OuterRef("pk"), user=user)
            ),
            my_goal_count=Coalesce(Subquery(goal_count, output_field=IntegerField()), Value(0)),
        )
        .order_by("status", "-cohort__starts_on", "pk")
    )


def _agreement_actions(partnership: Partnership, partner: User) -> tuple[list[NextAction], str]:
    detail = reverse("partnerships:detail", args=[partnership.pk])
    if getattr(partnership, "agreement", None) is None:
        return [NextAction("Write your agreement", reverse("partnerships:agreement_edit", args=[partnership.pk]))], ""
    if not partnership.viewer_signed:
        label = "Review the changes and sign the agreement" if partnership.viewer_ever_signed else "Sign the agreement"
        return [NextAction(label, f"{detail}#agreement")], ""
    if not partnership.partner_signed:
        return [], f"Waiting for {partner.display_name} to sign the agreement."
    return [], ""


def home_partnerships(user: User) -> list[PartnershipCard]:
    """Each of the user's partnerships with its next actions; active ones first.

    Agreement and goal actions come first, then the sessions_log app's (respond, log, check in, schedule).
    Queries: 2, whatever the number of partnerships and sessions: the partnerships with their signature and
    goal-count annotations, and one aggregate over their sessions.
    """
    partnerships = list(user_partnerships(user))
    session_actions = next_session_actions(partnerships, user)
    cards = []
    for partnership in partnerships:
        partner = partnership.partner_of(user)
        actions: list[NextAction] = []
        waiting = ""
        if partnership.status == PartnershipStatus.ACTIVE:
            actions, waiting = _agreement_actions(partnership, partner)
            if partnership.my_goal_count == 0:
                actions.append(NextAction("Set your goals", reverse("partnerships:goal_create", args=[partnership.pk])))
        actions.extend(NextAction(label, url) for label, url in session_actions.get(partnership.pk, []))
        cards.append(PartnershipCard(partnership=partnership, partner=partner, actions=actions, waiting_for=waiting))
    return cards


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
