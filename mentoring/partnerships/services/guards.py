"""The lock and checks every partnership service shares."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts.models import User
from mentoring.partnerships.models import (
    Partnership,
    PartnershipStatus,
)


def lock_partnership(partnership: Partnership) -> Partnership:
    """Re-read the partnership under a row lock, so two partners' writes happen one after the other."""
    return (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("cohort", "cohort__program", "member_a", "member_b")
        .get(pk=partnership.pk)
    )


def refuse_unless_member(partnership: Partnership, user: User) -> None:
    if not partnership.has_member(user):
        raise ValidationError("Only the two partners can do this.", code="not_member")


def refuse_unless_active(partnership: Partnership) -> None:
    if partnership.status != PartnershipStatus.ACTIVE:
        raise ValidationError("This partnership has ended: it can no longer change.", code="ended")
