"""Exchange circles: the people of a cohort in learning groups of 3-6 where everyone teaches and everyone learns.

Pure Python and NumPy/SciPy; imports nothing from Django.

    result = form_circles(candidates, Rules(...), target_size=4, min_size=3, max_size=6,
                          locked_groups=[("ana", "ben", "cy")], excluded=[("dee", "eve")])

What a valid circle is and what it is worth (its value) is defined in groups.py. The objective, in this order:
1. place as many people as possible in valid circles of min_size..max_size people;
2. then the highest total value;
3. then sizes closest to the target (the sum over circles of |size - target|).

Modules: search.py (construction and local search), exact.py (who can be placed at all; small parts solved
exactly), bound.py (the upper bound), reasons.py (why someone is left out).

Finding the best partition is NP-hard (it contains triangle packing). Connected parts of the teach graph of at
most EXACT_PEOPLE people are solved exactly (every partition, by dynamic programming over subsets); larger ones by
a heuristic, whose answer a bound measures:
- Construction: people with the fewest possible teachers or learners first, each grows a circle from its best
  partners (fixing whoever teaches or learns nothing first, then the most value) up to the target size.
- Local search, deterministic: for each person (by id), move them to another circle or swap them with a member
  of another circle; someone unplaced may also take a member's place while that member moves to a circle with
  room, start a new circle with people left over and members other circles can spare, or have the one or two
  circles of their best partners re-formed exactly with them (at most 10 people). The best move by (placed,
  value, balance) is made when it improves them; a person is looked at again only when a circle near them
  changed. Cohorts of up to 200 free people also restart from 5 other orders (fixed seeds) and keep the best.
- Upper bound (GroupSolverReport.value_upper_bound): in any valid partition each placed member's best lesson
  comes from a member of their own circle, who is counted that way by at most max_size - 1 learners. So the value
  is at most the optimum of the transportation LP "each learner takes at most one teacher, each teacher at most
  max_size - 1 learners, maximise the points" (without the capacity: everyone's best possible teacher). By LP
  duality, for any lam >= 0 (one number per teacher) value <= sum over learners b of max(0, max_a t(a, b) - lam_a)
  + (max_size - 1) * sum_a lam_a; lam is the LP's dual, solved with HiGHS on each learner's best teachers plus
  the arcs its duals miss (pricing), and the bound is evaluated on every arc, so it is valid in any case. For the
  parts solved exactly, the bound is the highest value of any partition of them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from matching.circles.bound import value_bound
from matching.circles.exact import exact_partition, placeable_parts
from matching.circles.reasons import unplaced_reason
from matching.circles.search import MAX_PASSES, best_search
from matching.engine import validate
from matching.groups import TeachGraph, group_problems, make_group
from matching.results import CircleResult, Group, GroupSolverReport
from matching.scoring import Candidate, InputError, Rules

__all__ = ["CIRCLE_SIZES", "EXACT_PEOPLE", "form_circles"]

CIRCLE_SIZES = range(3, 7)  # a circle has 3 to 6 people
EXACT_PEOPLE = 12  # a connected part of the teach graph this small is solved exactly


def form_circles(
    candidates: Iterable[Candidate],
    rules: Rules | None = None,
    *,
    target_size: int = 4,
    min_size: int = 3,
    max_size: int = 6,
    locked_groups: Iterable[Sequence[str]] = (),
    excluded: Iterable[Sequence[str]] = (),
    max_passes: int = MAX_PASSES,
    exact_limit: int = EXACT_PEOPLE,
) -> CircleResult:
    """Form exchange circles: most people placed, then most value, then sizes closest to target_size.

    locked_groups: circles fixed by an admin, kept as they are (one that breaks a hard rule, or where someone
    teaches or learns nothing, raises InputError naming the person). excluded: pairs of people never to share a
    circle. Connected parts of the teach graph of at most exact_limit people are solved exactly, larger ones by
    the local search (max_passes sweeps at most). Raises InputError (with .person and .field) for any bad input.
    The same input gives the same result.
    """
    rules = rules or Rules()
    t0 = time.perf_counter()
    people, _, excluded_pairs = validate(candidates, rules, excluded=excluded)
    _check_sizes(target_size, min_size, max_size)
    graph = TeachGraph(people, rules, excluded_pairs)
    locked = _check_locked(locked_groups, graph, min_size, max_size)
    in_lock = {i for members in locked for i in members}
    free = [i for i in range(graph.n) if i not in in_lock]
    parts = placeable_parts(graph, free, min_size)
    placeable = sorted(x for part in parts for x in part)
    small = [part for part in parts if len(part) <= exact_limit]
    large = sorted(x for part in parts if len(part) > exact_limit for x in part)
    t1 = time.perf_counter()

    search = best_search(graph, large, target_size, min_size, max_size, max_passes)
    bound = 0.0
    for part in small:
        circles, part_bound = exact_partition(graph, part, target_size, min_size, max_size)
        for members in circles:
            search.add_group(members)
        search.exact.update(part)
        bound += part_bound
    t2 = time.perf_counter()
    bound += value_bound(graph, large, max_size)
    t3 = time.perf_counter()

    excluded_set = set(excluded_pairs)
    groups: list[Group] = [
        make_group([people[i] for i in members], rules, excluded=excluded_set, locked=True) for members in locked
    ]
    for gid, members in enumerate(search.members):
        if not members:
            continue
        group = make_group([people[i] for i in members], rules, excluded=excluded_set)
        if group.value != search.val[gid]:  # pragma: no cover - would mean the search and explain() disagree
            raise AssertionError(f"value mismatch for {group.members}: {group.value} != {search.val[gid]}")
        groups.append(group)
    groups.sort(key=lambda g: g.members)
    placed = {i for members in locked for i in members} | {i for m in search.members for i in m}
    unplaced = [unplaced_reason(graph, search, x, set(placeable)) for x in free if x not in placed]
    t4 = time.perf_counter()
    report = GroupSolverReport(
        method="local_search" if large else "exact",
        people=len(free),
        teach_arcs=len(graph.arcs[0]),
        iterations=search.moves,
        passes=search.passes,
        placeable_bound=len(placeable) + len(in_lock),
        placed_people=len(placed),
        total_value=sum(g.value for g in groups),
        value_upper_bound=bound + sum(g.value for g in groups if g.locked),
        seconds=t3 - t1,
        proven=not large,
    )
    return CircleResult(
        groups=tuple(groups),
        unplaced=tuple(sorted(unplaced, key=lambda u: u.id)),
        total_value=sum(g.value for g in groups),
        placed_people=len(placed),
        target_size=target_size,
        solver=report,
        timings={"graph": t1 - t0, "search": t2 - t1, "bound": t3 - t2, "report": t4 - t3},
    )


# --- input checks ------------------------------------------------------------------------------------------


def _check_sizes(target: int, low: int, high: int) -> None:
    for name, size in (("min_size", low), ("target_size", target), ("max_size", high)):
        if not isinstance(size, int) or isinstance(size, bool) or size not in CIRCLE_SIZES:
            raise InputError(f"must be a whole number from {CIRCLE_SIZES[0]} to {CIRCLE_SIZES[-1]}", field=name)
    if not low <= target <= high:
        raise InputError(f"sizes must satisfy min {low} <= target {target} <= max {high}", field="target_size")


def _check_locked(groups: Iterable[Sequence[str]], graph: TeachGraph, low: int, high: int) -> list[list[int]]:
    result, seen = [], {}
    for number, group in enumerate(groups, start=1):
        if isinstance(group, str) or not all(isinstance(x, str) for x in group):
            raise InputError(f"entry {number} must be a list of person ids", field="locked_groups")
        ids = sorted(set(group))
        if len(ids) != len(group):
            raise InputError(f"entry {number} names someone twice", field="locked_groups")
        if not low <= len(ids) <= high:
            raise InputError(
                f"entry {number} has {len(ids)} people; circles have {low} to {high}", field="locked_groups"
            )
        for x in ids:
            if x not in graph.index:
                raise InputError(f"entry {number} names an unknown person", person=x, field="locked_groups")
            if x in seen:
                raise InputError(f"is in two locked groups ({seen[x]} and {number})", person=x, field="locked_groups")
            seen[x] = number
        members = [graph.index[x] for x in ids]
        broken = [x for k, x in enumerate(members) for y in members[k + 1 :] if not graph.compatible(x, y)]
        if broken or graph.value(members) is None:
            problems = group_problems([graph.people[i] for i in members], graph.rules, excluded=graph.excluded)
            raise InputError(
                f"locked group {', '.join(ids)} cannot be a circle: {'; '.join(problems)}",
                person=ids[0],
                field="locked_groups",
            )
        result.append(members)
    return result
