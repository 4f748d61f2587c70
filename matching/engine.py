"""The matching engine: who pairs with whom in a two-way mentoring cohort, and why.

Pure Python + NumPy/SciPy/rustworkx; imports nothing from Django, so it can be used, tested and benchmarked on its
own. Plain dataclasses in (Candidate, Rules), plain dataclasses out (MatchResult with Pair, Unmatched, Fallback,
SkillDemand and the solver's SolverReport).

    result = solve(candidates, Rules(...), locked=[("ana", "ben")], excluded=[("cy", "dee")])

Policy: first match as many people as the allowed pairs permit, then maximise the total score among those
matchings. Up to 2,000 free people the answer is the exact optimum (blossom algorithm on every allowed pair);
beyond, a candidate graph with LP pricing, whose quality is certified in result.solver (see solver.py).
The score of a pair is documented in scoring.py and the README.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from numbers import Real

import numpy as np

from matching import solver as _solver
from matching.results import (
    FLAG_LABELS,
    ONE_SIDED_RATIO,
    SENIORITY_FLAG_BANDS,
    TIMEZONE_FLAG_MINUTES,
    Fallback,
    MatchResult,
    Pair,
    SkillDemand,
    Unmatched,
)
from matching.scoring import (
    MEETING_MODES,
    SAME_DEPARTMENT_CHOICES,
    Breakdown,
    Candidate,
    CohortArrays,
    InputError,
    Lesson,
    Rules,
    ScorePart,
    breakdown,
    check_timezone,
    department_key,
    describe,
    explain,
    pair_key,
    score,
    skill_key,
)
from matching.solver import EXACT_LIMIT, SolverReport
from matching.unmatched import UnmatchedReport

__all__ = [
    "EXACT_LIMIT",
    "FLAG_LABELS",
    "Breakdown",
    "Candidate",
    "Fallback",
    "InputError",
    "Lesson",
    "MatchResult",
    "Pair",
    "Rules",
    "ScorePart",
    "SkillDemand",
    "SolverReport",
    "Unmatched",
    "allowed_pairs",
    "breakdown",
    "explain",
    "make_pair",
    "score",
    "solve",
    "validate",
]


# --- input checks ------------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_levels(person: str, field: str, levels: object) -> None:
    if not isinstance(levels, Mapping):
        raise InputError("must map skill names to levels", person=person, field=field)
    seen: dict[str, str] = {}
    for skill, level in levels.items():
        if not isinstance(skill, str) or not skill.strip():
            raise InputError("skill names must be non-empty text", person=person, field=field)
        if not _is_int(level):
            raise InputError(f"level {level!r} must be a whole number 1-5", person=person, field=f"{field}.{skill}")
        if not 1 <= level <= 5:
            raise InputError(f"level {level!r} is outside 1-5", person=person, field=f"{field}.{skill}")
        key = skill_key(skill)
        if key in seen:
            raise InputError(f"{seen[key]!r} and {skill!r} are the same skill", person=person, field=field)
        seen[key] = skill


def _check_candidate(p: object, position: int) -> None:
    if not isinstance(p, Candidate):
        raise InputError(f"person #{position + 1} is not a Candidate")
    if not isinstance(p.id, str) or not p.id.strip():
        raise InputError("must be non-empty text", person=f"#{position + 1}", field="id")
    if not isinstance(p.department, str):
        raise InputError("must be text", person=p.id, field="department")
    if not _is_int(p.seniority):
        raise InputError(f"seniority {p.seniority!r} must be a whole number 1-8", person=p.id, field="seniority")
    if not 1 <= p.seniority <= 8:
        raise InputError(f"seniority {p.seniority!r} is outside 1-8", person=p.id, field="seniority")
    if not check_timezone(p.timezone):
        raise InputError(
            f"unknown time zone {p.timezone!r} (use an IANA name such as Europe/Berlin)", person=p.id, field="timezone"
        )
    if p.manager is not None and (not isinstance(p.manager, str) or not p.manager.strip()):
        raise InputError("must be a person's id or empty", person=p.id, field="manager")
    if p.manager == p.id:
        raise InputError("a person cannot be their own manager", person=p.id, field="manager")
    _check_levels(p.id, "offers", p.offers)
    _check_levels(p.id, "wants", p.wants)
    if isinstance(p.goals, str) or not all(isinstance(g, str) for g in p.goals):
        raise InputError("must be a list of keywords", person=p.id, field="goals")
    if p.meeting_mode not in MEETING_MODES:
        raise InputError(f"must be one of {', '.join(MEETING_MODES)}", person=p.id, field="meeting_mode")


def _check_rules(rules: Rules) -> None:
    if not isinstance(rules, Rules):
        raise InputError("rules must be a Rules object", field="rules")
    for name in ("reciprocity_required", "avoid_manager_pairs", "cross_department_bonus"):
        if not isinstance(getattr(rules, name), bool):
            raise InputError("must be true or false", field=f"rules.{name}")
    if rules.same_department not in SAME_DEPARTMENT_CHOICES:
        raise InputError(f"must be one of {', '.join(SAME_DEPARTMENT_CHOICES)}", field="rules.same_department")
    weight = rules.reverse_mentoring_weight
    if isinstance(weight, bool) or (not isinstance(weight, Real | type(None)) and not hasattr(weight, "as_tuple")):
        raise InputError("must be a number from 0 to 1", field="rules.reverse_mentoring_weight")
    if weight is None or not 0 <= float(weight) <= 1:
        raise InputError("must be a number from 0 to 1", field="rules.reverse_mentoring_weight")
    gap = rules.max_timezone_gap_hours
    if gap is not None and (
        isinstance(gap, bool) or (not isinstance(gap, Real) and not hasattr(gap, "as_tuple")) or float(gap) < 0
    ):
        raise InputError("must be a number of hours (0 or more) or empty", field="rules.max_timezone_gap_hours")
    if not rules.timezone_reference or not all(
        isinstance(t, datetime) and t.tzinfo is not None for t in rules.timezone_reference
    ):
        raise InputError("must be one or more time-zone-aware instants", field="rules.timezone_reference")


def _check_pairs(kind: str, pairs: Iterable[Sequence[str]], ids: set[str]) -> list[tuple[str, str]]:
    result = []
    for number, pair in enumerate(pairs, start=1):
        if isinstance(pair, str) or len(pair) != 2 or not all(isinstance(x, str) for x in pair):
            raise InputError(f"entry {number} must be two person ids", field=kind)
        a, b = pair
        for x in (a, b):
            if x not in ids:
                raise InputError(f"entry {number} names an unknown person", person=x, field=kind)
        if a == b:
            raise InputError(f"entry {number} pairs a person with themselves", person=a, field=kind)
        result.append(pair_key(a, b))
    return result


def validate(
    candidates: Iterable[Candidate],
    rules: Rules,
    *,
    locked: Iterable[Sequence[str]] = (),
    excluded: Iterable[Sequence[str]] = (),
    allow_one_way_locks: bool = False,
) -> tuple[list[Candidate], list[tuple[str, str]], list[tuple[str, str]]]:
    """Check everything; return (people sorted by id, locked pairs, excluded pairs) or raise InputError."""
    people = list(candidates)
    seen: dict[str, int] = {}
    for position, p in enumerate(people):
        _check_candidate(p, position)
        if p.id in seen:
            raise InputError(f"duplicate id (also person #{seen[p.id] + 1})", person=p.id, field="id")
        seen[p.id] = position
    _check_rules(rules)
    people.sort(key=lambda p: p.id)
    ids = set(seen)
    excluded_pairs = sorted(set(_check_pairs("excluded", excluded, ids)))
    locked_pairs = _check_pairs("locked", locked, ids)
    in_lock: dict[str, tuple[str, str]] = {}
    by_id = {p.id: p for p in people}
    excluded_set = set(excluded_pairs)
    for a, b in locked_pairs:
        for x in (a, b):
            if x in in_lock and in_lock[x] != (a, b):
                raise InputError(
                    f"is in two locked pairs ({'-'.join(in_lock[x])} and {a}-{b})", person=x, field="locked"
                )
            in_lock[x] = (a, b)
        result = breakdown(by_id[a], by_id[b], rules, excluded=excluded_set)
        problems = list(result.blocked)
        if allow_one_way_locks:
            problems = [m for m in problems if not m.startswith(("not reciprocal", "neither "))]
        if problems:
            raise InputError(f"locked pair {a}-{b} breaks a hard rule: {'; '.join(problems)}", person=a, field="locked")
    return people, sorted(set(locked_pairs)), excluded_pairs


# --- solving -----------------------------------------------------------------------------------------------


def _flags(p: Candidate, q: Candidate, result: Breakdown) -> tuple[str, ...]:
    flags = []
    if department_key(p.department) and department_key(p.department) == department_key(q.department):
        flags.append("same_department")
    if result.timezone_gap_minutes >= TIMEZONE_FLAG_MINUTES:
        flags.append("timezone_gap")
    if abs(p.seniority - q.seniority) >= SENIORITY_FLAG_BANDS:
        flags.append("seniority_gap")
    ab = sum(x.points for x in result.a_teaches_b)
    ba = sum(x.points for x in result.b_teaches_a)
    if max(ab, ba) >= ONE_SIDED_RATIO * min(ab, ba):
        flags.append("one_sided")
    return tuple(flags)


def make_pair(p: Candidate, q: Candidate, rules: Rules, excluded: set[tuple[str, str]], *, locked: bool) -> Pair:
    """The Pair of p and q (p.id < q.id) with its score, lessons, explanation and flags, as solve() makes it."""
    result = breakdown(p, q, rules, excluded=excluded)
    return Pair(
        a=p.id,
        b=q.id,
        score=result.total,
        a_teaches_b=tuple(x.skill for x in result.a_teaches_b),
        b_teaches_a=tuple(x.skill for x in result.b_teaches_a),
        explanation=describe(result),
        breakdown=result,
        flags=_flags(p, q, result),
        locked=locked,
    )


def solve(
    candidates: Iterable[Candidate],
    rules: Rules | None = None,
    *,
    locked: Iterable[Sequence[str]] = (),
    excluded: Iterable[Sequence[str]] = (),
    exact: bool | None = None,
    allow_one_way_locks: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> MatchResult:
    """Pair the cohort: as many people as possible, then the best total score.

    locked: pairs fixed by an admin (kept as they are; one that breaks a hard rule raises InputError, except that
    allow_one_way_locks=True accepts a hand-made pair that is not reciprocal). excluded: pairs never to be made.
    exact: None chooses (exact up to EXACT_LIMIT free people; beyond, the proven optimum when the solver's LP
    certificate answers, else priced), True forces the exact solver, False the priced one.
    progress: called as progress(stage, share done) with stage "scoring", "solving" or "report", e.g. to drive a
    progress bar from a Celery task.
    Raises InputError (with .person and .field) for any bad input. The same input always gives the same result.
    """
    rules = rules or Rules()
    t0 = time.perf_counter()
    people, locked_pairs, excluded_pairs = validate(
        candidates, rules, locked=locked, excluded=excluded, allow_one_way_locks=allow_one_way_locks
    )
    n = len(people)
    index = {p.id: i for i, p in enumerate(people)}
    arrays = CohortArrays(people, rules, [(index[a], index[b]) for a, b in excluded_pairs])
    free = np.ones(n, dtype=bool)
    for a, b in locked_pairs:
        free[index[a]] = free[index[b]] = False
    report_progress = progress or (lambda stage, share: None)
    u, v, w = arrays.allowed_edges(keep=free, progress=lambda share: report_progress("scoring", share))
    report_progress("solving", 0.0)
    t1 = time.perf_counter()
    # Up to EXACT_LIMIT free people, always the exact optimum; beyond, the solver tries to prove it and prices
    # the graph when it can't.
    use_exact = exact if exact is not None else (True if int(free.sum()) <= EXACT_LIMIT else None)
    matched, report = _solver.match(n, u, v, w, exact=use_exact)
    report_progress("report", 0.0)
    t2 = time.perf_counter()

    excluded_set = set(excluded_pairs)
    pairs = [make_pair(people[index[a]], people[index[b]], rules, excluded_set, locked=True) for a, b in locked_pairs]
    # Edges come sorted by (u, v); the solver's score of each chosen pair must be the explained one.
    keys = u.astype(np.int64) * n + v
    chosen = np.searchsorted(keys, matched[:, 0] * n + matched[:, 1]) if len(matched) else np.zeros(0, np.int64)
    for (i, j), expected in zip(matched.tolist(), w[chosen].tolist(), strict=True):
        pair = make_pair(people[i], people[j], rules, excluded_set, locked=False)
        if pair.score != expected:  # pragma: no cover - would mean explain() and the vectorised score disagree
            raise AssertionError(f"score mismatch for {pair.a}-{pair.b}: {pair.score} != {expected}")
        pairs.append(pair)
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))

    mate = np.full(n, -1, dtype=np.int64)
    pair_score = np.zeros(n, dtype=np.int64)
    is_locked = np.zeros(n, dtype=bool)
    for pair in pairs:
        i, j = index[pair.a], index[pair.b]
        mate[i], mate[j] = j, i
        pair_score[i] = pair_score[j] = pair.score
        is_locked[i] = is_locked[j] = pair.locked
    lonely = np.flatnonzero(mate < 0)
    unmatched = UnmatchedReport(arrays, mate, pair_score, is_locked).build(lonely) if len(lonely) else []
    unmatched.sort(key=lambda x: x.id)
    supply = supply_and_demand(people, pairs)
    t3 = time.perf_counter()
    report_progress("report", 1.0)
    return MatchResult(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        total_score=sum(p.score for p in pairs),
        matched_people=2 * len(pairs),
        supply_demand=supply,
        solver=report,
        timings={"scoring": t1 - t0, "solving": t2 - t1, "report": t3 - t2},
    )


def supply_and_demand(people: Sequence[Candidate], pairs: Iterable[Pair]) -> tuple[SkillDemand, ...]:
    """Per skill: how many offer it, how many want it, and how many of those were paired with someone teaching it."""
    display: dict[str, str] = {}
    offered: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    for p in sorted(people, key=lambda p: p.id):
        for s in p.offers:
            display.setdefault(skill_key(s), s)
            offered[skill_key(s)] += 1
        for s in p.wants:
            display.setdefault(skill_key(s), s)
            wanted[skill_key(s)] += 1
    taught: Counter[str] = Counter()
    for pair in pairs:
        for lesson in pair.breakdown.a_teaches_b + pair.breakdown.b_teaches_a:
            taught[skill_key(lesson.skill)] += 1
    return tuple(
        SkillDemand(skill=display[k], offered_by=offered[k], wanted_by=wanted[k], matched_for=taught[k])
        for k in sorted(display, key=lambda k: (display[k].casefold(), display[k]))
    )


def allowed_pairs(
    candidates: Iterable[Candidate], rules: Rules | None = None, *, excluded: Iterable[Sequence[str]] = ()
) -> Iterator[tuple[str, str, int]]:
    """Every allowed pair (a < b) with its score, in id order: what solve() chooses from, for anyone to audit."""
    rules = rules or Rules()
    people, _, excluded_pairs = validate(candidates, rules, excluded=excluded)
    index = {p.id: i for i, p in enumerate(people)}
    arrays = CohortArrays(people, rules, [(index[a], index[b]) for a, b in excluded_pairs])
    for rows in arrays.chunks():
        i, j, out, inn = arrays.block(rows, upper=True, both_ways=rules.reciprocity_required)
        total, blocked = arrays.evaluate(i, j, out, inn)
        ok = blocked == 0
        for a, b, s in zip(i[ok].tolist(), j[ok].tolist(), total[ok].tolist(), strict=True):
            yield people[a].id, people[b].id, s
