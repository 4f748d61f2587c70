"""Writes for goals: each partner's 1-5 goals, their progress and their final outcome.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked (field errors as a dict).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Skill, User, WantedSkill
from mentoring.partnerships.models import (
    GOALS_PER_PERSON_MAX,
    Goal,
    GoalOutcome,
    GoalStatus,
    Partnership,
)
from mentoring.partnerships.selectors import GOAL_CLOSING_WINDOW_DAYS, goal_closing_open
from mentoring.partnerships.services.guards import lock_partnership, refuse_unless_active, refuse_unless_member


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
        refuse_unless_active(goal.partnership)
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
    partnership = lock_partnership(partnership)
    refuse_unless_member(partnership, owner)
    refuse_unless_active(partnership)
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
