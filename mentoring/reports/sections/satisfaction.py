"""Satisfaction: the check-ins' usefulness ratings (1-5), their average and distribution. Never the written answers.

Query (1, whatever the number of check-ins): the check-ins counted by rating, with the people who gave each rating
and who gave any.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from mentoring.programs.models import Cohort
from mentoring.reports.suppression import Bar, Cell, Follows, Total, activity, people, suppress
from sessions_log.models import CheckIn

RATINGS = ((5, "very useful"), (4, "useful"), (3, "somewhat"), (2, "a little"), (1, "not useful"))


@dataclass
class Satisfaction:
    checkins: Cell
    checkin_people: int
    average_usefulness: Cell
    usefulness: list[Bar]
    relations: list = field(default_factory=list, repr=False)

    @property
    def ratings(self) -> list[Cell]:
        """The distribution: an average of these ratings (a group's too) is hidden with any of its cells."""
        return [bar.count for bar in self.usefulness]


def rating_counts() -> dict:
    """Aggregates of check-ins: how many gave each rating (and how many people), and how many people rated at all."""
    return {
        "people": Count("author", distinct=True),
        **{f"n{k}": Count("pk", filter=Q(usefulness=k)) for k, _ in RATINGS},
        **{f"people{k}": Count("author", distinct=True, filter=Q(usefulness=k)) for k, _ in RATINGS},
    }


def from_counts(counts: dict) -> Satisfaction:
    """The section from ``rating_counts()`` (also how the reports index shows a cohort's average)."""
    n = sum(counts[f"n{k}"] for k, _ in RATINGS)
    # A rating's cell describes the people who gave it (one person may give it in several check-ins).
    bars = [Bar(f"{k} · {label}", people(counts[f"n{k}"], counts[f"people{k}"]), n) for k, label in RATINGS]
    average = round(sum(k * counts[f"n{k}"] for k, _ in RATINGS) / n, 1) if n else None
    checkins, average_usefulness = activity(n), people(average, counts["people"])
    ratings = [bar.count for bar in bars]
    result = Satisfaction(
        checkins=checkins,
        checkin_people=counts["people"],
        average_usefulness=average_usefulness,
        usefulness=bars,
        relations=[Total(checkins, ratings), Follows([average_usefulness], ratings)],
    )
    suppress(result.relations)
    return result


def satisfaction(cohorts: Iterable[Cohort]) -> Satisfaction:
    counts = CheckIn.objects.filter(session__partnership__cohort_id__in=[c.pk for c in cohorts]).aggregate(
        **rating_counts()
    )
    return from_counts(counts)


def csv_rows(s: Satisfaction) -> list[list]:
    rows: list[list] = [
        ["Satisfaction", "All", "Check-ins", s.checkins],
        ["Satisfaction", "All", "Average usefulness (1-5)", s.average_usefulness],
    ]
    return rows + [["Satisfaction", "Rating", bar.label, bar.count] for bar in s.usefulness]
