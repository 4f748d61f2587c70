"""Cohorts with pairs, sessions and ratings for the report tests, and a CSV reader."""

import csv
import io

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
