"""Check-ins: each partner's feedback after a held session, and the goal progress it reports.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked; keys name the form field
the message belongs to.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mentoring.partnerships.models import Goal, GoalStatus
from sessions_log.models import (
    CHECKIN_EDITABLE_DAYS,
    CHECKIN_OPEN_DAYS,
    CheckIn,
    CheckInGoalProgress,
    Session,
    SessionStatus,
)
from sessions_log.services.guards import clean_text, lock_session
from sessions_log.times import local_text

CHECKIN_TEXT_FIELDS = {
    "learned": "what you learned",
    "taught": "what you taught",
    "next_time": "what would make the next one better",
}


def _clean_checkin(data: dict) -> dict:
    usefulness = data.get("usefulness")
    if isinstance(usefulness, bool) or not isinstance(usefulness, int) or not 1 <= usefulness <= 5:
        raise ValidationError({"usefulness": "Rate the session from 1 (not useful) to 5 (very useful)."})
    cleaned = {"usefulness": usefulness}
    for field, label in CHECKIN_TEXT_FIELDS.items():
        cleaned[field] = clean_text(data.get(field, ""), field=field, label=label, required=False, max_length=2000)
    cleaned["contact_requested"] = bool(data.get("contact_requested"))
    cleaned["shared_with_program_team"] = bool(data.get("shared_with_program_team"))
    return cleaned


def checkin_goals(session: Session, author: User) -> list[Goal]:
    """The author's goals in this partnership that a check-in may move: open and not yet closed."""
    return list(
        Goal.objects.filter(partnership_id=session.partnership_id, owner=author, status=GoalStatus.OPEN, outcome="")
    )


def _apply_goal_progress(checkin: CheckIn, author: User, goal_progress: dict[int, int]) -> None:
    from mentoring.partnerships.services import goal_set_progress

    goals = {g.pk: g for g in checkin_goals(checkin.session, author)}
    unknown = set(goal_progress) - set(goals)
    if unknown:
        raise ValidationError("Progress can only be given for your own open goals in this partnership.")
    for goal_id, progress in goal_progress.items():
        if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
            raise ValidationError({f"goal_{goal_id}": "Progress is a whole number from 0 to 100%."})
    CheckInGoalProgress.objects.filter(checkin=checkin).exclude(goal_id__in=list(goal_progress)).delete()
    for goal_id, progress in goal_progress.items():
        CheckInGoalProgress.objects.update_or_create(checkin=checkin, goal_id=goal_id, defaults={"progress": progress})
        if goals[goal_id].progress != progress:
            goal_set_progress(goal=goals[goal_id], by=author, progress=progress)


@transaction.atomic
def checkin_submit(
    *, session: Session, author: User, data: dict, goal_progress: dict[int, int] | None = None
) -> CheckIn:
    """A partner's one check-in for a held session; it also moves their goals' progress."""
    session = lock_session(session)
    if not session.partnership.has_member(author):
        raise ValidationError("This session is not yours, so you cannot fill in its check-in.", code="not_partner")
    if session.status != SessionStatus.HELD:
        raise ValidationError(
            "A check-in is for a session that took place: log this session as held first.", code="not_held"
        )
    existing = CheckIn.objects.filter(session=session, author=author).first()
    if existing is not None:
        raise ValidationError(
            "You already filled in the check-in for this session. You can edit it until "
            f"{local_text(existing.editable_until, author)}.",
            code="duplicate",
        )
    if session.start < timezone.now() - datetime.timedelta(days=CHECKIN_OPEN_DAYS):
        raise ValidationError(
            f"Check-ins close {CHECKIN_OPEN_DAYS} days after the session; this one is older.", code="too_late"
        )
    cleaned = _clean_checkin(data)
    now = timezone.now()
    checkin = CheckIn.objects.create(session=session, author=author, created_at=now, updated_at=now, **cleaned)
    _apply_goal_progress(checkin, author, goal_progress or {})
    return checkin


@transaction.atomic
def checkin_update(*, checkin: CheckIn, by: User, data: dict, goal_progress: dict[int, int] | None = None) -> CheckIn:
    """The author edits their check-in, for up to seven days after sending it."""
    checkin = CheckIn.objects.select_for_update(of=("self",)).select_related("session").get(pk=checkin.pk)
    if checkin.author_id != by.pk:
        raise ValidationError("Only the author can change a check-in.", code="not_author")
    if not checkin.is_editable:
        raise ValidationError(
            f"A check-in can be changed for {CHECKIN_EDITABLE_DAYS} days after it was sent; "
            "this one can no longer be changed.",
            code="locked",
        )
    cleaned = _clean_checkin(data)
    for field, value in cleaned.items():
        setattr(checkin, field, value)
    checkin.updated_at = timezone.now()
    checkin.save()
    _apply_goal_progress(checkin, by, goal_progress or {})
    return checkin
