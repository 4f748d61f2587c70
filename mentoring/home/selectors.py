"""Reads for the home page: each of the person's partnerships with its next actions, from every app."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import User
from mentoring.followup.models import FitCheck
from mentoring.partnerships.models import (
    AgreementSignature,
    Goal,
    Partnership,
    PartnershipStatus,
)
from sessions_log.models import Session, SessionStatus
from sessions_log.selectors import next_session_actions


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

    @property
    def fit_check_due(self) -> bool:
        """The pair held a session and the viewer has not answered "shall we go on?" (mentoring.followup)."""
        return self.is_active and self.partnership.has_held and not self.partnership.fit_check_answered


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
            has_held=Exists(Session.objects.filter(partnership=OuterRef("pk"), status=SessionStatus.HELD)),
            fit_check_answered=Exists(FitCheck.objects.filter(partnership=OuterRef("pk"), author=user)),
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
