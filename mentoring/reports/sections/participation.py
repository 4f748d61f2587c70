"""Participation: enrollments by status, participants, people matched and pairs; and by department and by seniority
band, each group's participants, matched people, minutes taught and learned and average check-in rating.

Queries (4, whatever the number of people, pairs and sessions): enrollments grouped by status, department, band and
whether the person was matched; held minutes grouped by the mentor's and the mentee's department and band; check-in
ratings grouped by the author's department and band; the pairs counted by state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from accounts.models import SeniorityBand
from mentoring.partnerships.models import Partnership, PartnershipStatus
from mentoring.programs.models import PARTICIPANT_STATUSES, Cohort, Enrollment, EnrollmentStatus
from mentoring.reports.suppression import Cell, Follows, Total, activity, people, suppress
from sessions_log.models import CheckIn, SessionHalf, SessionStatus

NOT_GIVEN = "Not given"


def department(value: str | None) -> str:
    return (value or "").strip() or NOT_GIVEN


def band_label(band: int | None) -> str:
    return SeniorityBand(band).label if band in SeniorityBand.values else NOT_GIVEN


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
        """The group is too small (or hidden with one) to show anything but its name."""
        return self.participants.suppressed


@dataclass
class Participation:
    enrollments: dict[str, Cell]  # by enrollment status, in EnrollmentStatus order
    participants: Cell
    matched_people: Cell
    pairs: Cell
    pairs_active: Cell
    pairs_ended: Cell
    pairs_one_way: Cell
    # The minutes the groups taught add up to the minutes held (which the sessions section shows).
    held_minutes: Cell
    by_department: list[GroupRow]
    by_band: list[GroupRow]
    relations: list = field(default_factory=list, repr=False)


@dataclass
class Headcount:
    """Enrollments by status, and participants and matched people by department and by band."""

    statuses: Counter = field(default_factory=Counter)
    dept_people: Counter = field(default_factory=Counter)
    band_people: Counter = field(default_factory=Counter)
    dept_matched: Counter = field(default_factory=Counter)
    band_matched: Counter = field(default_factory=Counter)
    matched: int = 0

    def add(self, row: dict) -> None:
        n, dept, band = row["n"], department(row["dept"]), row["band"]
        self.statuses[row["status"]] += n
        if row["status"] in PARTICIPANT_STATUSES:
            self.dept_people[dept] += n
            self.band_people[band] += n
        if row.get("matched"):
            self.matched += n
            self.dept_matched[dept] += n
            self.band_matched[band] += n

    @property
    def participants(self) -> int:
        return sum(self.statuses[s] for s in PARTICIPANT_STATUSES)


def enrollment_rows(enrollments: QuerySet, *group_by: str, **annotations) -> QuerySet:
    """Enrollments counted by status, department and band (and ``group_by``): never a name."""
    return (
        enrollments.annotate(
            dept=NullIf("user__profile__department", Value("")), band=F("user__profile__seniority"), **annotations
        )
        .values(*group_by, "status", "dept", "band", *annotations)
        .annotate(n=Count("pk"))
        .order_by()
    )


@dataclass
class _Column:
    """One column of the group tables: a cell per group and the total they add up to."""

    total: Cell
    by_department: dict
    by_band: dict

    def sums(self) -> list[Total]:
        return [Total(self.total, list(self.by_department.values())), Total(self.total, list(self.by_band.values()))]


def _participants(count: Headcount, departments: Iterable, bands: Iterable) -> tuple[dict[str, Cell], _Column, list]:
    statuses = {s.value: activity(count.statuses[s.value]) for s in EnrollmentStatus}
    column = _Column(
        activity(count.participants),
        {d: people(count.dept_people[d]) for d in departments},
        {b: people(count.band_people[b]) for b in bands},
    )
    return statuses, column, [*column.sums(), Total(column.total, [statuses[s] for s in PARTICIPANT_STATUSES])]


def participants_shown(count: Headcount) -> Cell:
    """The participants total as the cohort's report shows it: for the reports index."""
    _, column, relations = _participants(count, _departments(count.dept_people), _bands(count.band_people))
    suppress(relations)
    return column.total


def _departments(*counters: Counter) -> list[str]:
    return sorted(set().union(*counters), key=lambda d: (d == NOT_GIVEN, d.lower()))


def _bands(*counters: Counter) -> list:
    return sorted(set().union(*counters), key=lambda b: (b is None, b or 0))


def participation(cohorts: Iterable[Cohort]) -> Participation:
    ids = [c.pk for c in cohorts]
    matched = Exists(
        Partnership.objects.filter(cohort_id=OuterRef("cohort_id")).filter(
            Q(member_a_id=OuterRef("user_id")) | Q(member_b_id=OuterRef("user_id"))
        )
    )
    count = Headcount()
    for row in enrollment_rows(Enrollment.objects.filter(cohort_id__in=ids), matched=matched):
        count.add(row)

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
        taught_dept[department(row["mentor__profile__department"])] += row["minutes"]
        learned_dept[department(row["mentee__profile__department"])] += row["minutes"]
        taught_band[row["mentor__profile__seniority"]] += row["minutes"]
        learned_band[row["mentee__profile__seniority"]] += row["minutes"]

    # Ratings only, never the written answers. A person has one department and one band, so the raters of each
    # (department, band) add up to the raters of the department and of the band.
    ratings_dept, ratings_band = Counter(), Counter()
    for row in (
        CheckIn.objects.filter(session__partnership__cohort_id__in=ids)
        .annotate(dept=NullIf("author__profile__department", Value("")), band=F("author__profile__seniority"))
        .values("dept", "band")
        .annotate(total=Sum("usefulness"), n=Count("pk"), raters=Count("author", distinct=True))
        .order_by()
    ):
        for counter, key in ((ratings_dept, department(row["dept"])), (ratings_band, row["band"])):
            counter[key, "total"] += row["total"]
            counter[key, "n"] += row["n"]
            counter[key, "raters"] += row["raters"]

    pair_counts = Partnership.objects.filter(cohort_id__in=ids).aggregate(
        pairs=Count("pk"),
        active=Count("pk", filter=Q(status=PartnershipStatus.ACTIVE)),
        ended=Count("pk", filter=Q(status=PartnershipStatus.ENDED)),
        one_way=Count("pk", filter=Q(is_one_way=True)),
    )

    departments = _departments(count.dept_people, count.dept_matched, taught_dept, learned_dept)
    bands = _bands(count.band_people, count.band_matched, taught_band, learned_band)
    statuses, participants, relations = _participants(count, departments, bands)
    held_minutes = activity(sum(taught_dept.values()))
    matched_column = _Column(
        activity(count.matched),
        {d: people(count.dept_matched[d]) for d in departments},
        {b: people(count.band_matched[b]) for b in bands},
    )
    relations += matched_column.sums()

    def rows(keys, label, which, taught, learned, ratings) -> list[GroupRow]:
        result = []
        for key in keys:
            raters = ratings[key, "raters"]
            average = round(ratings[key, "total"] / ratings[key, "n"], 1) if ratings[key, "n"] else None
            row = GroupRow(
                label(key),
                getattr(participants, which)[key],
                getattr(matched_column, which)[key],
                activity(taught[key], suffix=" min"),
                activity(learned[key], suffix=" min"),
                people(average, raters),
            )
            # Minutes describe the group's matched people; everything in the row describes its participants.
            relations.append(Follows([row.minutes_taught, row.minutes_learned], [row.matched]))
            relations.append(
                Follows(
                    [row.matched, row.minutes_taught, row.minutes_learned, row.average_usefulness], [row.participants]
                )
            )
            result.append(row)
        relations.append(Total(held_minutes, [r.minutes_taught for r in result]))
        relations.append(Total(held_minutes, [r.minutes_learned for r in result]))
        return result

    by_department = rows(departments, str, "by_department", taught_dept, learned_dept, ratings_dept)
    by_band = rows(bands, band_label, "by_band", taught_band, learned_band, ratings_band)
    result = Participation(
        enrollments=statuses,
        participants=participants.total,
        matched_people=matched_column.total,
        pairs=activity(pair_counts["pairs"]),
        pairs_active=activity(pair_counts["active"]),
        pairs_ended=activity(pair_counts["ended"]),
        pairs_one_way=activity(pair_counts["one_way"]),
        held_minutes=held_minutes,
        by_department=by_department,
        by_band=by_band,
        relations=relations,
    )
    suppress(relations)
    return result


def csv_rows(p: Participation) -> list[list]:
    rows: list[list] = [["Participation", "Enrollments", s.label, p.enrollments[s.value]] for s in EnrollmentStatus]
    rows += [
        ["Participation", "All", "Participants (approved or alumni)", p.participants],
        ["Participation", "All", "Matched people", p.matched_people],
        ["Participation", "All", "Pairs", p.pairs],
        ["Participation", "All", "Pairs active", p.pairs_active],
        ["Participation", "All", "Pairs ended", p.pairs_ended],
    ]
    for section, group_rows in (("By department", p.by_department), ("By seniority band", p.by_band)):
        for row in group_rows:
            rows += [
                [section, row.label, "Participants", row.participants],
                [section, row.label, "Matched people", row.matched],
                [section, row.label, "Minutes taught", row.minutes_taught],
                [section, row.label, "Minutes learned", row.minutes_learned],
                [section, row.label, "Average usefulness (1-5)", row.average_usefulness],
            ]
    return rows
