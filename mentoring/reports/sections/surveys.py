"""Survey results in the program reports: the mid-point and end surveys as aggregates, computed in the database.

Like the rest of the reports nothing here shows one person's answers: every figure is a count, a share or an
average, and the rules of ``mentoring.reports.suppression`` apply. A distribution's cell describing fewer than
``MIN_PEOPLE`` people (none included) is not shown, with a complement; the recommendation groups add up to the
answers, and each group to its scores; an average (and the NPS) is hidden when fewer than ``MIN_PEOPLE`` people
answered or when its distribution has a hidden cell; a skill's growth appears once ``MIN_PEOPLE`` people rated it.
Comments reach program admins only, without names, sorted by their text, and only from a survey at least
``MIN_PEOPLE`` people answered.

A cohort's results (or a program's, rolled up by kind across its cohorts) cost 3 queries whatever the number of
people and answers, plus one for the comments when a program admin reads them (see ``survey_results``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from mentoring.core.privacy import MIN_PEOPLE
from mentoring.programs.models import Cohort
from mentoring.reports.suppression import Bar, Cell, Follows, Total, activity, cells_of, csv_value, people, suppress
from mentoring.surveys.models import (
    ASSESSMENT_STATEMENTS,
    Assessment,
    AssessmentKind,
    AssessmentResponse,
    AssessmentSkillRating,
    LikertAnswer,
)
from mentoring.surveys.selectors import rate, with_response_counts

# (key, label, lowest score, highest score): the Net Promoter Score's three groups.
NPS_GROUPS = (
    ("promoters", "Promoters (9–10)", 9, 10),
    ("passives", "Passives (7–8)", 7, 8),
    ("detractors", "Detractors (0–6)", 0, 6),
)
LEVELS = " levels"


@dataclass
class StatementRow:
    statement: str
    average: Cell
    answers: list[Cell]  # how many chose 1 (strongly disagree) ... 5 (strongly agree)


@dataclass
class SkillGrowthRow:
    name: str
    people: Cell
    start: Cell
    now: Cell
    growth: Cell


@dataclass
class SurveyResult:
    """One kind of survey (mid-point or end) across the report's cohorts."""

    kind: str
    label: str
    surveys: list[Assessment]
    asked: int = 0
    answered: Cell = field(default_factory=lambda: activity(0))
    nps: Cell = field(default_factory=lambda: activity(None))
    nps_groups: list[Bar] = field(default_factory=list)
    nps_scores: list[Bar] = field(default_factory=list)
    statements: list[StatementRow] = field(default_factory=list)
    rated_people: int = 0
    ratings: int = 0
    start: Cell = field(default_factory=lambda: activity(None))
    now: Cell = field(default_factory=lambda: activity(None))
    growth: Cell = field(default_factory=lambda: activity(None))
    skills: list[SkillGrowthRow] = field(default_factory=list)
    skills_hidden: int = 0
    comments: list[str] | None = None  # None: this reader does not get comments
    comments_withheld: int = 0  # comments from surveys fewer than MIN_PEOPLE people answered
    relations: list = field(default_factory=list, repr=False)

    @property
    def opened(self) -> list[Assessment]:
        return [s for s in self.surveys if s.has_opened]

    @property
    def rate(self) -> int | None:
        return rate(self.answered.value, self.asked) if self.answered.shown else None

    @property
    def suppressed_anything(self) -> bool:
        return any(c.suppressed for c in cells_of(self)) or bool(self.skills_hidden)


def _average(total: int, n: int) -> float | None:
    return round(total / n, 1) if n else None


def survey_results(
    cohorts: Iterable[Cohort], *, today: datetime.date | None = None, with_comments: bool = False
) -> list[SurveyResult]:
    """The mid-point and end results of the given cohorts (one cohort, or every cohort of a program).

    Queries (3, whatever the number of people and answers; 4 with the comments):
    1. the cohorts' surveys with who was asked and who answered;
    2. every answer counted in one grouped aggregate (per kind: responses, each NPS score, each statement's
       five answers, and respondents who rated a skill);
    3. skill ratings grouped by kind and skill (count, sum of starting levels, sum of levels now);
    4. for program admins: the comments of surveys that enough people answered.
    """
    ids = [c.pk for c in cohorts]
    today = today or timezone.localdate()
    surveys = list(with_response_counts(Assessment.objects.filter(cohort_id__in=ids)).order_by("opens_on", "pk"))
    results = {
        kind.value: SurveyResult(kind.value, kind.label, [s for s in surveys if s.kind == kind.value])
        for kind in AssessmentKind
    }
    for survey in surveys:
        if survey.opens_on <= today:
            results[survey.kind].asked += survey.asked
            results[survey.kind].answered.value += survey.answered

    # 2. The answers: one conditional count per NPS score and per statement and answer.
    responses = AssessmentResponse.objects.filter(assessment__cohort_id__in=ids, assessment__opens_on__lte=today)
    counts = {
        row["assessment__kind"]: row
        for row in responses.values("assessment__kind")
        .annotate(
            n=Count("pk"),
            rated=Count("pk", filter=Q(Exists(AssessmentSkillRating.objects.filter(response_id=OuterRef("pk"))))),
            **{f"nps_{score}": Count("pk", filter=Q(nps=score)) for score in range(11)},
            **{
                f"{name}_{answer}": Count("pk", filter=Q(**{name: answer}))
                for name, _ in ASSESSMENT_STATEMENTS
                for answer in LikertAnswer.values
            },
        )
        .order_by()
    }
    for kind, row in counts.items():
        _answers(results[kind], row)

    # 3. Skill growth: where people stand now against where they started, per skill.
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in (
        AssessmentSkillRating.objects.filter(
            response__assessment__cohort_id__in=ids, response__assessment__opens_on__lte=today
        )
        .values("response__assessment__kind", "skill__name")
        .annotate(n=Count("pk"), start=Sum("start_level"), now=Sum("level"))
        .order_by()
    ):
        by_kind[row["response__assessment__kind"]].append(row)
    for kind, rows in by_kind.items():
        _growth(results[kind], rows)
    for result in results.values():
        suppress(result.relations)

    # 4. Comments: the text only, never who wrote it or when; sorted by the text itself.
    if with_comments:
        enough = {s.pk for s in surveys if s.answered >= MIN_PEOPLE}
        for result in results.values():
            result.comments = []
        for survey_id, kind, comment in (
            responses.exclude(comment="")
            .order_by("comment", "pk")
            .values_list("assessment_id", "assessment__kind", "comment")
        ):
            if survey_id in enough:
                results[kind].comments.append(comment)
            else:
                results[kind].comments_withheld += 1
    return [results[kind.value] for kind in AssessmentKind]


def _answers(result: SurveyResult, row: dict) -> None:
    n, answered = row["n"], result.answered
    result.rated_people = row["rated"]
    scores = {score: people(row[f"nps_{score}"]) for score in range(11)}
    groups = {key: people(sum(scores[s].value for s in range(low, high + 1))) for key, _, low, high in NPS_GROUPS}
    nps = round(100 * (groups["promoters"].value - groups["detractors"].value) / n) if n else None
    result.nps = people(nps, n, signed=True)
    result.nps_groups = [Bar(label, groups[key], n) for key, label, _, _ in NPS_GROUPS]
    result.nps_scores = [Bar(str(score), scores[score], n) for score in range(10, -1, -1)]
    # The groups add up to the answers and each group to its scores; the score is computed from the groups.
    result.relations += [
        Total(answered, list(groups.values())),
        Total(answered, list(scores.values())),
        *(Total(groups[key], [scores[s] for s in range(low, high + 1)]) for key, _, low, high in NPS_GROUPS),
        Follows([result.nps], list(groups.values())),
    ]
    for name, statement in ASSESSMENT_STATEMENTS:
        answers = {answer: row[f"{name}_{answer}"] for answer in LikertAnswer.values}
        total = sum(answers.values())
        cells = [people(answers[a]) for a in LikertAnswer.values]
        average = people(_average(sum(a * c for a, c in answers.items()), total), total)
        result.statements.append(StatementRow(statement, average, cells))
        result.relations += [Total(answered, cells), Follows([average], cells)]


def _growth(result: SurveyResult, rows: list[dict]) -> None:
    ratings = sum(r["n"] for r in rows)
    start, now = sum(r["start"] for r in rows), sum(r["now"] for r in rows)
    raters = result.rated_people
    result.ratings = ratings
    result.start = people(_average(start, ratings), raters)
    result.now = people(_average(now, ratings), raters)
    result.growth = people(_average(now - start, ratings), raters, signed=True, suffix=LEVELS)
    shown = sorted((r for r in rows if r["n"] >= MIN_PEOPLE), key=lambda r: (-r["n"], r["skill__name"].lower()))
    result.skills = [
        SkillGrowthRow(
            r["skill__name"],
            people(r["n"]),
            activity(_average(r["start"], r["n"])),
            activity(_average(r["now"], r["n"])),
            activity(_average(r["now"] - r["start"], r["n"]), signed=True, suffix=LEVELS),
        )
        for r in shown
    ]
    result.skills_hidden = len(rows) - len(shown)


# --- CSV ------------------------------------------------------------------------------------------------


def survey_rows(results: list[SurveyResult]) -> list[list[str]]:
    """The survey results as rows of (section, group, measure, value) for the report's CSV. Never comments."""
    rows: list[list] = []
    for result in results:
        if not result.opened:
            continue
        section = result.label
        rows += [
            [section, "All", "Participants asked", result.asked],
            [section, "All", "Answered", result.answered],
            [section, "All", "Response rate (%)", result.rate],
            [section, "All", "Net Promoter Score (-100 to 100)", result.nps],
        ]
        rows += [[section, "Recommendation groups", bar.label, bar.count] for bar in result.nps_groups]
        rows += [[section, "Recommendation score (0-10)", bar.label, bar.count] for bar in result.nps_scores]
        for row in result.statements:
            rows.append([section, row.statement, "Average (1-5)", row.average])
            rows += [
                [section, row.statement, label, count]
                for (_, label), count in zip(LikertAnswer.choices, row.answers, strict=True)
            ]
        rows += [
            [section, "Skill growth, all skills", "People who rated a skill", result.rated_people],
            [section, "Skill growth, all skills", "Average level at the start (1-5)", result.start],
            [section, "Skill growth, all skills", "Average level now (1-5)", result.now],
            [section, "Skill growth, all skills", "Average change (levels)", result.growth],
        ]
        for skill in result.skills:
            rows += [
                [section, f"Skill growth: {skill.name}", "People", skill.people],
                [section, f"Skill growth: {skill.name}", "Average level at the start (1-5)", skill.start],
                [section, f"Skill growth: {skill.name}", "Average level now (1-5)", skill.now],
                [section, f"Skill growth: {skill.name}", "Average change (levels)", skill.growth],
            ]
        if result.skills_hidden:
            rows.append(
                [section, "Skill growth", f"Skills rated by fewer than {MIN_PEOPLE} people", result.skills_hidden]
            )
    return [[csv_value(v) for v in r] for r in rows]
