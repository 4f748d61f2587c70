"""Pairs with triads: after the exact pairing, triads for the people it leaves out, breaking pairs when that helps.

Pure Python and NumPy/SciPy; imports nothing from Django.

    pairing = solve(candidates, rules)
    result = place_in_triads(candidates, rules, pairing.pairs, [u.id for u in pairing.unmatched])
    # or, both at once: solve_with_triads(candidates, rules, locked=..., excluded=...)

A **triad** is a directed 3-cycle of teaching (A teaches B, B teaches C, C teaches A, in either direction round)
between three people who may share a group (no hard rule between any two; see groups.py). Its value is that of
any group: each member's best lesson in it. A pair counts its pair score, as in solve().

Objective: as many people placed as possible in pairs or triads, then the highest total value (pair scores plus
triad values). Pairs of the pairing may be broken and their people re-paired or put in triads: a pair {x, y}
plus an unmatched z can become a triad; two pairs and two unmatched people can become two triads; and so on.
Locked pairs are kept as they are.

The problem is an integer program: one 0/1 variable per allowed pair and per triad, each person in at most one,
solved with HiGHS (scipy.optimize.milp) in two steps: first the most people placed, then the best value with at
least that many placed.
- Up to EXACT_PEOPLE free people (not in locked pairs), every allowed pair and every triad is a variable: the
  result is the proven optimum (method "exact").
- Beyond, the program is restricted (method "restricted") to the people around those left out: every triad
  through an unmatched person that takes a whole pair ({x, y} plus z) and the best TRIADS_PER_PERSON other
  triads through each unmatched person; the pairs of their members, kept or broken; and every allowed pair
  among the people a triad could set loose (those left out and the triad members' partners). Everyone else keeps
  their pair. It never places fewer people than the pairing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from matching.engine import make_pair, solve, validate
from matching.groups import TeachGraph, make_group
from matching.results import Group, GroupSolverReport, Pair, TriadResult, Unmatched, Unplaced
from matching.scoring import Candidate, CohortArrays, InputError, Rules, breakdown, pair_key

__all__ = ["EXACT_PEOPLE", "TRIADS_PER_PERSON", "place_in_triads", "solve_with_triads"]

EXACT_PEOPLE = 60  # free people up to which every pair and every triad is considered (the proven optimum)
TRIADS_PER_PERSON = 12  # beyond: the best triads through each unmatched person, besides those taking a whole pair
NODE_LIMIT = 10_000  # branch-and-bound nodes per integer program at most (a safety net) ...
TIME_LIMIT = 60.0  # ... and seconds (the only limit that could make a result depend on the machine's speed)


def solve_with_triads(
    candidates: Iterable[Candidate],
    rules: Rules | None = None,
    *,
    locked: Iterable[Sequence[str]] = (),
    excluded: Iterable[Sequence[str]] = (),
    exact_limit: int = EXACT_PEOPLE,
) -> TriadResult:
    """solve(), then place_in_triads() for the people it leaves out (locked pairs stay pairs)."""
    people = list(candidates)
    excluded = list(excluded)
    pairing = solve(people, rules, locked=locked, excluded=excluded)
    return place_in_triads(people, rules, pairing.pairs, pairing.unmatched, excluded=excluded, exact_limit=exact_limit)


def place_in_triads(
    candidates: Iterable[Candidate],
    rules: Rules | None,
    pairs: Iterable[Pair | Sequence[str]],
    unmatched: Iterable[str | Unmatched] | None = None,
    *,
    locked: Iterable[Sequence[str]] = (),
    excluded: Iterable[Sequence[str]] = (),
    exact_limit: int = EXACT_PEOPLE,
    triads_per_person: int = TRIADS_PER_PERSON,
) -> TriadResult:
    """Complete a pairing with triads: most people placed (in pairs or triads), then the best total value.

    pairs: the pairing (Pair objects from solve(), or pairs of ids); a Pair with locked=True, or a pair listed in
    `locked`, is never broken. unmatched: the people the pairing left out (ids or Unmatched objects, whose reasons
    are kept); None means everyone not in a pair. excluded: pairs of people never to share a pair or triad.
    Raises InputError for bad input, naming the person and field. The same input gives the same result.
    """
    rules = rules or Rules()
    t0 = time.perf_counter()
    people, locked_pairs, excluded_pairs = validate(
        candidates, rules, locked=locked, excluded=excluded, allow_one_way_locks=True
    )
    n = len(people)
    graph = TeachGraph(people, rules, excluded_pairs)
    index = graph.index
    given, is_locked = _check_pairing(pairs, people, rules, set(excluded_pairs), set(locked_pairs))
    mate = [-1] * n
    for a, b in given:
        mate[index[a]], mate[index[b]] = index[b], index[a]
    left_out = [i for i in range(n) if mate[i] < 0]
    earlier = _check_unmatched(unmatched, people, mate)
    free = [i for i in range(n) if not (mate[i] >= 0 and pair_key(people[i].id, people[mate[i]].id) in is_locked)]

    exact = len(free) <= exact_limit
    arrays = CohortArrays(people, rules, [(index[a], index[b]) for a, b in excluded_pairs])
    if exact:
        triads = _all_triads(graph, free)
        region = free
        loose = np.zeros(n, dtype=bool)
        loose[free] = True
        u, v, w = arrays.allowed_edges(keep=loose)  # every allowed pair, those of the pairing among them
        pair_list = list(zip(u.tolist(), v.tolist(), strict=True))
        pair_value = w.tolist()
    else:
        # The people a triad could set loose (those left out and the partners of triad members) may pair up
        # among themselves; everyone else in the region keeps their pair or goes into a triad.
        triads = _triads_around(graph, left_out, set(free), mate, triads_per_person)
        members = {x for t in triads for x in t}
        loose = np.zeros(n, dtype=bool)
        loose[left_out] = True
        loose[[mate[x] for x in members if mate[x] >= 0]] = True
        region = sorted(members | set(np.flatnonzero(loose).tolist()))
        u, v, w = arrays.allowed_edges(keep=loose)
        pairs_now = {(a, mate[a]) for a in region if mate[a] > a}
        pair_list = list(zip(u.tolist(), v.tolist(), strict=True))
        pair_value = w.tolist()
        for a, b in sorted(pairs_now - set(pair_list)):
            pair_list.append((a, b))
            pair_value.append(breakdown(people[a], people[b], rules).total)
    triad_value = [graph.value(t) for t in triads]
    t1 = time.perf_counter()

    chosen_pairs, chosen_triads, proven, value_bound = _solve_program(
        region, pair_list, pair_value, triads, triad_value
    )
    t2 = time.perf_counter()

    in_region = set(region)
    result_pairs = {pair_key(a, b) for a, b in ((index[x], index[y]) for x, y in given) if a not in in_region}
    result_pairs |= {pair_list[k] for k in chosen_pairs}
    excluded_set = set(excluded_pairs)
    out_pairs = [
        make_pair(people[a], people[b], rules, excluded_set, locked=pair_key(people[a].id, people[b].id) in is_locked)
        for a, b in sorted(result_pairs)
    ]
    out_pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    kept = {(p.a, p.b) for p in out_pairs}
    broken = tuple(sorted(pair for pair in given if pair not in kept))
    groups: list[Group] = []
    for k in chosen_triads:
        members = triads[k]
        took = tuple(pair for pair in broken if index[pair[0]] in members or index[pair[1]] in members)
        groups.append(
            make_group([people[i] for i in members], rules, excluded=excluded_set, kind="triad", broken_pairs=took)
        )
    groups.sort(key=lambda g: g.members)
    placed = {x for p in out_pairs for x in (p.a, p.b)} | {x for g in groups for x in g.members}
    in_triads = {index[x] for g in groups for x in g.members}
    unplaced = [
        _reason(graph, i, earlier.get(people[i].id), exact=exact, free=set(free), mate=mate)
        for i in range(n)
        if people[i].id not in placed
    ]
    bound = _placeable(graph, free, mate, in_triads) + (n - len(free))
    total = sum(p.score for p in out_pairs) + sum(g.value for g in groups)
    report = GroupSolverReport(
        method="exact" if exact else "restricted",
        people=len(free),
        teach_arcs=len(graph.arcs[0]),
        iterations=len(triads),
        passes=1,
        placeable_bound=bound,
        placed_people=len(placed),
        total_value=total,
        # The program's bound covers the whole problem only when every pair and triad was in it.
        value_upper_bound=value_bound + _outside_value(out_pairs, set(region), index)
        if exact and value_bound is not None
        else None,
        seconds=t2 - t1,
        proven=proven and exact,
    )
    return TriadResult(
        pairs=tuple(out_pairs),
        triads=tuple(groups),
        unplaced=tuple(sorted(unplaced, key=lambda u: u.id)),
        placed_people=len(placed),
        paired_before=2 * len(given),
        broken_pairs=broken,
        total_value=total,
        solver=report,
        timings={"graph": t1 - t0, "solving": t2 - t1, "report": time.perf_counter() - t2},
    )


# --- input checks ------------------------------------------------------------------------------------------


def _check_pairing(pairs, people: list[Candidate], rules: Rules, excluded: set, locked: set):
    """The pairing as sorted id pairs, and the set of those never to break (locked)."""
    ids = {p.id: p for p in people}
    given, never_break, seen = [], set(locked), {}
    for number, pair in enumerate(pairs, start=1):
        if isinstance(pair, Pair):
            a, b, is_locked = pair.a, pair.b, pair.locked
        elif not isinstance(pair, str) and len(pair) == 2 and all(isinstance(x, str) for x in pair):
            a, b, is_locked = pair[0], pair[1], False
        else:
            raise InputError(f"entry {number} must be a Pair or two person ids", field="pairs")
        for x in (a, b):
            if x not in ids:
                raise InputError(f"entry {number} names an unknown person", person=x, field="pairs")
            if x in seen:
                raise InputError(f"is in two pairs (entries {seen[x]} and {number})", person=x, field="pairs")
            seen[x] = number
        if a == b:
            raise InputError(f"entry {number} pairs a person with themselves", person=a, field="pairs")
        key = pair_key(a, b)
        if is_locked:
            never_break.add(key)
        elif key not in never_break and breakdown(ids[key[0]], ids[key[1]], rules, excluded=excluded).blocked:
            raise InputError(
                f"pair {key[0]}-{key[1]} is not allowed by the rules and not locked", person=a, field="pairs"
            )
        given.append(key)
    for key in locked:
        if key not in given:
            raise InputError(
                f"locked pair {key[0]}-{key[1]} is not a pair of the pairing", person=key[0], field="locked"
            )
    return sorted(given), never_break


def _check_unmatched(unmatched, people: list[Candidate], mate: list[int]) -> dict[str, str]:
    """The earlier reasons (from solve) by id; checks that `unmatched` is exactly who the pairing left out."""
    left_out = {p.id for p, m in zip(people, mate, strict=True) if m < 0}
    if unmatched is None:
        return {}
    reasons, listed = {}, set()
    for item in unmatched:
        pid = item.id if isinstance(item, Unmatched) else item
        if not isinstance(pid, str) or pid not in left_out:
            raise InputError("is listed as unmatched but is in a pair or unknown", person=str(pid), field="unmatched")
        listed.add(pid)
        if isinstance(item, Unmatched):
            reasons[pid] = item.reason
    missing = sorted(left_out - listed)
    if missing:
        raise InputError("is in no pair but not listed as unmatched", person=missing[0], field="unmatched")
    return reasons


# --- candidate triads --------------------------------------------------------------------------------------


def _cycles_through(graph: TeachGraph, z: int, allowed: set[int]) -> set[tuple[int, int, int]]:
    """Every triad (sorted) with a 3-cycle through z among `allowed` people: z teaches b, b teaches c, c teaches z."""
    out, inn_z = graph.out, graph.inn[z]
    found = set()
    for b in out[z]:
        if b not in allowed:
            continue
        for c in out[b]:
            if c != z and c in inn_z and c in allowed:
                found.add(tuple(sorted((z, b, c))))
    return found


def _all_triads(graph: TeachGraph, free: list[int]) -> list[tuple[int, int, int]]:
    allowed = set(free)
    found: set[tuple[int, int, int]] = set()
    for z in free:
        found |= _cycles_through(graph, z, allowed)
    return sorted(found)


def _triads_around(
    graph: TeachGraph, left_out: list[int], free: set[int], mate: list[int], per_person: int
) -> list[tuple[int, int, int]]:
    chosen: set[tuple[int, int, int]] = set()
    for z in left_out:
        if z not in free:
            continue
        through = sorted(_cycles_through(graph, z, free))
        whole_pair = [t for t in through if any(mate[x] >= 0 and mate[x] in t for x in t if x != z)]
        rest = sorted((t for t in through if t not in set(whole_pair)), key=lambda t: (-graph.value(t), t))
        chosen.update(whole_pair)
        chosen.update(rest[:per_person])
    return sorted(chosen)


def _in_some_triad(graph: TeachGraph, x: int, free: set[int]) -> bool:
    return x in free and bool(_cycles_through(graph, x, free))


# --- the integer program -----------------------------------------------------------------------------------


def _solve_program(
    region: list[int],
    pairs: list[tuple[int, int]],
    pair_value: list[int],
    triads: list[tuple[int, int, int]],
    triad_value: list[int],
) -> tuple[list[int], list[int], bool, float | None]:
    """The chosen pairs and triads (indices): most people placed, then the best value, as two integer programs.

    Returns (pairs, triads, proven, value bound): proven when HiGHS finished both; the bound is the second
    program's dual bound (no choice in the program placing as many people is worth more), None without one.
    """
    if not pairs and not triads:
        return [], [], True, 0.0
    position = {x: k for k, x in enumerate(region)}
    columns = [list(p) for p in pairs] + [list(t) for t in triads]
    rows = [position[x] for col in columns for x in col]
    cols = [k for k, col in enumerate(columns) for _ in col]
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(region), len(columns)))
    once = LinearConstraint(matrix, -np.inf, 1)
    size = np.array([len(col) for col in columns], dtype=np.float64)
    value = np.array(pair_value + triad_value, dtype=np.float64)
    integrality, bounds = np.ones(len(columns)), Bounds(0, 1)
    # Scores are whole numbers, so no gap is allowed. The node and time limits are safety nets (the programs of
    # the benchmark cohorts need fewer than 10 nodes); when one stops HiGHS, proven is False.
    options = {"mip_rel_gap": 0.0, "disp": False, "node_limit": NODE_LIMIT, "time_limit": TIME_LIMIT}
    first = milp(-size, constraints=[once], integrality=integrality, bounds=bounds, options=options)
    if first.x is None:  # pragma: no cover - x = 0 is feasible and HiGHS finds a solution at the root
        raise RuntimeError(f"triad program failed: {first.message}")
    placed = round(float(size @ first.x))
    at_least = LinearConstraint(size.reshape(1, -1), placed - 0.5, np.inf)
    second = milp(-value, constraints=[once, at_least], integrality=integrality, bounds=bounds, options=options)
    x = second.x if second.x is not None else first.x
    proven = first.status == 0 and second.status == 0
    dual = getattr(second, "mip_dual_bound", None)
    bound = -float(dual) if second.x is not None and dual is not None else None
    chosen = np.flatnonzero(np.round(x) == 1).tolist()
    return [k for k in chosen if k < len(pairs)], [k - len(pairs) for k in chosen if k >= len(pairs)], proven, bound


# --- bound and reasons -------------------------------------------------------------------------------------


def _outside_value(pairs: list[Pair], region: set[int], index: dict[str, int]) -> int:
    """The scores of the pairs outside the program (locked ones), which its bound does not count."""
    return sum(p.score for p in pairs if index[p.a] not in region)


def _placeable(graph: TeachGraph, free: list[int], mate: list[int], in_triads: set[int]) -> int:
    """Free people who are paired, or have an allowed pair or a triad: nobody else can be placed."""
    allowed = set(free)
    return sum(
        1
        for x in free
        if mate[x] >= 0 or x in in_triads or _has_pair(graph, x, allowed) or _in_some_triad(graph, x, allowed)
    )


def _has_pair(graph: TeachGraph, x: int, allowed: set[int]) -> bool:
    """True when x may pair with someone (both teach each other, or one teaches when reciprocity is not needed)."""
    if graph.rules.reciprocity_required:
        return any(y in graph.inn[x] for y in graph.out[x] if y in allowed)
    return any(y in allowed for y in graph.out[x]) or any(y in allowed for y in graph.inn[x])


def _reason(
    graph: TeachGraph, x: int, earlier: str | None, *, exact: bool, free: set[int], mate: list[int]
) -> Unplaced:
    p = graph.people[x]
    everyone = set(range(graph.n))
    if not _in_some_triad(graph, x, everyone):
        triad = (
            f"no triad exists for {p.id}: nobody {p.id} teaches teaches someone who teaches {p.id}, among the "
            f"people {p.id} may share a group with."
        )
    elif not _in_some_triad(graph, x, free):
        locked = sorted({tuple(sorted((graph.people[y].id, graph.people[mate[y]].id))) for y in everyone - free})
        triad = f"every triad {p.id} could be in would break a locked pair ({', '.join('-'.join(k) for k in locked)})."
    elif exact:
        triad = (
            f"every triad {p.id} could be in would break pairs and leave at least as many people out (all pairs "
            "and triads were compared)."
        )
    else:
        triad = (
            f"the triads {p.id} could be in that were compared would break pairs and leave at least as many people out."
        )
    reason = f"{earlier} No triad either: {triad}" if earlier else f"{p.id} has no partner, and {triad}"
    return Unplaced(id=p.id, reason=reason, teachers=len(graph.inn[x]), learners=len(graph.out[x]))
