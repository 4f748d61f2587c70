"""Reads for the pair's page and the home page, each at a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import OfferedSkill, SkillProfile, User, WantedSkill
from mentoring.partnerships.models import (
    GOALS_PER_PERSON_MAX,
    Agreement,
    AgreementSignature,
    AgreementVersion,
    Goal,
    Partnership,
    PartnershipStatus,
    ResponseTime,
)
from mentoring.programs.models import Cadence, Cohort, CohortStatus

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


# --- Other apps' pages: the person's pairs by cohort ----------------------------------------------------


def partnerships_in_cohort_for(user: User, cohort: Cohort) -> list[Partnership]:
    """The person's partnerships in one cohort (usually one), active first, each with `.partner` set."""
    partnerships = list(
        Partnership.objects.for_user(user)
        .filter(cohort=cohort)
        .select_related("member_a", "member_b")
        .order_by("status", "-started_at")
    )
    for partnership in partnerships:
        partnership.partner = partnership.partner_of(user)
    return partnerships


def partnership_ids_by_cohort(user: User) -> dict[int, int]:
    """The person's partnership in each cohort, an active one before an ended one. Queries: 1."""
    pairs: dict[int, int] = {}
    for cohort_id, pk in (
        Partnership.objects.for_user(user).order_by("cohort_id", "-status", "started_at").values_list("cohort_id", "pk")
    ):
        pairs[cohort_id] = pk  # "active" sorts after "ended" descending, so an active pair is written last
    return pairs
