"""Program reports for leaders and the program team: aggregates only, computed in the database.

A report covers one cohort, or a program rolled up across its cohorts (the same sections with more cohorts). It
never reads names, notes, check-in text, agreement text or goal titles: every query selects counts, sums, averages
and the group labels (department, seniority band, skill name) they are grouped by.

Each section (``mentoring/reports/sections/``) runs its own few queries and protects its own tables; ``build_report``
puts them together and adds what ties one section's figures to another's, so that the small-group suppression
(``mentoring/reports/suppression.py``) sees every sum a reader could use. The pages, the CSV and any chart read the
same cells, so they all show the same figures and hide the same ones.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort, Enrollment, Program
from mentoring.reports.sections import balance, participation, reverse_mentoring, satisfaction, sessions, skills
from mentoring.reports.sections.pairs import pair_figures
from mentoring.reports.suppression import Cell, Follows, activity, cells_of, csv_value, same, suppress
from sessions_log.models import CheckIn, Session, SessionStatus


@dataclass
class Report:
    cohorts: list[Cohort]
    participation: participation.Participation
    sessions: sessions.Sessions
    balance: balance.Balance
    satisfaction: satisfaction.Satisfaction
    skills: skills.Skills
    reverse: reverse_mentoring.ReverseMentoring

    @property
    def is_program(self) -> bool:
        return len(self.cohorts) != 1

    @property
    def sections(self) -> list:
        return [self.participation, self.sessions, self.balance, self.satisfaction, self.skills, self.reverse]

    @property
    def suppressed_anything(self) -> bool:
        return any(cell.suppressed for cell in cells_of(self.sections)) or bool(
            self.skills.planned_hidden or self.skills.in_sessions_hidden
        )


def build_report(cohorts: Iterable[Cohort], *, today: datetime.date | None = None) -> Report:
    """The report of the given cohorts (one cohort, or every cohort of a program).

    Queries (10, whatever the number of people, pairs and sessions): each pair's figures 1 (shared by sessions,
    teaching balance and reverse mentoring), participation 4, sessions 2, satisfaction 1, skills 2 (each
    section's docstring names them).
    """
    cohorts = list(cohorts)
    figures = pair_figures(c.pk for c in cohorts)
    report = Report(
        cohorts=cohorts,
        participation=participation.participation(cohorts),
        sessions=sessions.sessions(cohorts, today=today, figures=figures),
        balance=balance.balance(cohorts, figures),
        satisfaction=satisfaction.satisfaction(cohorts),
        skills=skills.skills(cohorts),
        reverse=reverse_mentoring.reverse_mentoring(cohorts, figures),
    )
    suppress([*_links(report), *(relation for section in report.sections for relation in section.relations)])
    return report


def _links(report: Report) -> list:
    """What ties one section's figures to another's.

    The same figure in two sections is hidden in both or neither; and a group's average rating is hidden while the
    satisfaction table hides a rating, or a new check-in whose rating falls in that hidden cell would still move the
    average of its author's department and band, and tell the rating.
    """
    p, s = report.participation, report.sessions
    return [
        *same(p.held_minutes, s.held_minutes),
        *same(p.pairs, s.pairs),
        *same(s.pairs_with_held, report.balance.pairs_with_held),
        Follows([row.average_usefulness for row in [*p.by_department, *p.by_band]], report.satisfaction.ratings),
    ]


def report_rows(report: Report) -> list[list[str]]:
    """The report's tables as rows of (section, group, measure, value): what the CSV export writes."""
    rows = [
        *participation.csv_rows(report.participation),
        *sessions.csv_rows(report.sessions),
        *balance.csv_rows(report.balance),
        *satisfaction.csv_rows(report.satisfaction),
        *skills.csv_rows(report.skills),
        *reverse_mentoring.csv_rows(report.reverse),
    ]
    return [[csv_value(v) for v in row] for row in rows]


# --- The reports index -------------------------------------------------------------------------------


@dataclass
class CohortHeadline:
    cohort: Cohort
    participants: Cell
    pairs: int
    held: int
    average_usefulness: Cell


def programs_with_headlines() -> list[tuple[Program, list[CohortHeadline]]]:
    """Every program with its cohorts and each cohort's headline figures, hidden as the cohort's report hides them.

    Queries: 6 (programs, their cohorts, then enrollments, pairs, held sessions and ratings grouped by cohort).
    """
    programs = list(Program.objects.prefetch_related("cohorts"))
    headcounts = defaultdict(participation.Headcount)
    for row in participation.enrollment_rows(Enrollment.objects.all(), "cohort_id"):
        headcounts[row["cohort_id"]].add(row)
    pairs = dict(Partnership.objects.values_list("cohort_id").annotate(n=Count("pk")).order_by())
    held = dict(
        Session.objects.filter(status=SessionStatus.HELD)
        .values_list("partnership__cohort_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    ratings = {
        row["session__partnership__cohort_id"]: row
        for row in CheckIn.objects.values("session__partnership__cohort_id")
        .annotate(**satisfaction.rating_counts())
        .order_by()
    }
    return [
        (
            program,
            [
                CohortHeadline(
                    cohort=cohort,
                    participants=participation.participants_shown(headcounts[cohort.pk]),
                    pairs=pairs.get(cohort.pk, 0),
                    held=held.get(cohort.pk, 0),
                    average_usefulness=(
                        satisfaction.from_counts(ratings[cohort.pk]).average_usefulness
                        if cohort.pk in ratings
                        else activity(None)
                    ),
                )
                for cohort in program.cohorts.all()
            ],
        )
        for program in programs
    ]
