"""Small random cohorts for the engine tests: few skills, so many pairs are reciprocal and every rule gets hit."""

import random

from matching.engine import Candidate

TIMEZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]
GOALS = ["leadership", "public speaking", "data", "career", "writing"]


def person(pid: str, offers=None, wants=None, **fields) -> Candidate:
    return Candidate(id=pid, offers=offers or {}, wants=wants or {}, **fields)


def random_cohort(seed: int, n: int, *, skills: int = 6, departments: int = 3) -> list[Candidate]:
    rng = random.Random(seed)
    names = [f"S{i}" for i in range(skills)]
    ids = [f"p{i:02d}" for i in range(n)]
    people = []
    for pid in ids:
        offered = rng.sample(names, rng.randint(1, 3))
        wanted = rng.sample([s for s in names if s not in offered], rng.randint(1, 2))
        people.append(
            Candidate(
                id=pid,
                department=f"D{rng.randrange(departments)}" if rng.random() > 0.1 else "",
                seniority=rng.randint(1, 8),
                timezone=rng.choice(TIMEZONES),
                manager=rng.choice(ids) if rng.random() < 0.3 else None,
                offers={s: rng.randint(1, 5) for s in offered},
                wants={s: rng.randint(1, 4) for s in wanted},
                goals=tuple(rng.sample(GOALS, rng.randint(0, 3))),
                meeting_mode=rng.choice(["either", "either", "remote", "in_person"]),
            )
        )
    # Nobody manages themselves.
    return [p if p.manager != p.id else Candidate(**{**p.__dict__, "manager": None}) for p in people]
