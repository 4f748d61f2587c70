"""Each pair's figures, for the sections that count pairs (sessions, balance, reverse mentoring).

One grouped query over the pairs' sessions and halves gives every pair's held sessions and each member's
mentoring minutes (numbers and seniority bands only, never a name); the sections then count the pairs in Python.
At 10,000 participants that is 5,000 small rows, read once per report (``build_report`` shares them), where the
per-pair correlated subqueries it replaces cost seconds (README, Program reports: speed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from mentoring.partnerships.models import Partnership
from sessions_log.models import SessionStatus


@dataclass(frozen=True)
class PairFigures:
    cohort_id: int
    a_band: int | None
    b_band: int | None
    held: int  # held sessions
    a_min: int  # minutes member A mentored in held sessions
    b_min: int

    @property
    def total_min(self) -> int:
        return self.a_min + self.b_min

    @property
    def junior_min(self) -> int | None:
        """Minutes the more junior member mentored; None when both are in the same band (or one is not given)."""
        if self.a_band is None or self.b_band is None or self.a_band == self.b_band:
            return None
        return self.a_min if self.a_band < self.b_band else self.b_min

    def share_between(self, low: int, high: int) -> bool:
        """The larger partner mentored more than ``low`` % (50 % included) and at most ``high`` % of the minutes."""
        total, larger = self.total_min, max(self.a_min, self.b_min) * 100
        if not total:
            return False
        above = larger >= total * low if low == 50 else larger > total * low
        return above and larger <= total * high


def pair_figures(cohort_ids: Iterable[int]) -> list[PairFigures]:
    """Every pair of the cohorts with its held sessions and its members' mentoring minutes. Query: 1."""
    held = Q(sessions__status=SessionStatus.HELD)
    rows = (
        Partnership.objects.filter(cohort_id__in=list(cohort_ids))
        .values("pk", "cohort_id", a_band=F("member_a__profile__seniority"), b_band=F("member_b__profile__seniority"))
        .annotate(
            # A session has exactly one first half: counting them counts held sessions without a DISTINCT.
            held=Count("sessions__halves", filter=held & Q(sessions__halves__order=1)),
            a_min=Coalesce(
                Sum("sessions__halves__actual_minutes", filter=held & Q(sessions__halves__mentor_id=F("member_a_id"))),
                0,
            ),
            b_min=Coalesce(
                Sum("sessions__halves__actual_minutes", filter=held & Q(sessions__halves__mentor_id=F("member_b_id"))),
                0,
            ),
        )
        .order_by()
    )
    return [PairFigures(r["cohort_id"], r["a_band"], r["b_band"], r["held"], r["a_min"], r["b_min"]) for r in rows]
