"""Program reports for leaders and the program team: aggregates only, computed in the database.

A report covers one cohort, or a program rolled up across its cohorts (the same selectors with more cohort
ids). It never reads names, notes, check-in text, agreement text or goal titles: every query below selects
counts, sums, averages and the group labels (department, seniority band, skill name) they are grouped by.

Small groups are suppressed: a breakdown cell that describes fewer than ``MIN_PEOPLE`` people (or fewer than
``MIN_PAIRS`` pairs) shows "fewer than 5" instead of its number, and when a breakdown has exactly one such
cell the next smallest one is hidden too, so nobody can subtract the others from the total to recover it.

A report costs ``REPORT_QUERIES`` queries, whatever the number of people, pairs and sessions.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.utils import timezone
from django.utils.html import conditional_escape, format_html

from accounts.models import SeniorityBand
from mentoring.core.privacy import MIN_PAIRS, MIN_PEOPLE
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import (
    PARTICIPANT_STATUSES,
    Cadence,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Program,
)
from sessions_log.models import BALANCE_MAX_SHARE, CheckIn, NotHeldReason, Session, SessionHalf, SessionStatus

# Queries one report costs (see build_report): a test holds it fixed for ten times the rows.
REPORT_QUERIES = 12
# The expected time between two sessions of a pair, by cadence, to compare held sessions with.
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 30}
NOT_GIVEN = "Not given"
# Buckets of the larger partner's share of a pair's mentoring minutes: (label, lowest %, highest %).
# A pair is within balance when neither partner mentored more than 60 % of its minutes (as the pair's page says).
BALANCE_WITHIN = round(100 * BALANCE_MAX_SHARE)
BALANCE_BUCKETS = (
    (f"50–{BALANCE_WITHIN} % (within {BALANCE_WITHIN}/{100 - BALANCE_WITHIN})", 50, BALANCE_WITHIN),
    (f"{BALANCE_WITHIN}–70 %", BALANCE_WITHIN, 70),
    ("70–80 %", 70, 80),
    ("80–100 %", 80, 100),
)
TOP_SKILLS = 10


# --- Suppressed cells ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One number of a breakdown, or "fewer than N" when it describes too few people or pairs."""

    value: int | float | None
    suppressed: bool = False
    threshold: int = MIN_PEOPLE
    unit: str = "people"
    suffix: str = ""
    signed: bool = False  # a change or a score that may be negative: "+0.6", "-20"

    @property
    def text(self) -> str:
        if self.suppressed:
            return f"fewer than {self.threshold}" if self.unit == "people" else f"fewer than {self.threshold} pairs"
        if self.value is None:
            return "–"
        if self.signed and self.value > 0:
            return f"+{self.value}{self.suffix}"
        return f"{self.value}{self.suffix}"

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        """In a page, a hidden figure is set apart so it reads as a note rather than a number."""
        if self.suppressed:
            return format_html('<span class="fst-italic text-body-secondary" data-suppressed>{}</span>', self.text)
        return conditional_escape(self.text)

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None


def suppress(
    cells: dict[Hashable, tuple[int | float | None, int]],
    *,
    threshold: int = MIN_PEOPLE,
    unit: str = "people",
    suffix: str = "",
) -> dict[Hashable, Cell]:
    """Turn ``{key: (value, how many people or pairs it describes)}`` into cells, hiding the small ones.

    A cell describing 1 to ``threshold - 1`` people is hidden (zero describes nobody and stays). If that hides
    exactly one cell of the breakdown, the smallest other non-empty cell is hidden too (secondary suppression),
    so the hidden one cannot be worked out from the total.
    """
    hidden = {key for key, (_, population) in cells.items() if 0 < population < threshold}
    if len(hidden) == 1:
        others = sorted(
            ((population, str(key)), key)
            for key, (_, population) in cells.items()
            if key not in hidden and population > 0
        )
        if others:
            hidden.add(others[0][1])
    return {key: Cell(value, key in hidden, threshold, unit, suffix) for key, (value, population) in cells.items()}


def cell(
    value,
    population: int,
    *,
    threshold: int = MIN_PEOPLE,
    unit: str = "people",
    suffix: str = "",
    signed: bool = False,
) -> Cell:
    """A single figure (not part of a breakdown): hidden when it describes 1 to threshold - 1 people or pairs."""
    return Cell(value, 0 < population < threshold, threshold, unit, suffix, signed)


def percent(part: int | None, whole: int | None) -> int | None:
    return round(100 * (part or 0) / whole) if whole else None


# --- The report --------------------------------------------------------------------------------------


@dataclass
class GroupRow:
    """One department or seniority band: how many took part, were matched, taught, learned and rated."""

    label: str
    participants: Cell
    matched: Cell
    minutes_taught: Cell
    minutes_learned: Cell
    average_usefulness: Cell

    @property
    def hidden(self) -> bool:
        """The group is too small to show anything but its name."""
        return self.participants.suppressed


@dataclass
class Bar:
    label: str
    count: Cell
    percent: int | None  # share of the whole, for the bar's width; None when the count is hidden


@dataclass
class SkillRow:
    name: str
    pairs: Cell
    minutes: Cell | None = None


@dataclass
class ReverseRow:
    band: str
    seniors: Cell
    learning: Cell
    minutes: Cell


@dataclass
class Report:
    cohorts: list[Cohort]
    # participation
    enrollments: dict[str, int]
    participants: int
    matched_people: int
    pairs: int
    pairs_active: int
    pairs_ended: int
    pairs_one_way: int
    by_department: list[GroupRow]
    by_band: list[GroupRow]
    # sessions
    sessions: dict[str, int]
    held_minutes: int
    held_per_pair: float | None
    expected_per_pair: float | None
    pace: list[Bar]
    # teaching balance
    pairs_with_held: int
    pairs_within_balance: Cell
    within_balance_percent: Cell
    balance_buckets: list[Bar]
    # satisfaction
    checkins: int
    checkin_people: int
    average_usefulness: Cell
    usefulness: list[Bar]
    # skills
    planned_skills: list[SkillRow]
    planned_skills_hidden: int
    session_skills: list[SkillRow]
    session_skills_hidden: int
    free_text_halves: int
    # reverse mentoring
    pairs_with_band_gap: int
    reverse_pairs: Cell
    reverse_minutes: Cell
    reverse_share: Cell
    reverse_by_band: list[ReverseRow]
    suppressed_anything: bool = field(default=False)

    @property
    def is_program(self) -> bool:
        return len(self.cohorts) != 1


def expected_sessions(cohort: Cohort, today: datetime.date, first_pair_on: datetime.date | None = None) -> int:
    """Sessions a pair meeting at the cohort's cadence would have held by today.

    Counted from the cohort's start, or from when its first pairs were published if they could start earlier.
    """
    if cohort.status not in (CohortStatus.ACTIVE, CohortStatus.CLOSED):
        return 0
    start = min(cohort.starts_on, first_pair_on) if first_pair_on else cohort.starts_on
    elapsed = (min(today, cohort.ends_on) - start).days
    return max(0, elapsed // CADENCE_DAYS.get(cohort.cadence, 14))


def _band_label(band: int | None) -> str:
    return SeniorityBand(band).label if band in SeniorityBand.values else NOT_GIVEN


def _dept(value: str | None) -> str:
    return (value or "").strip() or NOT_GIVEN


def _minutes_per_pair(member: str) -> Subquery:
    """Minutes the given member of each pair mentored in its held sessions."""
    return Coalesce(
        Subquery(
            SessionHalf.objects.filter(
                session__partnership=OuterRef("pk"), session__status=SessionStatus.HELD, mentor=OuterRef(member)
            )
            .order_by()
            .values("session__partnership")
            .annotate(total=Sum("actual_minutes"))
            .values("total")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _pairs_with_figures(cohort_ids: list[int], expected: dict[int, int]):
    """Each pair with its held sessions, each member's mentoring minutes and seniority, and the derived figures.

    Only numbers: the aggregate queries below group and count these, never listing a pair.
    """
    held_count = Coalesce(
        Subquery(
            Session.objects.filter(partnership=OuterRef("pk"), status=SessionStatus.HELD)
            .order_by()
            .values("partnership")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    return (
        Partnership.objects.filter(cohort_id__in=cohort_ids)
        .annotate(
            held=held_count,
            a_min=_minutes_per_pair("member_a"),
            b_min=_minutes_per_pair("member_b"),
            a_band=F("member_a__profile__seniority"),
            b_band=F("member_b__profile__seniority"),
            expected=Case(
                *[When(cohort_id=pk, then=Value(n)) for pk, n in expected.items()],
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            total_min=F("a_min") + F("b_min"),
            # The larger partner's minutes times 100, to compare with a share of the total in whole numbers.
            larger_pc=Greatest("a_min", "b_min") * 100,
            junior_min=Case(
                When(a_band__lt=F("b_band"), then=F("a_min")),
                When(b_band__lt=F("a_band"), then=F("b_min")),
                default=None,
                output_field=IntegerField(),
            ),
        )
    )


def _share_between(low: int, high: int) -> Q:
    """The larger partner mentored more than ``low`` % (50 % included) and at most ``high`` % of the minutes."""
    lower = Q(larger_pc__gte=F("total_min") * low) if low == 50 else Q(larger_pc__gt=F("total_min") * low)
    return Q(total_min__gt=0) & lower & Q(larger_pc__lte=F("total_min") * high)


def build_report(cohorts: Iterable[Cohort], *, today: datetime.date | None = None) -> Report:
    """The report of the given cohorts (one cohort, or every cohort of a program).

    Queries (12, whatever the number of people, pairs and sessions):
    0. when each cohort's first pair was published (for the sessions the cadence expects);
    1. enrollments grouped by status, department, seniority band and whether the person was matched;
    2. the pairs' figures in one aggregate (counts, pace, balance buckets, reverse mentoring);
    3. reverse mentoring grouped by the senior partner's band;
    4. sessions grouped by status, not-held reason and late cancellation;
    5. held minutes grouped by the mentor's and the mentee's department and band;
    6. check-ins grouped by rating (count and distinct authors);  7. distinct check-in authors;
    8. check-ins by the author's department;  9. by the author's band;
    10. skills of held halves' topics;  11. the skills each pair set out to exchange (the match's lists).
    """
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

    # 1. Participation: small grouped counts; departments and bands are rolled up from the same rows.
    matched = Exists(
        Partnership.objects.filter(cohort_id=OuterRef("cohort_id")).filter(
            Q(member_a_id=OuterRef("user_id")) | Q(member_b_id=OuterRef("user_id"))
        )
    )
    enrollment_rows = list(
        Enrollment.objects.filter(cohort_id__in=ids)
        .annotate(
            dept=NullIf("user__profile__department", Value("")), band=F("user__profile__seniority"), matched=matched
        )
        .values("status", "dept", "band", "matched")
        .annotate(n=Count("pk"))
        .order_by()
    )
    enrollments = Counter()
    dept_people, band_people = Counter(), Counter()
    dept_matched, band_matched = Counter(), Counter()
    matched_people = 0
    for row in enrollment_rows:
        enrollments[row["status"]] += row["n"]
        if row["status"] in PARTICIPANT_STATUSES:
            dept, band = _dept(row["dept"]), row["band"]
            dept_people[dept] += row["n"]
            band_people[band] += row["n"]
        if row["matched"]:
            matched_people += row["n"]
            dept_matched[_dept(row["dept"])] += row["n"]
            band_matched[row["band"]] += row["n"]

    # 2. Pairs: one aggregate over the annotated pairs.
    pairs_qs = _pairs_with_figures(ids, expected)
    within = _share_between(50, BALANCE_WITHIN)
    agg = pairs_qs.aggregate(
        pairs=Count("pk"),
        active=Count("pk", filter=Q(status="active")),
        ended=Count("pk", filter=Q(status="ended")),
        one_way=Count("pk", filter=Q(is_one_way=True)),
        held_total=Coalesce(Sum("held"), 0),
        expected_total=Coalesce(Sum("expected"), 0),
        with_held=Count("pk", filter=Q(held__gt=0)),
        on_track=Count("pk", filter=Q(held__gt=0, held__gte=F("expected"))),
        behind=Count("pk", filter=Q(held__gt=0, held__lt=F("expected"))),
        minutes=Coalesce(Sum("total_min"), 0),
        **{f"bucket{i}": Count("pk", filter=_share_between(lo, hi)) for i, (_, lo, hi) in enumerate(BALANCE_BUCKETS)},
        within=Count("pk", filter=within),
        band_gap=Count("pk", filter=Q(a_band__isnull=False, b_band__isnull=False) & ~Q(a_band=F("b_band"))),
        reverse_pairs=Count("pk", filter=Q(junior_min__gt=0)),
        reverse_minutes=Coalesce(Sum("junior_min"), 0),
    )
    pairs = agg["pairs"]
    with_held = agg["with_held"]
    pace_cells = suppress(
        {
            "on": (agg["on_track"], agg["on_track"]),
            "behind": (agg["behind"], agg["behind"]),
            "none": (pairs - with_held, pairs - with_held),
        },
        threshold=MIN_PAIRS,
        unit="pairs",
    )
    pace = [
        Bar("On pace (held at least the sessions the cadence expects)", pace_cells["on"], None),
        Bar("Meeting, but behind the cadence", pace_cells["behind"], None),
        Bar("Not met yet", pace_cells["none"], None),
    ]
    bucket_cells = suppress(
        {i: (agg[f"bucket{i}"], agg[f"bucket{i}"]) for i in range(len(BALANCE_BUCKETS))},
        threshold=MIN_PAIRS,
        unit="pairs",
    )
    balance_buckets = [Bar(label, bucket_cells[i], None) for i, (label, _, _) in enumerate(BALANCE_BUCKETS)]
    for bars, whole in ((pace, pairs), (balance_buckets, with_held)):
        for bar in bars:
            bar.percent = percent(bar.count.value, whole) if bar.count.shown else None

    # 3. Reverse mentoring by the senior partner's band (the more senior partner of each pair with a gap).
    reverse_rows = (
        pairs_qs.filter(a_band__isnull=False, b_band__isnull=False)
        .exclude(a_band=F("b_band"))
        .values(senior=Greatest("a_band", "b_band"))
        .annotate(
            seniors=Count("pk"),
            learning=Count("pk", filter=Q(junior_min__gt=0)),
            minutes=Coalesce(Sum("junior_min"), 0),
        )
        .order_by("senior")
    )
    reverse_rows = list(reverse_rows)
    seniors = suppress({r["senior"]: (r["seniors"], r["seniors"]) for r in reverse_rows})
    learning = suppress({r["senior"]: (r["learning"], r["learning"]) for r in reverse_rows})
    reverse_minutes = suppress({r["senior"]: (r["minutes"], r["learning"]) for r in reverse_rows}, suffix=" min")
    reverse_by_band = []
    for r in reverse_rows:
        key = r["senior"]
        if seniors[key].suppressed:  # the band's few seniors: hide what they learned too
            learning[key] = Cell(learning[key].value, True)
            reverse_minutes[key] = Cell(reverse_minutes[key].value, True, suffix=" min")
        reverse_by_band.append(ReverseRow(_band_label(key), seniors[key], learning[key], reverse_minutes[key]))

    # 4. Sessions by outcome.
    sessions = Counter()
    for row in (
        Session.objects.filter(partnership__cohort_id__in=ids)
        .values("status", "not_held_reason", "cancelled_late")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        status, n = row["status"], row["n"]
        sessions[status] += n
        if status == SessionStatus.NOT_HELD:
            sessions[f"not_held_{row['not_held_reason'] or NotHeldReason.OTHER}"] += n
        if status == SessionStatus.CANCELLED and row["cancelled_late"]:
            sessions["cancelled_late"] += n
    sessions["upcoming"] = sessions[SessionStatus.PROPOSED] + sessions[SessionStatus.ACCEPTED]

    # 5. Minutes taught and learned by department and band (of the mentor and of the mentee).
    taught_dept, learned_dept, taught_band, learned_band = Counter(), Counter(), Counter(), Counter()
    for row in (
        SessionHalf.objects.filter(session__partnership__cohort_id__in=ids, session__status=SessionStatus.HELD)
        .values(
            "mentor__profile__department",
            "mentor__profile__seniority",
            "mentee__profile__department",
            "mentee__profile__seniority",
        )
        .annotate(minutes=Coalesce(Sum("actual_minutes"), 0))
        .order_by()
    ):
        taught_dept[_dept(row["mentor__profile__department"])] += row["minutes"]
        learned_dept[_dept(row["mentee__profile__department"])] += row["minutes"]
        taught_band[row["mentor__profile__seniority"]] += row["minutes"]
        learned_band[row["mentee__profile__seniority"]] += row["minutes"]

    # 6-9. Satisfaction: ratings only, never the written answers.
    checkins = CheckIn.objects.filter(session__partnership__cohort_id__in=ids)
    rating_rows = {
        r["usefulness"]: r
        for r in checkins.values("usefulness").annotate(n=Count("pk"), people=Count("author", distinct=True)).order_by()
    }
    checkin_count = sum(r["n"] for r in rating_rows.values())
    checkin_people = checkins.aggregate(people=Count("author", distinct=True))["people"]
    average = sum(k * r["n"] for k, r in rating_rows.items()) / checkin_count if checkin_count else None
    rating_cells = suppress(
        {
            k: (rating_rows[k]["n"] if k in rating_rows else 0, rating_rows.get(k, {}).get("people", 0))
            for k in range(5, 0, -1)
        }
    )
    usefulness = [
        Bar(
            f"{k} · {label}",
            rating_cells[k],
            percent(rating_cells[k].value, checkin_count) if rating_cells[k].shown else None,
        )
        for k, label in ((5, "very useful"), (4, "useful"), (3, "somewhat"), (2, "a little"), (1, "not useful"))
    ]
    dept_rating = {
        _dept(r["dept"]): r
        for r in checkins.annotate(dept=NullIf("author__profile__department", Value("")))
        .values("dept")
        .annotate(avg=Avg("usefulness"), people=Count("author", distinct=True))
        .order_by()
    }
    band_rating = {
        r["author__profile__seniority"]: r
        for r in checkins.values("author__profile__seniority")
        .annotate(avg=Avg("usefulness"), people=Count("author", distinct=True))
        .order_by()
    }

    def rows(keys, label, people, matched_, taught, learned, rating) -> list[GroupRow]:
        keys = list(keys)
        p = suppress({k: (people[k], people[k]) for k in keys})
        m = suppress({k: (matched_[k], matched_[k]) for k in keys})
        # Minutes describe the group's matched people: hidden with them.
        t = {k: Cell(taught[k], m[k].suppressed, suffix=" min") for k in keys}
        le = {k: Cell(learned[k], m[k].suppressed, suffix=" min") for k in keys}
        r = suppress(
            {
                k: (round(rating[k]["avg"], 1) if k in rating else None, rating[k]["people"] if k in rating else 0)
                for k in keys
            }
        )
        result = []
        for k in keys:
            if p[k].suppressed:
                # Everything else in the row describes some of these few people: hide it all.
                hidden = [Cell(c.value, True, c.threshold, c.unit, c.suffix) for c in (m[k], t[k], le[k], r[k])]
                result.append(GroupRow(label(k), p[k], *hidden))
            else:
                result.append(GroupRow(label(k), p[k], m[k], t[k], le[k], r[k]))
        return result

    departments = sorted(set(dept_people) | set(dept_matched), key=lambda d: (d == NOT_GIVEN, d.lower()))
    bands = sorted(set(band_people) | set(band_matched), key=lambda b: (b is None, b or 0))
    by_department = rows(departments, str, dept_people, dept_matched, taught_dept, learned_dept, dept_rating)
    by_band = rows(bands, _band_label, band_people, band_matched, taught_band, learned_band, band_rating)

    # 10. Skills in held sessions (halves whose topic is a catalogue skill).
    session_skill_rows = list(
        SessionHalf.objects.filter(session__partnership__cohort_id__in=ids, session__status=SessionStatus.HELD)
        .values("topic_skill__name")
        .annotate(
            halves=Count("pk"),
            pairs=Count("session__partnership", distinct=True),
            minutes=Coalesce(Sum("actual_minutes"), 0),
        )
        .order_by("-pairs", "-minutes", "topic_skill__name")
    )
    free_text_halves = sum(r["halves"] for r in session_skill_rows if r["topic_skill__name"] is None)
    named = [r for r in session_skill_rows if r["topic_skill__name"] is not None]
    shown = [r for r in named if r["pairs"] >= MIN_PAIRS][:TOP_SKILLS]
    session_skills = [
        SkillRow(r["topic_skill__name"], Cell(r["pairs"], unit="pairs"), Cell(r["minutes"], suffix=" min"))
        for r in shown
    ]
    session_skills_hidden = sum(1 for r in named if r["pairs"] < MIN_PAIRS)

    # 11. What the matches set out to exchange: the JSON lists are counted here, one pair at a time.
    skill_pairs: Counter[str] = Counter()
    for a_teaches_b, b_teaches_a in Partnership.objects.filter(cohort_id__in=ids).values_list(
        "a_teaches_b", "b_teaches_a"
    ):
        skill_pairs.update({str(s) for s in [*(a_teaches_b or []), *(b_teaches_a or [])]})
    planned = sorted(skill_pairs.items(), key=lambda kv: (-kv[1], kv[0].lower()))
    planned_skills = [SkillRow(name, Cell(n, unit="pairs")) for name, n in planned if n >= MIN_PAIRS][:TOP_SKILLS]
    planned_skills_hidden = sum(1 for _, n in planned if n < MIN_PAIRS)

    band_gap = agg["band_gap"]
    # Within and beyond 60/40 split the pairs in two: a small side hides both (one would give the other away).
    balance_split = suppress(
        {"within": (agg["within"], agg["within"]), "beyond": (with_held - agg["within"], with_held - agg["within"])},
        threshold=MIN_PAIRS,
        unit="pairs",
    )
    reverse_split = suppress(
        {
            "yes": (agg["reverse_pairs"], agg["reverse_pairs"]),
            "no": (band_gap - agg["reverse_pairs"], band_gap - agg["reverse_pairs"]),
        },
        threshold=MIN_PAIRS,
        unit="pairs",
    )
    report = Report(
        cohorts=cohorts,
        enrollments={s.value: enrollments[s.value] for s in EnrollmentStatus},
        participants=sum(enrollments[s] for s in PARTICIPANT_STATUSES),
        matched_people=matched_people,
        pairs=pairs,
        pairs_active=agg["active"],
        pairs_ended=agg["ended"],
        pairs_one_way=agg["one_way"],
        by_department=by_department,
        by_band=by_band,
        sessions=dict(sessions),
        held_minutes=agg["minutes"],
        held_per_pair=round(agg["held_total"] / pairs, 1) if pairs else None,
        expected_per_pair=round(agg["expected_total"] / pairs, 1) if pairs else None,
        pace=pace,
        pairs_with_held=with_held,
        pairs_within_balance=balance_split["within"],
        within_balance_percent=Cell(
            percent(agg["within"], with_held), balance_split["within"].suppressed, MIN_PAIRS, "pairs", " %"
        ),
        balance_buckets=balance_buckets,
        checkins=checkin_count,
        checkin_people=checkin_people,
        average_usefulness=cell(round(average, 1) if average is not None else None, checkin_people),
        usefulness=usefulness,
        planned_skills=planned_skills,
        planned_skills_hidden=planned_skills_hidden,
        session_skills=session_skills,
        session_skills_hidden=session_skills_hidden,
        free_text_halves=free_text_halves,
        pairs_with_band_gap=band_gap,
        reverse_pairs=reverse_split["yes"],
        reverse_minutes=Cell(agg["reverse_minutes"], reverse_split["yes"].suppressed, MIN_PAIRS, "pairs", " min"),
        reverse_share=Cell(
            percent(agg["reverse_pairs"], band_gap), reverse_split["yes"].suppressed, MIN_PAIRS, "pairs", " %"
        ),
        reverse_by_band=reverse_by_band,
    )
    report.suppressed_anything = _any_suppressed(report)
    return report


def _any_suppressed(report: Report) -> bool:
    cells = [
        report.pairs_within_balance,
        report.average_usefulness,
        report.reverse_pairs,
        report.reverse_share,
        *(bar.count for bar in [*report.pace, *report.balance_buckets, *report.usefulness]),
        *(c for row in [*report.by_department, *report.by_band] for c in vars(row).values() if isinstance(c, Cell)),
        *(c for row in report.reverse_by_band for c in (row.seniors, row.learning, row.minutes)),
    ]
    return any(c.suppressed for c in cells) or bool(report.planned_skills_hidden or report.session_skills_hidden)


# --- The reports index -------------------------------------------------------------------------------


@dataclass
class CohortHeadline:
    cohort: Cohort
    participants: int
    pairs: int
    held: int
    average_usefulness: Cell


def programs_with_headlines() -> list[tuple[Program, list[CohortHeadline]]]:
    """Every program with its cohorts and each cohort's headline figures.

    Queries: 6 (programs, their cohorts, then participants, pairs, held sessions and ratings grouped by cohort).
    """
    programs = list(Program.objects.prefetch_related("cohorts"))
    participants = dict(
        Enrollment.objects.filter(status__in=PARTICIPANT_STATUSES)
        .values_list("cohort_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    pairs = dict(Partnership.objects.values_list("cohort_id").annotate(n=Count("pk")).order_by())
    held = dict(
        Session.objects.filter(status=SessionStatus.HELD)
        .values_list("partnership__cohort_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    ratings = {
        r["session__partnership__cohort_id"]: r
        for r in CheckIn.objects.values("session__partnership__cohort_id")
        .annotate(avg=Avg("usefulness"), people=Count("author", distinct=True))
        .order_by()
    }
    result = []
    for program in programs:
        headlines = []
        for cohort in program.cohorts.all():
            r = ratings.get(cohort.pk)
            headlines.append(
                CohortHeadline(
                    cohort=cohort,
                    participants=participants.get(cohort.pk, 0),
                    pairs=pairs.get(cohort.pk, 0),
                    held=held.get(cohort.pk, 0),
                    average_usefulness=cell(round(r["avg"], 1), r["people"]) if r else Cell(None),
                )
            )
        result.append((program, headlines))
    return result


# --- CSV ------------------------------------------------------------------------------------------------


def csv_value(value) -> str:
    if isinstance(value, Cell):
        if value.suppressed:
            return value.text
        return "" if value.value is None else str(value.value)
    return "" if value is None else str(value)


def report_rows(report: Report) -> list[list[str]]:
    """The report's tables as rows of (section, group, measure, value): what the CSV export writes."""
    rows: list[list] = [
        ["Participation", "Enrollments", s.label, report.enrollments[s.value]] for s in EnrollmentStatus
    ]
    rows += [
        ["Participation", "All", "Participants (approved or alumni)", report.participants],
        ["Participation", "All", "Matched people", report.matched_people],
        ["Participation", "All", "Pairs", report.pairs],
        ["Participation", "All", "Pairs active", report.pairs_active],
        ["Participation", "All", "Pairs ended", report.pairs_ended],
    ]
    for section, group_rows in (("By department", report.by_department), ("By seniority band", report.by_band)):
        for row in group_rows:
            rows += [
                [section, row.label, "Participants", row.participants],
                [section, row.label, "Matched people", row.matched],
                [section, row.label, "Minutes taught", row.minutes_taught],
                [section, row.label, "Minutes learned", row.minutes_learned],
                [section, row.label, "Average usefulness (1-5)", row.average_usefulness],
            ]
    rows += [["Sessions", "All", label, report.sessions.get(key, 0)] for key, label in SESSION_MEASURES]
    rows += [
        ["Sessions", "All", "Minutes in held sessions", report.held_minutes],
        ["Sessions", "All", "Held sessions per pair", report.held_per_pair],
        ["Sessions", "All", "Expected per pair at the cadence", report.expected_per_pair],
    ]
    rows += [["Sessions", "Pace", bar.label, bar.count] for bar in report.pace]
    rows += [
        ["Teaching balance", "All", "Pairs with held sessions", report.pairs_with_held],
        ["Teaching balance", "All", "Pairs within 60/40", report.pairs_within_balance],
    ]
    rows += [["Teaching balance", "Larger partner's share", bar.label, bar.count] for bar in report.balance_buckets]
    rows += [
        ["Satisfaction", "All", "Check-ins", report.checkins],
        ["Satisfaction", "All", "Average usefulness (1-5)", report.average_usefulness],
    ]
    rows += [["Satisfaction", "Rating", bar.label, bar.count] for bar in report.usefulness]
    rows += [["Skills exchanged", "Planned by the match (pairs)", s.name, s.pairs] for s in report.planned_skills]
    rows += [["Skills exchanged", "In held sessions (pairs)", s.name, s.pairs] for s in report.session_skills]
    rows += [
        ["Reverse mentoring", "All", "Pairs with a seniority gap", report.pairs_with_band_gap],
        ["Reverse mentoring", "All", "Pairs where the junior partner mentored", report.reverse_pairs],
        ["Reverse mentoring", "All", "Minutes the junior partner mentored", report.reverse_minutes],
        ["Reverse mentoring", "All", "Seniors learning from a junior partner (%)", report.reverse_share],
    ]
    for row in report.reverse_by_band:
        rows += [
            ["Reverse mentoring", row.band, "Senior partners", row.seniors],
            ["Reverse mentoring", row.band, "Learning from a junior partner", row.learning],
            ["Reverse mentoring", row.band, "Minutes", row.minutes],
        ]
    return [[csv_value(v) for v in r] for r in rows]


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
