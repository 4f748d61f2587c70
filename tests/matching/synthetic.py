"""Synthetic cohorts with realistic profiles, for tests and benchmarks (not used by the app).

A catalogue of ~100 skills where a few are popular (Zipf-like), 2-6 skills offered (levels 3-5 mostly) and 1-4
wanted (current level 1-3 mostly) per person, 12 departments of uneven size whose people lean towards their
department's skills, seniority bands 1-8 (more juniors than executives), a management tree inside each
department, and offices in a dozen time zones. About 1-2 % of all pairs are then reciprocal.
"""

from __future__ import annotations

import numpy as np

from matching.scoring import Candidate

SKILLS = 100
DEPARTMENTS = 12
TIMEZONES = [
    ("Europe/Berlin", 22),
    ("Europe/London", 14),
    ("Europe/Paris", 8),
    ("Europe/Madrid", 6),
    ("Europe/Warsaw", 6),
    ("America/New_York", 12),
    ("America/Chicago", 5),
    ("America/Los_Angeles", 6),
    ("America/Sao_Paulo", 4),
    ("Asia/Kolkata", 8),
    ("Asia/Singapore", 5),
    ("Australia/Sydney", 4),
]


def make_cohort(n: int, *, seed: int = 0, skills: int = SKILLS, departments: int = DEPARTMENTS) -> list[Candidate]:
    rng = np.random.default_rng(seed)
    names = [f"Skill {s:03d}" for s in range(skills)]
    popularity = 1.0 / (np.arange(skills) + 8.0)
    popularity /= popularity.sum()
    dept_sizes = rng.dirichlet(np.full(departments, 3.0))
    dept_of = rng.choice(departments, size=n, p=dept_sizes)
    # Each department leans towards ~15 skills it is good at.
    home = [rng.choice(skills, size=15, replace=False) for _ in range(departments)]
    seniority = rng.choice(np.arange(1, 9), size=n, p=np.array([18, 20, 20, 16, 12, 7, 5, 2]) / 100)
    tz_names = [t for t, _ in TIMEZONES]
    tz_weights = np.array([w for _, w in TIMEZONES], dtype=float)
    tz_of = rng.choice(len(tz_names), size=n, p=tz_weights / tz_weights.sum())
    ids = [f"p{i:06d}" for i in range(n)]
    # A manager is someone more senior in the same department (85 % of people have one in the cohort).
    managers: list[str | None] = [None] * n
    by_dept: dict[int, list[int]] = {}
    for i in range(n):
        by_dept.setdefault(int(dept_of[i]), []).append(i)
    for members in by_dept.values():
        arr = np.array(members)
        for i in members:
            if rng.random() < 0.85:
                seniors = arr[seniority[arr] > seniority[i]]
                if len(seniors):
                    managers[i] = ids[int(rng.choice(seniors))]
    people = []
    for i in range(n):
        offer_p = popularity.copy()
        offer_p[home[dept_of[i]]] *= 6
        offer_p /= offer_p.sum()
        n_offers = int(rng.integers(2, 7))
        offered = rng.choice(skills, size=n_offers, replace=False, p=offer_p)
        want_p = popularity.copy()
        want_p[offered] = 0
        want_p[home[dept_of[i]]] *= 0.3
        want_p /= want_p.sum()
        n_wants = int(rng.integers(1, 5))
        wanted = rng.choice(skills, size=n_wants, replace=False, p=want_p)
        people.append(
            Candidate(
                id=ids[i],
                department=f"Department {int(dept_of[i]):02d}",
                seniority=int(seniority[i]),
                timezone=tz_names[int(tz_of[i])],
                manager=managers[i],
                offers={names[s]: int(rng.choice([2, 3, 4, 5], p=[0.1, 0.3, 0.4, 0.2])) for s in offered},
                wants={names[s]: int(rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15])) for s in wanted},
            )
        )
    return people
