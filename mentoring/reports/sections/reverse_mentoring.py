"""Reverse mentoring: pairs whose partners are in different seniority bands, and how often the more junior partner
mentors the more senior one, in all and by the senior partner's band.

Query (1, whatever the number of pairs and sessions, none when the report passes the pairs' figures): each pair's
bands and minutes (``pairs.pair_figures``); the pairs with a gap are grouped here by the senior partner's band, with
how many learned from their junior partner and for how many minutes (the totals add these up).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mentoring.programs.models import Cohort
from mentoring.reports.sections.pairs import PairFigures, pair_figures
from mentoring.reports.sections.participation import band_label
from mentoring.reports.suppression import Cell, Follows, Total, activity, pairs, people, percent, suppress


@dataclass
class ReverseRow:
    band: str
    seniors: Cell
    learning: Cell
    minutes: Cell


@dataclass
class ReverseMentoring:
    pairs_with_band_gap: Cell
    reverse_pairs: Cell
    reverse_minutes: Cell
    reverse_share: Cell
    by_band: list[ReverseRow]
    relations: list = field(default_factory=list, repr=False)


def reverse_mentoring(cohorts: Iterable[Cohort], figures: list[PairFigures] | None = None) -> ReverseMentoring:
    figures = pair_figures(c.pk for c in cohorts) if figures is None else figures
    by_senior: dict[int, dict] = {}
    for f in figures:
        if f.junior_min is None:
            continue
        row = by_senior.setdefault(max(f.a_band, f.b_band), {"seniors": 0, "learning": 0, "minutes": 0})
        row["seniors"] += 1
        row["learning"] += f.junior_min > 0
        row["minutes"] += f.junior_min
    rows = [{"senior": band, **by_senior[band]} for band in sorted(by_senior)]
    gap = sum(r["seniors"] for r in rows)
    reverse = sum(r["learning"] for r in rows)
    by_band = [
        ReverseRow(
            band_label(r["senior"]),
            people(r["seniors"]),
            people(r["learning"]),
            activity(r["minutes"], suffix=" min"),
        )
        for r in rows
    ]
    relations = []
    for row in by_band:
        # The minutes are the learning seniors'; everything in the row is about the band's few seniors.
        relations += [Follows([row.minutes], [row.learning]), Follows([row.learning, row.minutes], [row.seniors])]
    # With no pair across bands there is nobody to protect: the count is 0 by definition, as everyone can tell.
    pairs_with_band_gap, reverse_pairs = activity(gap), pairs(reverse) if rows else activity(0)
    reverse_minutes = activity(sum(r["minutes"] for r in rows), suffix=" min")
    reverse_share = activity(percent(reverse, gap), suffix=" %")
    relations += [
        Total(pairs_with_band_gap, [row.seniors for row in by_band]),
        Total(reverse_pairs, [row.learning for row in by_band]),
        Total(reverse_minutes, [row.minutes for row in by_band]),
        Follows([reverse_minutes, reverse_share], [reverse_pairs]),
    ]
    suppress(relations)
    return ReverseMentoring(pairs_with_band_gap, reverse_pairs, reverse_minutes, reverse_share, by_band, relations)


def csv_rows(r: ReverseMentoring) -> list[list]:
    rows: list[list] = [
        ["Reverse mentoring", "All", "Pairs with a seniority gap", r.pairs_with_band_gap],
        ["Reverse mentoring", "All", "Pairs where the junior partner mentored", r.reverse_pairs],
        ["Reverse mentoring", "All", "Minutes the junior partner mentored", r.reverse_minutes],
        ["Reverse mentoring", "All", "Seniors learning from a junior partner (%)", r.reverse_share],
    ]
    for row in r.by_band:
        rows += [
            ["Reverse mentoring", row.band, "Senior partners", row.seniors],
            ["Reverse mentoring", row.band, "Learning from a junior partner", row.learning],
            ["Reverse mentoring", row.band, "Minutes", row.minutes],
        ]
    return rows
