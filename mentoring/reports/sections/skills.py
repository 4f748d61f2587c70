"""Skills exchanged: what the matches set out to exchange, and the catalogue skills chosen as session topics.

A skill is named once ``MIN_PAIRS`` pairs exchange it; rarer skills are only counted, so they cannot point to a pair.

Queries (2, whatever the number of pairs and sessions): held halves grouped by their topic skill; the skill lists of
each pair's match (JSON, counted here).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort
from mentoring.reports.suppression import Cell, activity, pairs
from sessions_log.models import SessionHalf, SessionStatus

TOP_SKILLS = 10


@dataclass
class SkillRow:
    name: str
    pairs: Cell
    minutes: Cell | None = None


@dataclass
class Skills:
    planned: list[SkillRow]
    planned_hidden: int  # skills planned by fewer than MIN_PAIRS pairs: counted, not named
    in_sessions: list[SkillRow]
    in_sessions_hidden: int
    free_text_halves: int  # halves whose topic is in the partners' own words: counted, never shown
    relations: list = field(default_factory=list, repr=False)  # none: no figure here adds up to another


def _named(rows: list[SkillRow]) -> tuple[list[SkillRow], int]:
    """The top skills that enough pairs exchange, and how many others are only counted."""
    shown = [row for row in rows if not row.pairs.suppressed]
    return shown[:TOP_SKILLS], len(rows) - len(shown)


def skills(cohorts: Iterable[Cohort]) -> Skills:
    ids = [c.pk for c in cohorts]
    topics = list(
        SessionHalf.objects.filter(session__partnership__cohort_id__in=ids, session__status=SessionStatus.HELD)
        .values("topic_skill__name")
        .annotate(
            halves=Count("pk"),
            pairs=Count("session__partnership", distinct=True),
            minutes=Coalesce(Sum("actual_minutes"), 0),
        )
        .order_by("-pairs", "-minutes", "topic_skill__name")
    )
    in_sessions, in_sessions_hidden = _named(
        [
            SkillRow(r["topic_skill__name"], pairs(r["pairs"]), activity(r["minutes"], suffix=" min"))
            for r in topics
            if r["topic_skill__name"] is not None
        ]
    )

    planned: Counter[str] = Counter()
    for a_teaches_b, b_teaches_a in Partnership.objects.filter(cohort_id__in=ids).values_list(
        "a_teaches_b", "b_teaches_a"
    ):
        planned.update({str(s) for s in [*(a_teaches_b or []), *(b_teaches_a or [])]})
    planned_rows, planned_hidden = _named(
        [SkillRow(name, pairs(n)) for name, n in sorted(planned.items(), key=lambda kv: (-kv[1], kv[0].lower()))]
    )
    return Skills(
        planned=planned_rows,
        planned_hidden=planned_hidden,
        in_sessions=in_sessions,
        in_sessions_hidden=in_sessions_hidden,
        free_text_halves=sum(r["halves"] for r in topics if r["topic_skill__name"] is None),
    )


def csv_rows(s: Skills) -> list[list]:
    rows: list[list] = [["Skills exchanged", "Planned by the match (pairs)", r.name, r.pairs] for r in s.planned]
    return rows + [["Skills exchanged", "In held sessions (pairs)", r.name, r.pairs] for r in s.in_sessions]
