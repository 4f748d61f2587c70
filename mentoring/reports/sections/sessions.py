"""Sessions: how many were held, not held, cancelled, declined and still to come, the minutes held, and the pairs'
pace against the cadence they agreed.

Queries (3, whatever the number of pairs and sessions): when each cohort's first pair was published (for the sessions
the cadence expects); sessions grouped by status, not-held reason and late cancellation; each pair's held sessions
and minutes (``pairs.pair_figures``, none when the report passes them), counted here.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.utils import timezone

from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cadence, Cohort, CohortStatus
from mentoring.reports.sections.pairs import PairFigures, pair_figures
from mentoring.reports.suppression import Bar, Cell, Total, activity, pairs, suppress
from sessions_log.models import NotHeldReason, Session, SessionStatus

# The expected time between two sessions of a pair, by cadence, to compare held sessions with.
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 30}
SESSION_MEASURES = (
    (SessionStatus.HELD, "Held"),
    (SessionStatus.NOT_HELD, "Not held"),
    ("not_held_no_show", "Not held: someone did not come"),
    ("not_held_cancelled_late", "Not held: cancelled at the last minute"),
    ("not_held_other", "Not held: something else"),
    (SessionStatus.CANCELLED, "Cancelled"),
    ("cancelled_late", "Cancelled within 24 hours"),
    (SessionStatus.DECLINED, "Declined"),
    ("upcoming", "Proposed or accepted, not yet logged"),
)


@dataclass
class Sessions:
    outcomes: dict[str, Cell]  # by SESSION_MEASURES key
    held_minutes: Cell
    pairs: Cell
    pairs_with_held: Cell
    held_per_pair: float | None
    expected_per_pair: float | None
    pace: list[Bar]
    relations: list = field(default_factory=list, repr=False)

    @property
    def held(self) -> Cell:
        return self.outcomes[SessionStatus.HELD]


def expected_sessions(cohort: Cohort, today: datetime.date, first_pair_on: datetime.date | None = None) -> int:
    """Sessions a pair meeting at the cohort's cadence would have held by today.

    Counted from the cohort's start, or from when its first pairs were published if they could start earlier.
    """
    if cohort.status not in (CohortStatus.ACTIVE, CohortStatus.CLOSED):
        return 0
    start = min(cohort.starts_on, first_pair_on) if first_pair_on else cohort.starts_on
    elapsed = (min(today, cohort.ends_on) - start).days
    return max(0, elapsed // CADENCE_DAYS.get(cohort.cadence, 14))


def sessions(
    cohorts: Iterable[Cohort], *, today: datetime.date | None = None, figures: list[PairFigures] | None = None
) -> Sessions:
    cohorts = list(cohorts)
    ids = [c.pk for c in cohorts]
    today = today or timezone.localdate()
    first_pairs = dict(
        Partnership.objects.filter(cohort_id__in=ids)
        .values_list("cohort_id")
        .annotate(first=Min("started_at"))
        .order_by()
    )
    expected = {
        c.pk: expected_sessions(c, today, timezone.localdate(first_pairs[c.pk]) if c.pk in first_pairs else None)
        for c in cohorts
    }

    outcomes = Counter()
    for row in (
        Session.objects.filter(partnership__cohort_id__in=ids)
        .values("status", "not_held_reason", "cancelled_late")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        status, n = row["status"], row["n"]
        outcomes[status] += n
        if status == SessionStatus.NOT_HELD:
            outcomes[f"not_held_{row['not_held_reason'] or NotHeldReason.OTHER}"] += n
        if status == SessionStatus.CANCELLED and row["cancelled_late"]:
            outcomes["cancelled_late"] += n
    outcomes["upcoming"] = outcomes[SessionStatus.PROPOSED] + outcomes[SessionStatus.ACCEPTED]

    figures = pair_figures(ids) if figures is None else figures
    agg = {
        "pairs": len(figures),
        "held_total": sum(f.held for f in figures),
        "expected_total": sum(expected.get(f.cohort_id, 0) for f in figures),
        "with_held": sum(1 for f in figures if f.held > 0),
        "on_track": sum(1 for f in figures if f.held > 0 and f.held >= expected.get(f.cohort_id, 0)),
        "behind": sum(1 for f in figures if f.held > 0 and f.held < expected.get(f.cohort_id, 0)),
        "minutes": sum(f.total_min for f in figures),
    }
    n_pairs, with_held = agg["pairs"], agg["with_held"]
    all_pairs, met = activity(n_pairs), activity(with_held)
    on_track, behind = pairs(agg["on_track"]), pairs(agg["behind"])
    # Pairs that have not met are the pairs less those that have: two figures shown as they are, so this one too.
    not_met = activity(n_pairs - with_held)
    result = Sessions(
        outcomes={str(key): activity(outcomes[key]) for key, _ in SESSION_MEASURES},
        held_minutes=activity(agg["minutes"]),
        pairs=all_pairs,
        pairs_with_held=met,
        held_per_pair=round(agg["held_total"] / n_pairs, 1) if n_pairs else None,
        expected_per_pair=round(agg["expected_total"] / n_pairs, 1) if n_pairs else None,
        pace=[
            Bar("On pace (held at least the sessions the cadence expects)", on_track, n_pairs),
            Bar("Meeting, but behind the cadence", behind, n_pairs),
            Bar("Not met yet", not_met, n_pairs),
        ],
        relations=[Total(met, [on_track, behind]), Total(all_pairs, [met, not_met])],
    )
    suppress(result.relations)
    return result


def csv_rows(s: Sessions) -> list[list]:
    rows: list[list] = [["Sessions", "All", label, s.outcomes[key]] for key, label in SESSION_MEASURES]
    rows += [
        ["Sessions", "All", "Minutes in held sessions", s.held_minutes],
        ["Sessions", "All", "Held sessions per pair", s.held_per_pair],
        ["Sessions", "All", "Expected per pair at the cadence", s.expected_per_pair],
    ]
    return rows + [["Sessions", "Pace", bar.label, bar.count] for bar in s.pace]
