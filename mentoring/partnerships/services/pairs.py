"""Writes for partnerships themselves: creating a pair and ending it.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked (field errors as a dict).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_program_admin
from mentoring.notifications.services import message_queue
from mentoring.partnerships import signals
from mentoring.partnerships.models import (
    Partnership,
    PartnershipStatus,
)
from mentoring.partnerships.services.guards import lock_partnership, refuse_unless_active
from mentoring.programs.models import Cohort, CohortStatus, Enrollment

END_REASON_MAX = 300


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
    partnership = lock_partnership(partnership)
    if not (partnership.has_member(ended_by) or is_program_admin(ended_by)):
        raise ValidationError("Only the two partners or a program admin can end a partnership.", code="not_allowed")
    refuse_unless_active(partnership)
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
