"""Each pair's figures as SQL annotations, for the sections that group and count pairs (sessions, balance, reverse).

Only numbers: the sections aggregate these, never listing a pair.
"""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from mentoring.partnerships.models import Partnership
from sessions_log.models import Session, SessionHalf, SessionStatus


def _per_pair(queryset: QuerySet, total) -> Coalesce:
    """One number per pair from a grouped subquery over its sessions or halves (0 when there is none)."""
    subquery = Subquery(queryset.order_by().annotate(total=total).values("total")[:1], output_field=IntegerField())
    return Coalesce(subquery, 0)


def _minutes_mentored(member: str) -> Coalesce:
    """Minutes the given member of each pair mentored in its held sessions."""
    halves = SessionHalf.objects.filter(
        session__partnership=OuterRef("pk"), session__status=SessionStatus.HELD, mentor=OuterRef(member)
    ).values("session__partnership")
    return _per_pair(halves, Sum("actual_minutes"))


def pairs_with_minutes(cohort_ids: list[int]) -> QuerySet:
    """The cohorts' pairs, each with its members' mentoring minutes, their total and the larger one times 100."""
    return (
        Partnership.objects.filter(cohort_id__in=cohort_ids)
        .annotate(a_min=_minutes_mentored("member_a"), b_min=_minutes_mentored("member_b"))
        .annotate(
            total_min=F("a_min") + F("b_min"),
            # The larger partner's minutes times 100, to compare with a share of the total in whole numbers.
            larger_pc=Greatest("a_min", "b_min") * 100,
        )
    )


def held_sessions() -> Coalesce:
    """Each pair's held sessions."""
    held = Session.objects.filter(partnership=OuterRef("pk"), status=SessionStatus.HELD).values("partnership")
    return _per_pair(held, Count("pk"))


def expected_by_cohort(expected: dict[int, int]) -> Case:
    """The sessions each pair's cohort's cadence expects by now."""
    return Case(
        *[When(cohort_id=pk, then=Value(n)) for pk, n in expected.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def junior_minutes() -> dict:
    """Annotations for the members' seniority bands and the minutes the more junior one mentored (None: no gap)."""
    return {
        "a_band": F("member_a__profile__seniority"),
        "b_band": F("member_b__profile__seniority"),
        "junior_min": Case(
            When(member_a__profile__seniority__lt=F("member_b__profile__seniority"), then=F("a_min")),
            When(member_b__profile__seniority__lt=F("member_a__profile__seniority"), then=F("b_min")),
            default=None,
            output_field=IntegerField(),
        ),
    }


def share_between(low: int, high: int) -> Q:
    """The larger partner mentored more than ``low`` % (50 % included) and at most ``high`` % of the minutes."""
    lower = Q(larger_pc__gte=F("total_min") * low) if low == 50 else Q(larger_pc__gt=F("total_min") * low)
    return Q(total_min__gt=0) & lower & Q(larger_pc__lte=F("total_min") * high)
