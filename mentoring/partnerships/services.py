"""Writes for partnerships, their agreement and their goals.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked (field errors as a dict).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Skill, User, WantedSkill
from accounts.permissions import is_program_admin
from mentoring.notifications.services import message_queue
from mentoring.partnerships import signals
from mentoring.partnerships.models import (
    GOALS_PER_PERSON_MAX,
    Agreement,
    AgreementSignature,
    AgreementVersion,
    Goal,
    GoalOutcome,
    GoalStatus,
    Partnership,
    PartnershipStatus,
    ResponseTime,
)
from mentoring.partnerships.selectors import GOAL_CLOSING_WINDOW_DAYS, agreement_changes, goal_closing_open
from mentoring.programs.models import Cadence, Cohort, CohortStatus, Enrollment

END_REASON_MAX = 300


def _lock_partnership(partnership: Partnership) -> Partnership:
    """Re-read the partnership under a row lock, so two partners' writes happen one after the other."""
    return (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("cohort", "cohort__program", "member_a", "member_b")
        .get(pk=partnership.pk)
    )


def _refuse_unless_member(partnership: Partnership, user: User) -> None:
    if not partnership.has_member(user):
        raise ValidationError("Only the two partners can do this.", code="not_member")


def _refuse_unless_active(partnership: Partnership) -> None:
    if partnership.status != PartnershipStatus.ACTIVE:
        raise ValidationError("This partnership has ended: it can no longer change.", code="ended")


# --- Partnerships ---------------------------------------------------------------------------------


@transaction.atomic
def partnership_create(
    *,
    cohort: Cohort,
    first: User,
    second: User,
    published_by: User | None = None,
    score: float | None = None,
    first_teaches_second: Iterable[str] = (),
    second_teaches_first: Iterable[str] = (),
    explanation: str = "",
    is_one_way: bool = False,
    require_enrollment: bool = True,
) -> Partnership:
    """Pair two people in a cohort. Each person has at most one active partnership per cohort.

    ``require_enrollment`` checks that both are approved participants of the cohort; the demo data may
    pair people directly.
    """
    if first.pk == second.pk:
        raise ValidationError("A person cannot be paired with themselves.", code="same_person")
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status == CohortStatus.CLOSED:
        raise ValidationError("This cohort is closed: no new partnerships.", code="closed")
    if require_enrollment:
        approved = set(
            Enrollment.objects.approved()
            .filter(cohort=cohort, user__in=[first, second])
            .values_list("user_id", flat=True)
        )
        missing = [person for person in (first, second) if person.pk not in approved]
        if missing:
            names = " and ".join(str(person) for person in missing)
            raise ValidationError(f"{names}: not an approved participant of {cohort.name}.", code="not_enrolled")
    pair = [first.pk, second.pk]
    taken = Partnership.objects.active().filter(cohort=cohort).filter(Q(member_a__in=pair) | Q(member_b__in=pair))
    busy = {pk for members in taken.values_list("member_a_id", "member_b_id") for pk in members} & set(pair)
    if busy:
        names = " and ".join(str(person) for person in (first, second) if person.pk in busy)
        verb = "has" if len(busy) == 1 else "have"
        raise ValidationError(f"{names} already {verb} a partner in {cohort.name}.", code="already_paired")

    a_teaches_b, b_teaches_a = list(first_teaches_second), list(second_teaches_first)
    member_a, member_b = first, second
    if first.pk > second.pk:
        member_a, member_b = second, first
        a_teaches_b, b_teaches_a = b_teaches_a, a_teaches_b
    return Partnership.objects.create(
        cohort=cohort,
        member_a=member_a,
        member_b=member_b,
        published_by=published_by,
        score=score,
        a_teaches_b=a_teaches_b,
        b_teaches_a=b_teaches_a,
        explanation=explanation,
        is_one_way=is_one_way,
    )


@transaction.atomic
def partnership_end(*, partnership: Partnership, ended_by: User, reason: str, base_url: str = "") -> Partnership:
    """End an active partnership early (a partner or a program admin does this); the reason is kept.

    Its sessions still to come are cancelled, so they leave both calendars.
    """
    partnership = _lock_partnership(partnership)
    if not (partnership.has_member(ended_by) or is_program_admin(ended_by)):
        raise ValidationError("Only the two partners or a program admin can end a partnership.", code="not_allowed")
    _refuse_unless_active(partnership)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say briefly why the partnership ends."}, code="required")
    if len(reason) > END_REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {END_REASON_MAX} characters."}, code="too_long")
    _end(partnership, reason=reason, by=ended_by if partnership.has_member(ended_by) else None, base_url=base_url)
    # Whoever did not end it hears of it, with the reason their pair's page shows too.
    link = (base_url or settings.SITE_URL).rstrip("/") + reverse("partnerships:detail", args=[partnership.pk])
    for member in partnership.members:
        if member.pk != ended_by.pk:
            context = {
                "user": member,
                "partner": partnership.partner_of(member),
                "by_partner": partnership.has_member(ended_by),
                "partnership": partnership,
                "link": link,
            }
            message_queue(
                kind="partnership_ended", to=member.email, recipient=member, timezone=member.timezone, context=context
            )
    return partnership


COHORT_CLOSED_REASON = "The cohort closed."


def _end(partnership: Partnership, *, reason: str, by: User | None, base_url: str) -> None:
    partnership.status = PartnershipStatus.ENDED
    partnership.ended_at = timezone.now()
    partnership.end_reason = reason
    partnership.save(update_fields=["status", "ended_at", "end_reason"])
    # Sessions still to come are cancelled by the sessions app, so they leave both calendars.
    signals.partnership_ended.send(sender=Partnership, partnership=partnership, by=by, base_url=base_url)


@transaction.atomic
def partnerships_end_by_program_team(*, partnerships: QuerySet[Partnership], reason: str, base_url: str) -> int:
    """End these partnerships for the program team (the cohort closed, a partner was withdrawn): each pair's page
    says why. Returns how many ended."""
    ended = 0
    for partnership in partnerships.active().select_for_update(of=("self",)):
        _end(partnership, reason=reason, by=None, base_url=base_url)
        ended += 1
    return ended


# --- Agreement ------------------------------------------------------------------------------------

# What a partner may write, with the limits the model sets.
AGREEMENT_INPUT_FIELDS = ("cadence", "outcomes", "channel", "response_time", "boundaries", "confidentiality")


def _clean_agreement_data(data: dict) -> dict[str, str]:
    values = {name: (data.get(name) or "").strip() for name in AGREEMENT_INPUT_FIELDS}
    errors: dict[str, str] = {}
    if values["cadence"] not in Cadence.values:
        errors["cadence"] = "Choose how often you meet."
    if not values["outcomes"]:
        errors["outcomes"] = "Write what you want to get out of this partnership."
    elif len(values["outcomes"]) > 2000:
        errors["outcomes"] = "Keep your outcomes under 2000 characters."
    if not values["channel"]:
        errors["channel"] = "Say where you reach each other between sessions, e.g. Teams chat."
    elif len(values["channel"]) > 120:
        errors["channel"] = "Keep the channel under 120 characters."
    if values["response_time"] not in ResponseTime.values:
        errors["response_time"] = "Choose how quickly you answer each other."
    if len(values["boundaries"]) > 2000:
        errors["boundaries"] = "Keep the boundaries under 2000 characters."
    if not values["confidentiality"]:
        errors["confidentiality"] = "The agreement needs a confidentiality pledge."
    elif len(values["confidentiality"]) > 4000:
        errors["confidentiality"] = "Keep the pledge under 4000 characters."
    if errors:
        raise ValidationError(errors, code="invalid")
    return values


def agreement_initial(*, partnership: Partnership) -> dict[str, str]:
    """What a new agreement starts from: the cohort's cadence and the program's confidentiality statement."""
    return {
        "cadence": partnership.cohort.cadence,
        "response_time": ResponseTime.ONE_DAY,
        "confidentiality": partnership.cohort.program.confidentiality_statement,
    }


def _sign(agreement: Agreement, user: User) -> AgreementSignature:
    signature, _created = AgreementSignature.objects.get_or_create(
        agreement=agreement, user=user, version=agreement.version
    )
    return signature


def _ask_partner_to_sign(*, partnership: Partnership, editor: User, changed: list[str], base_url: str) -> None:
    """E-mail the partner that there is a version to sign. Only the changed fields' names, never their text:
    the agreement's content stays on the pair's page."""
    partner = partnership.partner_of(editor)
    context = {
        "user": partner,
        "editor": editor,
        "partnership": partnership,
        "changed": changed,
        "link": base_url.rstrip("/") + reverse("partnerships:detail", args=[partnership.pk]) + "#agreement",
    }
    message_queue(
        kind="agreement_to_sign", to=partner.email, recipient=partner, timezone=partner.timezone, context=context
    )


@transaction.atomic
def agreement_save(
    *, partnership: Partnership, editor: User, data: dict, base_version: int | None, base_url: str = ""
) -> Agreement:
    """Write or change the pair's agreement. Saving is signing: the editor proposes this version and signs it.

    ``data["outcomes"]`` is the editor's own desired outcomes; each partner writes their own. A change raises
    the version, so the partner's earlier signature no longer counts and they are asked to sign again.
    ``base_version`` is the version the editor started from (None while there is no agreement yet): if the
    partner saved in between, or no version is given for an existing agreement, nothing is written and the editor
    is asked to look again, so neither silently overwrites the other. A new version
    e-mails the partner a link to review and sign it (``base_url`` makes the link absolute).
    """
    partnership = _lock_partnership(partnership)
    _refuse_unless_member(partnership, editor)
    _refuse_unless_active(partnership)
    values = _clean_agreement_data(data)
    outcomes_field = "outcomes_a" if editor.pk == partnership.member_a_id else "outcomes_b"
    now = timezone.now()

    agreement = Agreement.objects.select_for_update().filter(partnership=partnership).first()
    if agreement is not None and base_version != agreement.version:
        raise ValidationError(
            "Your partner changed the agreement while you were editing it. Review their changes and edit again.",
            code="stale",
        )
    if agreement is None:
        agreement = Agreement(partnership=partnership, version=1, created_at=now)
        changed = True
    else:
        changed = False
    before = agreement.snapshot() if agreement.pk else None
    for name in ("cadence", "channel", "response_time", "boundaries", "confidentiality"):
        setattr(agreement, name, values[name])
    setattr(agreement, outcomes_field, values["outcomes"])
    if before is not None and agreement.snapshot() != before:
        agreement.version += 1
        changed = True
    if changed:
        agreement.updated_at = now
        agreement.updated_by = editor
        agreement.full_clean(exclude=["partnership"])
        agreement.save()
        AgreementVersion.objects.create(
            agreement=agreement, number=agreement.version, snapshot=agreement.snapshot(), edited_by=editor
        )
        partner = partnership.partner_of(editor)
        labels = [c.label for c in agreement_changes(partnership, partner, before or {}, agreement.snapshot())]
        _ask_partner_to_sign(
            partnership=partnership, editor=editor, changed=labels if before else [], base_url=base_url
        )
    _sign(agreement, editor)
    return agreement


@transaction.atomic
def agreement_sign(*, partnership: Partnership, user: User, version: int, accept_pledge: bool) -> AgreementSignature:
    """Sign the version the partner has read; signing accepts its confidentiality pledge.

    Refused if the agreement changed since the page was shown (``version`` is what they read), if they have
    not written their own outcomes yet, or if they already signed this version.
    """
    partnership = _lock_partnership(partnership)
    _refuse_unless_member(partnership, user)
    _refuse_unless_active(partnership)
    agreement = Agreement.objects.select_for_update().filter(partnership=partnership).first()
    if agreement is None:
        raise ValidationError("There is no agreement to sign yet: write it first.", code="missing")
    if version != agreement.version:
        raise ValidationError(
            "The agreement changed while you were reading it. Review the changes below and sign again.",
            code="stale",
        )
    if not accept_pledge:
        raise ValidationError({"accept_pledge": "Accept the confidentiality pledge to sign."}, code="required")
    if not agreement.outcomes_of(user).strip():
        raise ValidationError(
            "Add your own desired outcomes before you sign: edit the agreement.", code="outcomes_missing"
        )
    if AgreementSignature.objects.filter(agreement=agreement, user=user, version=agreement.version).exists():
        raise ValidationError("You have already signed this version.", code="already_signed")
    return _sign(agreement, user)


# --- Goals ----------------------------------------------------------------------------------------


def _clean_goal_fields(*, owner: User, title: str, skill: Skill | None, notes: str, progress: int) -> dict:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    notes = (notes or "").strip()
    if not title:
        errors["title"] = "Give the goal a short title."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if len(notes) > 2000:
        errors["notes"] = "Keep the notes under 2000 characters."
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        errors["progress"] = "Progress is a whole number from 0 to 100%."
    if skill is not None and not WantedSkill.objects.filter(user=owner, skill=skill).exists():
        errors["skill"] = "Link the goal to one of the skills you want to learn, or to none."
    if errors:
        raise ValidationError(errors, code="invalid")
    return {"title": title, "skill": skill, "notes": notes, "progress": progress}


def _refuse_unless_owner(goal: Goal, user: User) -> None:
    if goal.owner_id != user.pk:
        raise ValidationError("Only the person who set a goal can change it.", code="not_owner")


def _refuse_if_closed(goal: Goal) -> None:
    if goal.is_closed:
        raise ValidationError("This goal is closed: it can no longer change.", code="closed")


def _lock_goal_to_change(goal: Goal, by: User, *, while_active: bool = True) -> Goal:
    """The goal, locked, once ``by`` is its owner, it is not closed and (unless told otherwise) the pair is active."""
    goal = Goal.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=goal.pk)
    _refuse_unless_owner(goal, by)
    if while_active:
        _refuse_unless_active(goal.partnership)
    _refuse_if_closed(goal)
    return goal


@transaction.atomic
def goal_create(
    *,
    partnership: Partnership,
    owner: User,
    title: str,
    skill: Skill | None = None,
    notes: str = "",
    progress: int = 0,
) -> Goal:
    """A new goal for one partner; each partner keeps at most five per partnership.

    The same goal saved twice (a double click: the partnership's row lock puts the two one after the other) is
    kept once: an open goal of this partner with the same title is returned instead of a copy."""
    partnership = _lock_partnership(partnership)
    _refuse_unless_member(partnership, owner)
    _refuse_unless_active(partnership)
    same = Goal.objects.open().filter(partnership=partnership, owner=owner, title__iexact=(title or "").strip()).first()
    if same is not None:
        return same
    if Goal.objects.filter(partnership=partnership, owner=owner).count() >= GOALS_PER_PERSON_MAX:
        raise ValidationError(
            f"You already have {GOALS_PER_PERSON_MAX} goals for this partnership: finish or change one instead.",
            code="too_many",
        )
    values = _clean_goal_fields(owner=owner, title=title, skill=skill, notes=notes, progress=progress)
    return Goal.objects.create(partnership=partnership, owner=owner, **values)


@transaction.atomic
def goal_update(*, goal: Goal, by: User, data: dict) -> Goal:
    """Change a goal's title, linked skill, notes or progress."""
    goal = _lock_goal_to_change(goal, by)
    values = _clean_goal_fields(
        owner=by,
        title=data.get("title", goal.title),
        skill=data.get("skill", goal.skill),
        notes=data.get("notes", goal.notes),
        progress=data.get("progress", goal.progress),
    )
    for name, value in values.items():
        setattr(goal, name, value)
    goal.updated_at = timezone.now()
    goal.save()
    return goal


@transaction.atomic
def goal_set_progress(*, goal: Goal, by: User, progress: int) -> Goal:
    """Set a goal's progress (0-100%), by hand or from a check-in."""
    goal = _lock_goal_to_change(goal, by, while_active=False)
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationError({"progress": "Progress is a whole number from 0 to 100%."}, code="invalid")
    goal.progress = progress
    goal.updated_at = timezone.now()
    goal.save(update_fields=["progress", "updated_at"])
    return goal


@transaction.atomic
def goal_mark_achieved(*, goal: Goal, by: User) -> Goal:
    goal = _lock_goal_to_change(goal, by)
    if goal.is_achieved:
        raise ValidationError("This goal is already achieved.", code="no_change")
    now = timezone.now()
    goal.status, goal.progress, goal.achieved_at, goal.updated_at = GoalStatus.ACHIEVED, 100, now, now
    goal.save(update_fields=["status", "progress", "achieved_at", "updated_at"])
    return goal


@transaction.atomic
def goal_close(*, goal: Goal, by: User, outcome: str, today: datetime.date | None = None) -> Goal:
    """Record a goal's final outcome (achieved / partly / not) at the end of the cohort."""
    goal = _lock_goal_to_change(goal, by, while_active=False)
    if outcome not in GoalOutcome.values:
        raise ValidationError({"outcome": "Choose achieved, partly or not."}, code="invalid")
    partnership = Partnership.objects.select_related("cohort").get(pk=goal.partnership_id)
    if not goal_closing_open(partnership, today):
        first_day = partnership.cohort.ends_on - datetime.timedelta(days=GOAL_CLOSING_WINDOW_DAYS)
        raise ValidationError(f"Goals are closed at the end of the cohort, from {first_day:%d %b %Y}.", code="early")
    now = timezone.now()
    goal.outcome, goal.closed_at, goal.updated_at = outcome, now, now
    if outcome == GoalOutcome.ACHIEVED and not goal.is_achieved:
        goal.status, goal.achieved_at, goal.progress = GoalStatus.ACHIEVED, now, 100
    goal.save()
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, by: User) -> None:
    """Remove a goal set by mistake; a partner keeps at least one goal."""
    goal = _lock_goal_to_change(goal, by)
    if Goal.objects.filter(partnership_id=goal.partnership_id, owner=by).count() <= 1:
        raise ValidationError("Keep at least one goal: change this one instead.", code="last_goal")
    goal.delete()
