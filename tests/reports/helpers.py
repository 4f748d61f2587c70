"""Cohorts with pairs, sessions and ratings for the report tests, and a CSV reader."""

import csv
import io
from fractions import Fraction

from tests.factories import (
    ActiveCohortFactory,
    CheckInFactory,
    PartnershipFactory,
    SessionFactory,
    SkillProfileFactory,
    UserFactory,
)


def person(department: str, band: int | None):
    user = UserFactory()
    SkillProfileFactory(user=user, department=department, seniority=band)
    return user


def add_pair(cohort, a, b, *, sessions=((30, 30),), ratings=(), teaches=(["SQL"], ["Negotiation"]), skill=None):
    """A pair of ``a`` (member A: mentors the first half) and ``b`` with held sessions of the given half minutes.

    ``ratings`` are (usefulness by A, usefulness by B) for the pair's first session.
    """
    if a.pk > b.pk:  # keep "a" as member A so the first half is theirs
        a, b = b, a
    pair = PartnershipFactory(cohort=cohort, member_a=a, member_b=b, a_teaches_b=teaches[0], b_teaches_a=teaches[1])
    held = []
    for minutes in sessions:
        session = SessionFactory(partnership=pair, held=True, halves=minutes)
        if skill:
            session.halves.update(topic_skill=skill)
        held.append(session)
    for author, usefulness in zip((a, b), ratings, strict=False):
        CheckInFactory(session=held[0], author=author, usefulness=usefulness)
    return pair


def cohort_with_pairs(n_pairs: int, *, cohort=None, department_b="Sales", skill=None):
    """n pairs: a junior (band 2, Finance) mentors for 30 minutes, a senior (band 6) for 30; all rate 4 and 5."""
    cohort = cohort or ActiveCohortFactory()
    for _ in range(n_pairs):
        add_pair(cohort, person("Finance", 2), person(department_b, 6), ratings=(4, 5), skill=skill)
    return cohort


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def csv_figures(response) -> dict[tuple[str, str, str], str]:
    """The CSV as {(section, group, measure): value}, a negative number without its formula-safe quote."""
    return {tuple(row[:3]): row[3].removeprefix("'") for row in read_csv(response)[1:]}


def worked_out(equations: list[dict], figures: dict[str, str]) -> dict[str, Fraction]:
    """What a reader can work out by adding and subtracting what is published: the hidden figures the equations pin.

    ``equations`` are ``{figure: coefficient}`` meaning the sum of coefficient × figure is 0 (a total is the sum of
    its parts: ``{total: 1, part: -1, ...}``); ``figures`` are the published texts, a number or a note. Exact
    arithmetic: a hidden figure is worked out when, after eliminating, a row holds it alone.
    """
    hidden = sorted({name for eq in equations for name in eq if not _number(figures[name])}, key=repr)
    rows = []
    for eq in equations:
        row = [Fraction(eq.get(name, 0)) for name in hidden]
        constant = -sum(Fraction(c) * Fraction(figures[n]) for n, c in eq.items() if _number(figures[n]))
        rows.append([*row, constant])
    pivots = []
    for col in range(len(hidden)):
        pivot = next((r for r in range(len(pivots), len(rows)) if rows[r][col]), None)
        if pivot is None:
            continue
        rows[len(pivots)], rows[pivot] = rows[pivot], rows[len(pivots)]
        top = rows[len(pivots)] = [v / rows[len(pivots)][col] for v in rows[len(pivots)]]
        for r in range(len(rows)):
            if r != len(pivots) and rows[r][col]:
                rows[r] = [a - rows[r][col] * b for a, b in zip(rows[r], top, strict=True)]
        pivots.append(col)
    return {
        hidden[col]: rows[i][-1]
        for i, col in enumerate(pivots)
        if not any(rows[i][c] for c in range(len(hidden)) if c != col)
    }


def _number(text: str) -> bool:
    try:
        Fraction(text)
    except ValueError:
        return False
    return True
