"""Teaching balance: how evenly the pairs with held sessions split their mentoring minutes.

Query (1, whatever the number of pairs and sessions, none when the report passes the pairs' figures): each pair's
held sessions and minutes (``pairs.pair_figures``), counted here by the larger partner's share of the minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mentoring.programs.models import Cohort
from mentoring.reports.sections.pairs import PairFigures, pair_figures
from mentoring.reports.suppression import Bar, Cell, Follows, Total, activity, pairs, percent, suppress
from sessions_log.models import BALANCE_MAX_SHARE

# A pair is within balance when neither partner mentored more than 60 % of its minutes (as the pair's page says).
BALANCE_WITHIN = round(100 * BALANCE_MAX_SHARE)
# Buckets of the larger partner's share of a pair's mentoring minutes: (label, lowest %, highest %). The first one
# is the pairs within balance.
BALANCE_BUCKETS = (
    (f"50–{BALANCE_WITHIN} % (within {BALANCE_WITHIN}/{100 - BALANCE_WITHIN})", 50, BALANCE_WITHIN),
    (f"{BALANCE_WITHIN}–70 %", BALANCE_WITHIN, 70),
    ("70–80 %", 70, 80),
    ("80–100 %", 80, 100),
)


@dataclass
class Balance:
    pairs_with_held: Cell
    buckets: list[Bar]
    within: Cell  # the first bucket's cell: one figure, one decision
    within_percent: Cell
    relations: list = field(default_factory=list, repr=False)


def balance(cohorts: Iterable[Cohort], figures: list[PairFigures] | None = None) -> Balance:
    figures = pair_figures(c.pk for c in cohorts) if figures is None else figures
    agg = {
        "with_held": sum(1 for f in figures if f.held > 0),
        **{
            f"bucket{i}": sum(1 for f in figures if f.share_between(lo, hi))
            for i, (_, lo, hi) in enumerate(BALANCE_BUCKETS)
        },
    }
    with_held = activity(agg["with_held"])
    buckets = [
        Bar(label, pairs(agg[f"bucket{i}"]), agg["with_held"]) for i, (label, _, _) in enumerate(BALANCE_BUCKETS)
    ]
    within = buckets[0].count
    within_percent = activity(percent(within.value, agg["with_held"]), suffix=" %")
    result = Balance(
        pairs_with_held=with_held,
        buckets=buckets,
        within=within,
        within_percent=within_percent,
        relations=[Total(with_held, [bar.count for bar in buckets]), Follows([within_percent], [within])],
    )
    suppress(result.relations)
    return result


def csv_rows(b: Balance) -> list[list]:
    rows: list[list] = [
        ["Teaching balance", "All", "Pairs with held sessions", b.pairs_with_held],
        ["Teaching balance", "All", f"Pairs within {BALANCE_WITHIN}/{100 - BALANCE_WITHIN}", b.within],
    ]
    return rows + [["Teaching balance", "Larger partner's share", bar.label, bar.count] for bar in b.buckets]
