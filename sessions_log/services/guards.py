"""Checks and locks every session service shares."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from sessions_log.models import (
    Session,
)

REASON_MAX = 300


def lock_people(*users: User) -> None:
    """Serialise scheduling per person, so two proposals at once cannot both pass the overlap check."""
    list(User.objects.select_for_update().filter(pk__in=[u.pk for u in users]).order_by("pk").values_list("pk"))


def lock_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("partnership__member_a", "partnership__member_b", "partnership__cohort")
        .get(pk=session.pk)
    )


def refuse_unless_partner(session_or_partnership, user: User) -> None:
    partnership = getattr(session_or_partnership, "partnership", session_or_partnership)
    if not partnership.has_member(user):
        raise ValidationError("Only the two partners can do this.", code="not_partner")


def clean_text(value: str, *, field: str, label: str, required: bool, max_length: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"Please give {label}."}, code="required")
    if len(value) > max_length:
        raise ValidationError({field: f"Keep {label} under {max_length} characters."}, code="max_length")
    return value


def touch(session: Session, *fields: str) -> None:
    session.sequence += 1
    session.updated_at = timezone.now()
    session.save(update_fields=[*fields, "sequence", "updated_at"])
