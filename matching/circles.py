"""Exchange circles: the people of a cohort in learning groups of 3-6 where everyone teaches and everyone learns.

Pure Python and NumPy/SciPy; imports nothing from Django.

    result = form_circles(candidates, Rules(...), target_size=4, min_size=3, max_size=6,
                          locked_groups=[("ana", "ben", "cy")], excluded=[("dee", "eve")])

What a valid circle is and what it is worth (its value) is defined in groups.py. The objective, in this order:
1. place as many people as possible in valid circles of min_size..max_size people;
2. then the highest total value;
3. then sizes closest to the target (the sum over circles of |size - target|).

Finding the best partition is NP-hard (it contains triangle packing), so a heuristic searches and a bound proves
how good its answer is:
- Construction: people with the fewest possible teachers or learners first, each grows a circle from its best
  partners (fixing whoever teaches or learns nothing first, then the most value) up to the target size.
- Local search, deterministic: for each person (by id), move them to another circle, swap them with a member of
  another circle, or (unplaced) take a member's place while that member moves to a circle with room, or start a
  new circle with people left over and spare members of larger circles. The best move by (placed, value,
  balance) is made when it improves them; a person is looked at again only when a circle near them changed.
  Small cohorts also restart from a few other orders (fixed seeds) and keep the best.
- Upper bound (GroupSolverReport.value_upper_bound): in any valid partition each placed member's best lesson
  comes from a member of their own circle, who is counted that way by at most max_size - 1 learners. So the value
  is at most the optimum of the transportation LP "each learner takes at most one teacher, each teacher at most
  max_size - 1 learners, maximise the points" (without the capacity: everyone's best possible teacher). By LP
  duality, for any lam >= 0 (one number per teacher) value <= sum over learners b of max(0, max_a t(a, b) - lam_a)
  + (max_size - 1) * sum_a lam_a; lam is the LP's dual, solved with HiGHS on each learner's best teachers plus
  the arcs its duals miss (pricing), and the bound is evaluated on every arc, so it is valid in any case.
  Connected parts of the teach graph of at most EXACT_PEOPLE people are solved exactly instead (every partition,
  by dynamic programming over subsets), and their bound is the highest value of any partition of them.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.engine import validate
from matching.groups import TeachGraph, can_teach, group_problems, make_group
from matching.results import CircleResult, Group, GroupSolverReport, Unplaced
from matching.scoring import (
    BLOCK_EXCLUDED,
    BLOCK_MANAGER,
    BLOCK_SAME_DEPARTMENT,
    BLOCK_TIMEZONE,
    HARD_RULE_BITS,
    Candidate,
    InputError,
    Rules,
)

__all__ = ["CIRCLE_SIZES", "form_circles"]

CIRCLE_SIZES = range(3, 7)  # a circle has 3 to 6 people
NEIGHBOURS = 24  # the best partners (teaching plus learning points) the search looks at for each person
SWAP_GROUPS = 4  # the circles a placed person may swap into: those where they would add the most
MAX_PASSES = 60  # sweeps of the local search at most (it usually settles well before)
EXACT_PEOPLE = 12  # a connected part of the teach graph this small is solved exactly
LNS_PEOPLE = 10  # the local search re-forms exactly the circles near an unplaced person, this many people at most
SMALL_COHORT = 200  # free people up to which the search restarts from other orders
RESTARTS = 6  # ... this many times
BOUND_ARCS = 8  # the upper bound's LP starts from each learner's best teachers ...
BOUND_ROUNDS = 4  # ... and adds the arcs its duals miss, this many times at most


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
    parts = _placeable(graph, free, min_size)
    placeable = sorted(x for part in parts for x in part)
    small = [part for part in parts if len(part) <= exact_limit]
    large = sorted(x for part in parts if len(part) > exact_limit for x in part)
    t1 = time.perf_counter()

    search = _best_search(graph, large, target_size, min_size, max_size, max_passes)
    bound = 0.0
    for part in small:
        circles, part_bound = _exact(graph, part, target_size, min_size, max_size)
        for members in circles:
            search._new_group(members)
        search.exact.update(part)
        bound += part_bound
    t2 = time.perf_counter()
    bound += _value_bound(graph, large, max_size)
    t3 = time.perf_counter()

    excluded_set = set(excluded_pairs)
    groups: list[Group] = [
        make_group([people[i] for i in members], rules, excluded=excluded_set, locked=True) for members in locked
    ]
    free_value = 0
    for gid, members in enumerate(search.members):
        if not members:
            continue
        group = make_group([people[i] for i in members], rules, excluded=excluded_set)
        if group.value != search.val[gid]:  # pragma: no cover - would mean the search and explain() disagree
            raise AssertionError(f"value mismatch for {group.members}: {group.value} != {search.val[gid]}")
        free_value += group.value
        groups.append(group)
    groups.sort(key=lambda g: g.members)
    placed = {i for members in locked for i in members} | {i for m in search.members for i in m}
    unplaced = [_reason(graph, search, x, set(placeable)) for x in free if x not in placed]
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


def _placeable(graph: TeachGraph, free: list[int], low: int) -> list[list[int]]:
    """People who could be in some circle, by connected part of the teach graph: they have a teacher and a learner
    who could too (repeated until nobody else drops out), in a part with at least `low` such people (a circle's
    teach graph is connected). A necessary condition only: it bounds the people placed."""
    alive = set(free)
    while True:
        for x in sorted(alive):
            if not any(y in alive for y in graph.inn[x]) or not any(y in alive for y in graph.out[x]):
                alive.discard(x)
        if not alive:
            return []
        t, lr, _ = graph.arcs
        mask = np.zeros(graph.n, dtype=bool)
        mask[list(alive)] = True
        keep = mask[t] & mask[lr]
        matrix = coo_matrix((np.ones(int(keep.sum()), np.int8), (t[keep], lr[keep])), shape=(graph.n, graph.n))
        _, labels = connected_components(matrix, directed=False)
        parts: dict[int, list[int]] = {}
        for x in sorted(alive):
            parts.setdefault(int(labels[x]), []).append(x)
        small = [x for part in parts.values() if len(part) < low for x in part]
        stable = all(any(y in alive for y in graph.inn[x]) and any(y in alive for y in graph.out[x]) for x in alive)
        if not small and stable:
            return sorted(parts.values())
        alive.difference_update(small)


def _exact(
    graph: TeachGraph, people: list[int], target: int, low: int, high: int, *, with_bound: bool = True
) -> tuple[list[list[int]], int | tuple[int, int, int]]:
    """The best partition of a few people, by dynamic programming over subsets: every valid circle is listed, then
    the best way to cover each subset. Returns (circles, the highest value of any partition whatever the number
    placed: the upper bound for these people), or with with_bound=False (circles, their (placed, value, balance))."""
    n = len(people)
    ok = [[graph.compatible(people[i], people[j]) for j in range(n)] for i in range(n)]
    by_first: list[list[tuple[int, tuple[int, int, int], tuple[int, ...]]]] = [[] for _ in range(n)]
    for k in range(low, min(high, n) + 1):
        for combo in itertools.combinations(range(n), k):
            if all(ok[a][b] for a, b in itertools.combinations(combo, 2)):
                value = graph.value([people[i] for i in combo])
                if value is not None:
                    by_first[combo[0]].append((sum(1 << i for i in combo), (k, value, -abs(k - target)), combo))

    def solve(rank) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
        memo: dict[int, tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]] = {0: (rank((0, 0, 0)), ())}

        def best(mask: int):
            if mask in memo:
                return memo[mask]
            first = (mask & -mask).bit_length() - 1
            key, chosen = best(mask & ~(1 << first))  # first stays unplaced
            for block, gain, combo in by_first[first]:
                if block & mask == block:
                    sub_key, sub_chosen = best(mask & ~block)
                    total = tuple(a + b for a, b in zip(sub_key, rank(gain), strict=True))
                    if total > key:
                        key, chosen = total, (combo, *sub_chosen)
            memo[mask] = (key, chosen)
            return memo[mask]

        return best((1 << n) - 1)

    key, chosen = solve(lambda gain: gain)
    circles = [[people[i] for i in combo] for combo in chosen]
    if not with_bound:
        return circles, key
    (top_value,), _ = solve(lambda gain: (gain[1],))
    return circles, top_value


# --- the search --------------------------------------------------------------------------------------------


def _best_search(graph: TeachGraph, people: list[int], target: int, low: int, high: int, max_passes: int):
    runs = RESTARTS if len(people) <= SMALL_COHORT else 1
    best = None
    for run in range(runs):
        search = _Search(graph, people, target, low, high)
        order = sorted(people, key=lambda x: (search.options[x], x))
        if run:
            random.Random(run).shuffle(order)
        search.construct(order)
        search.improve(max_passes)
        if best is None or search.key() > best.key():
            best = search
    return best


class _Search:
    """The state of one search: who is in which circle, and for each member their best and second-best teacher
    points, their best teacher, and how many members teach them and learn from them. With these, the value of a
    circle after a move, swap or removal is computed in time linear in its size."""

    def __init__(self, graph: TeachGraph, people: list[int], target: int, low: int, high: int):
        self.g, self.out, self.inn = graph, graph.out, graph.inn
        self.people, self.target, self.low, self.high = people, target, low, high
        n = graph.n
        self.group_of = [-1] * n
        self.members: list[list[int]] = []
        self.val: list[int] = []
        self.best, self.second, self.who = [0] * n, [0] * n, [-1] * n
        self.inc, self.outc = [0] * n, [0] * n
        self.moves = self.passes = 0
        self.exact: set[int] = set()  # people of the parts solved exactly
        pool = set(people)
        self.options = [0] * n
        for x in people:
            self.options[x] = min(sum(y in pool for y in graph.out[x]), sum(y in pool for y in graph.inn[x]))
        self.nbrs = _neighbours(graph, people, NEIGHBOURS)
        self.watchers: list[list[int]] = [[] for _ in range(n)]  # who has x among their neighbours
        for x in people:
            for y in self.nbrs[x]:
                self.watchers[y].append(x)

    def key(self) -> tuple[int, int, int]:
        placed = sum(len(m) for m in self.members)
        return placed, sum(self.val), -sum(abs(len(m) - self.target) for m in self.members if m)

    # -- bookkeeping --

    def _refresh(self, gid: int) -> None:
        members, out = self.members[gid], self.out
        total = 0
        for b in members:
            best = second = inc = 0
            who = -1
            for a in members:
                w = out[a].get(b, 0)
                if w:
                    inc += 1
                    if w > best:
                        second, best, who = best, w, a
                    elif w > second:
                        second = w
            self.best[b], self.second[b], self.who[b], self.inc[b] = best, second, who, inc
            ob = out[b]
            self.outc[b] = sum(1 for a in members if a in ob)
            self.group_of[b] = gid
            total += best
        self.val[gid] = total

    def _new_group(self, members: list[int]) -> int:
        self.members.append(sorted(members))
        self.val.append(0)
        gid = len(self.members) - 1
        self._refresh(gid)
        return gid

    def _set(self, gid: int, members: list[int]) -> None:
        self.members[gid] = sorted(members)
        if members:
            self._refresh(gid)
        else:
            self.val[gid] = 0

    # -- values after a change (None: a member would teach or learn nothing, or the size is wrong) --

    def _without(self, x: int, gid: int) -> int | None:
        members = self.members[gid]
        if len(members) - 1 < self.low:
            return None
        out_x, inn_x = self.out[x], self.inn[x]
        total = 0
        for b in members:
            if b == x:
                continue
            if b in out_x:
                if self.inc[b] == 1:
                    return None
                total += self.second[b] if self.who[b] == x else self.best[b]
            else:
                total += self.best[b]
            if b in inn_x and self.outc[b] == 1:
                return None
        return total

    def _with(self, x: int, gid: int) -> int | None:
        out_x, inn_x = self.out[x], self.inn[x]
        total = learns = 0
        teaches = False
        for b in self.members[gid]:
            w = out_x.get(b, 0)
            bb = self.best[b]
            if w:
                teaches = True
                if w > bb:
                    bb = w
            total += bb
            v = inn_x.get(b, 0)
            if v > learns:
                learns = v
        if not teaches or not learns:
            return None
        return total + learns

    def _replace(self, y: int, x: int, gid: int) -> int | None:
        """Value of circle gid with x in y's place."""
        out_x, inn_x, out_y, inn_y = self.out[x], self.inn[x], self.out[y], self.inn[y]
        total = learns = 0
        teaches = False
        for b in self.members[gid]:
            if b == y:
                continue
            bb = self.second[b] if self.who[b] == y else self.best[b]
            w = out_x.get(b, 0)
            if w:
                teaches = True
                if w > bb:
                    bb = w
            elif b in out_y and self.inc[b] == 1:
                return None
            total += bb
            v = inn_x.get(b, 0)
            if v > learns:
                learns = v
            elif not v and b in inn_y and self.outc[b] == 1:
                return None
        if not teaches or not learns:
            return None
        return total + learns

    def _potential(self, x: int, gid: int) -> int:
        """What x would add to circle gid if it joined: its best lesson there and what it improves for others."""
        out_x, inn_x = self.out[x], self.inn[x]
        learns = gain = 0
        for b in self.members[gid]:
            v = inn_x.get(b, 0)
            if v > learns:
                learns = v
            w = out_x.get(b, 0) - self.best[b]
            if w > 0:
                gain += w
        return learns + gain

    def _balance(self, gid: int, change: int) -> int:
        """How much closer to the target circle gid gets when its size changes by `change` (negative: further)."""
        size = len(self.members[gid])
        return abs(size - self.target) - abs(size + change - self.target)

    def _fits(self, x: int, members: Sequence[int], skip: int = -1) -> bool:
        compatible = self.g.compatible
        return all(compatible(x, z) for z in members if z != skip)

    # -- construction --

    def construct(self, order: Sequence[int]) -> None:
        for x in order:
            if self.group_of[x] == -1:
                members = self._grow([x], lambda y: self.group_of[y] == -1)
                if members:
                    self._new_group(members)

    def _grow(self, members: list[int], available, limit: int = 12, on_add=None) -> list[int] | None:
        """Add the partners that fix whoever teaches or learns nothing, then the most value, up to the target
        (beyond it only while someone still teaches or learns nothing). Returns a valid circle or None."""
        out, inn = self.out, self.inn
        members = list(members)
        best_in = {b: max((out[a].get(b, 0) for a in members if a != b), default=0) for b in members}
        has_out = {b: any(a in out[b] for a in members) for b in members}
        while len(members) < self.high:
            missing = sum(not v for v in best_in.values()) + sum(not v for v in has_out.values())
            if not missing and len(members) >= self.target:
                break
            choice, choice_key = -1, None
            seen = set(members)
            for m in members:
                for y in self.nbrs[m][:limit]:
                    if y in seen:
                        continue
                    seen.add(y)
                    if not available(y) or not self._fits(y, members):
                        continue
                    out_y, inn_y = out[y], inn[y]
                    fixed = gain = learns = 0
                    teaches = False
                    for b in members:
                        w = out_y.get(b, 0)
                        if w:
                            teaches = True
                            fixed += not best_in[b]
                            gain += max(0, w - best_in[b])
                        v = inn_y.get(b, 0)
                        if v:
                            fixed += not has_out[b]
                            learns = max(learns, v)
                    # Net fixes: members it fixes, minus itself if it would teach or learn nothing.
                    key = (fixed - (not teaches) - (not learns), gain + learns, -y)
                    if choice_key is None or key > choice_key:
                        choice, choice_key = y, key
            if choice < 0 or choice_key[0] < 0:
                break  # nobody fits, or the best newcomer would leave more people teaching or learning nothing
            y = choice
            for b in members:
                w = out[y].get(b, 0)
                if w > best_in[b]:
                    best_in[b] = w
                if b in inn[y]:
                    has_out[b] = True
            best_in[y] = max((out[a].get(y, 0) for a in members), default=0)
            has_out[y] = any(b in out[y] for b in members)
            members.append(y)
            if on_add is not None:
                on_add(y)
        if len(members) >= self.low and self.g.value(members) is not None:
            return members
        return None

    # -- local search --

    def improve(self, max_passes: int) -> None:
        active = set(self.people)
        while active and self.passes < max_passes:
            self.passes += 1
            touched: set[int] = set()
            for x in sorted(active):
                changed = self._improve(x)
                if changed:
                    self.moves += 1
                    for gid in changed:
                        for member in self.members[gid]:
                            touched.add(member)
                            touched.update(self.watchers[member])
                    touched.add(x)
                    touched.update(self.watchers[x])
            active = touched

    def _improve(self, x: int) -> list[int] | None:
        """Make the best improving move for x; return the circles it changed, or None."""
        g1 = self.group_of[x]
        candidates = sorted({self.group_of[y] for y in self.nbrs[x]} - {g1, -1})
        if g1 >= 0 and len(candidates) > SWAP_GROUPS:
            # Swaps cost the most to look at: only in the circles where x itself would add the most.
            potential = {g2: self._potential(x, g2) for g2 in candidates}
            swap_groups = set(sorted(candidates, key=lambda g: (-potential[g], g))[:SWAP_GROUPS])
        else:
            swap_groups = set(candidates)
        best_key, best_move = (0, 0, 0), None
        connected = self.g.connected
        if g1 >= 0:
            without = self._without(x, g1)
            members1 = self.members[g1]
            rest1 = [m for m in members1 if m != x]
        for g2 in candidates:
            members2 = self.members[g2]
            clash = [z for z in members2 if not self.g.compatible(x, z)]
            if len(clash) > 1:
                continue
            # Connectedness is checked only for a move that would be the best so far (x joining a circle where it
            # teaches and learns keeps that circle connected; a circle losing someone may fall in two).
            if not clash and len(members2) < self.high and (g1 < 0 or without is not None):
                value = self._with(x, g2)
                if value is not None:
                    if g1 < 0:
                        key = (1, value - self.val[g2], self._balance(g2, 1))
                    else:
                        key = (
                            0,
                            value - self.val[g2] + without - self.val[g1],
                            self._balance(g2, 1) + self._balance(g1, -1),
                        )
                    if key > best_key and (g1 < 0 or connected(rest1)):
                        best_key, best_move = key, ("move", g2, -1, -1)
            if g2 not in swap_groups:
                continue
            for y in clash or members2:
                value2 = self._replace(y, x, g2)
                if value2 is None:
                    continue
                if g1 >= 0:
                    if not self._fits(y, members1, skip=x):
                        continue
                    value1 = self._replace(x, y, g1)
                    if value1 is None:
                        continue
                    key = (0, value2 - self.val[g2] + value1 - self.val[g1], 0)
                    if key > best_key and connected([*rest1, y]) and connected(_swapped(members2, y, x)):
                        best_key, best_move = key, ("swap", g2, y, -1)
                    continue
                key = (0, value2 - self.val[g2], 0)
                if key > best_key and connected(_swapped(members2, y, x)):
                    best_key, best_move = key, ("swap", g2, y, -1)
                if best_key[0] == 0:  # an unplaced person: y could go on to a circle with room (one more placed)
                    g3, value3 = self._room_for(y, exclude=g2)
                    if g3 >= 0:
                        key = (1, value2 - self.val[g2] + value3 - self.val[g3], 0)
                        if key > best_key and connected(_swapped(members2, y, x)):
                            best_key, best_move = key, ("chain", g2, y, g3)
        if g1 < 0 and best_key[0] == 0:  # nothing places x yet: a new circle, or re-forming the circles near x
            changed = self._start_circle(x) or self._resolve_around(x)
            if changed:
                return changed
        if best_move is None:
            return None
        kind, g2, y, g3 = best_move
        changed = [g2]
        if g1 >= 0:
            changed.append(g1)
        if kind == "move":
            if g1 >= 0:
                self._set(g1, [m for m in self.members[g1] if m != x])
            self._set(g2, [*self.members[g2], x])
        elif kind == "swap":
            self._set(g2, [m for m in self.members[g2] if m != y] + [x])
            if g1 >= 0:
                self._set(g1, [m for m in self.members[g1] if m != x] + [y])
            else:
                self.group_of[y] = -1
                self._clear(y)
        else:  # chain
            self._set(g2, [m for m in self.members[g2] if m != y] + [x])
            self._set(g3, [*self.members[g3], y])
            changed.append(g3)
        return changed

    def _clear(self, x: int) -> None:
        self.best[x] = self.second[x] = self.inc[x] = self.outc[x] = 0
        self.who[x] = -1

    def _room_for(self, y: int, exclude: int) -> tuple[int, int]:
        """The circle with room that y adds the most value to (-1 if none)."""
        best_gid, best_gain, best_value = -1, None, 0
        for gid in sorted({self.group_of[z] for z in self.nbrs[y]} - {exclude, -1}):
            members = self.members[gid]
            if len(members) >= self.high or not self._fits(y, members):
                continue
            value = self._with(y, gid)
            if value is not None and (best_gain is None or value - self.val[gid] > best_gain):
                best_gid, best_gain, best_value = gid, value - self.val[gid], value
        return best_gid, best_value

    def _resolve_around(self, x: int) -> list[int] | None:
        """Re-form exactly the circles of x's best partners (one or two, at most LNS_PEOPLE people with x and the
        unplaced among x's partners); made when it places more people, or as many with more value."""
        region = [x, *[y for y in self.nbrs[x] if self.group_of[y] == -1][:3]]
        gids: list[int] = []
        for y in self.nbrs[x]:
            gid = self.group_of[y]
            if gid >= 0 and gid not in gids and len(region) + len(self.members[gid]) <= LNS_PEOPLE:
                gids.append(gid)
                region += self.members[gid]
                if len(gids) == 2:
                    break
        if not gids:
            return None
        before = (
            sum(len(self.members[g]) for g in gids),
            sum(self.val[g] for g in gids),
            -sum(abs(len(self.members[g]) - self.target) for g in gids),
        )
        circles, after = _exact(self.g, sorted(region), self.target, self.low, self.high, with_bound=False)
        if after <= before:
            return None
        for gid in gids:
            for m in self.members[gid]:
                self.group_of[m] = -1
                self._clear(m)
            self._set(gid, [])
        return gids + [self._new_group(members) for members in circles]

    def _start_circle(self, x: int) -> list[int] | None:
        """A new circle around unplaced x, with other unplaced people and members of other circles that stay valid
        without them (several may come from one circle). Grown from x and each of x's best available partners in
        turn; the one placing most people, then adding most value, is made."""
        best = None
        for second in [-1, *self.nbrs[x][:8]]:
            taken: dict[int, list[int]] = {}

            def available(y: int, taken=taken) -> bool:
                gid = self.group_of[y]
                if gid == -1:
                    return True
                rest = [m for m in self.members[gid] if m != y and m not in taken.get(gid, ())]
                return len(rest) >= self.low and self.g.value(rest) is not None

            def take(y: int, taken=taken) -> None:
                taken.setdefault(self.group_of[y], []).append(y)

            start = [x]
            if second >= 0:
                if not available(second) or not self.g.compatible(x, second):
                    continue
                take(second)
                start.append(second)
            members = self._grow(start, available, on_add=take)
            if members is None:
                continue
            newly = len(taken.pop(-1, []))
            value = self.g.value(members) - sum(self.val[gid] for gid in taken)
            value += sum(self.g.value([m for m in self.members[gid] if m not in gone]) for gid, gone in taken.items())
            key = (1 + newly, value, -len(taken))
            if best is None or key > best[0]:
                best = (key, members, taken)
        if best is None:
            return None
        _, members, taken = best
        for gid, gone in taken.items():
            self._set(gid, [m for m in self.members[gid] if m not in gone])
        self._new_group(members)
        return [*taken, len(self.members) - 1]


def _swapped(members: list[int], out: int, into: int) -> list[int]:
    return [into if m == out else m for m in members]


def _neighbours(graph: TeachGraph, people: list[int], k: int) -> list[list[int]]:
    """Each person's k best partners among `people` by what they teach each other (both ways), best first."""
    n = graph.n
    t, lr, w = graph.arcs
    mask = np.zeros(n, dtype=bool)
    mask[people] = True
    keep = mask[t] & mask[lr]
    a, b, w = t[keep], lr[keep], w[keep]
    key = np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
    pairs, inverse = np.unique(key, return_inverse=True)
    both = np.bincount(inverse, weights=w).astype(np.int64)
    lo, hi = pairs // n, pairs % n
    ends = np.concatenate([lo, hi])
    others = np.concatenate([hi, lo])
    weight = np.concatenate([both, both])
    order = np.lexsort((others, -weight, ends))
    ends, others = ends[order], others[order]
    starts = np.searchsorted(ends, np.arange(n + 1))
    others_l = others.tolist()
    return [others_l[s : min(s + k, e)] for s, e in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True)]


# --- the upper bound ---------------------------------------------------------------------------------------


def _value_bound(graph: TeachGraph, people: list[int], high: int) -> float:
    """An upper bound on the value of any valid partition of `people` (see the module docstring).

    The best lam is the dual of the transportation LP (each learner takes at most one teacher, each teacher at most
    max_size - 1 learners). That LP is solved with HiGHS on each learner's best few teachers, then on the arcs
    its duals say could do better (pricing); the bound is evaluated at its duals on every arc, so it is valid
    whether or not pricing finished. lam = 0 is tried too.
    """
    t, lr, w = graph.arcs
    mask = np.zeros(graph.n, dtype=bool)
    mask[people] = True
    keep = mask[t] & mask[lr]
    t, lr, w = t[keep], lr[keep], w[keep].astype(np.float64)
    if not len(t):
        return 0.0
    order = np.lexsort((t, -w, lr))
    t, lr, w = t[order], lr[order], w[order]
    starts = np.flatnonzero(np.r_[True, lr[1:] != lr[:-1]])
    capacity = high - 1

    def bound_at(lam: np.ndarray) -> tuple[float, np.ndarray]:
        reduced = w - lam[t]
        top = np.maximum(np.maximum.reduceat(reduced, starts), 0.0)
        return float(top.sum() + capacity * lam.sum()), np.repeat(top, np.diff(np.r_[starts, len(t)]))

    best, top = bound_at(np.zeros(graph.n))
    rank = np.arange(len(t)) - np.repeat(starts, np.diff(np.r_[starts, len(t)]))
    chosen = rank < BOUND_ARCS
    for _ in range(BOUND_ROUNDS):
        idx = np.flatnonzero(chosen)
        lam = _transport_duals(graph.n, t[idx], lr[idx], w[idx], capacity)
        bound, top = bound_at(lam)
        best = min(best, bound)
        better = (w - lam[t] > top + 1e-9) & ~chosen  # arcs the restricted LP did not see that beat its duals
        if not better.any():
            break
        chosen |= better
    return best


def _transport_duals(n: int, t: np.ndarray, lr: np.ndarray, w: np.ndarray, capacity: int) -> np.ndarray:
    """Teacher duals (lam) of max sum w x, sum over a teacher's arcs <= capacity, over a learner's arcs <= 1."""
    m = len(t)
    rows = np.concatenate([lr, n + t])
    matrix = sp.csr_matrix((np.ones(2 * m), (rows, np.tile(np.arange(m), 2))), shape=(2 * n, m))
    limits = np.concatenate([np.ones(n), np.full(n, float(capacity))])
    res = linprog(-w, A_ub=matrix, b_ub=limits, bounds=(0, None), method="highs")
    if res.status != 0 or res.ineqlin is None:  # pragma: no cover - the LP is feasible (x = 0) and bounded
        return np.zeros(n)
    return np.maximum(-np.asarray(res.ineqlin.marginals)[n:], 0.0)


# --- why someone is left out -------------------------------------------------------------------------------

RULE_WORDS = (
    (BLOCK_MANAGER, "manager or direct report"),
    (BLOCK_TIMEZONE, "time zone too far"),
    (BLOCK_SAME_DEPARTMENT, "same department (forbidden in this cohort)"),
    (BLOCK_EXCLUDED, "excluded by an admin"),
)


def _reason(graph: TeachGraph, search: _Search, x: int, placeable: set[int]) -> Unplaced:
    p = graph.people[x]
    teachers, learners = len(graph.inn[x]), len(graph.out[x])
    if not p.wants:
        reason = f"{p.id} has not listed any skill they want to learn; in a circle everyone learns."
    elif not p.offers:
        reason = f"{p.id} has not listed any skill they can teach; in a circle everyone teaches."
    elif not teachers:
        reason = _nobody(graph, x, teach=True)
    elif not learners:
        reason = _nobody(graph, x, teach=False)
    elif x in search.exact:
        reason = (
            f"{p.id} can learn from {teachers} and teach {learners} people here, but every way of forming circles "
            f"with them that includes {p.id} places fewer people or less value overall (all were compared)."
        )
    elif x not in placeable:
        reason = (
            f"{p.id} can learn from {teachers} and teach {learners} people here, but no circle of {search.low} or "
            f"more can hold {p.id} and them: those they could add would teach or learn nothing there, or a hard "
            "rule keeps them apart."
        )
    else:
        near = sorted({search.group_of[y] for y in search.nbrs[x]} - {-1})
        full = sum(len(search.members[g]) >= search.high for g in near)
        reason = (
            f"{p.id} can learn from {teachers} and teach {learners} people here, but no circle could take {p.id}: "
            f"of the {len(near)} circles of {p.id}'s best partners, {full} are full ({search.high} people) and in "
            f"the others {p.id} would teach or learn nothing, or a hard rule keeps {p.id} apart from a member; the "
            "people left over could not form a new circle."
        )
    return Unplaced(id=p.id, reason=reason, teachers=teachers, learners=learners)


def _nobody(graph: TeachGraph, x: int, *, teach: bool) -> str:
    """Why nobody may teach x (teach=True) or learn from x: nobody fits their skills, or the rules."""
    p = graph.people[x]
    if teach:
        fits = [i for i, q in enumerate(graph.people) if i != x and can_teach(q, p)]
        what = f"offers what {p.id} wants ({', '.join(sorted(p.wants))}) above {p.id}'s level"
        role = f"could teach {p.id}"
    else:
        fits = [i for i, q in enumerate(graph.people) if i != x and can_teach(p, q)]
        what = f"wants to learn what {p.id} offers ({', '.join(sorted(p.offers))}) below {p.id}'s level"
        role = f"could learn from {p.id}"
    if not fits:
        return f"nobody in this cohort {what}."
    hard = graph.arrays.hard_blocks(x)[fits] & HARD_RULE_BITS
    ruled = ", ".join(
        f"{int(((hard & bit) > 0).sum())} {words}" for bit, words in RULE_WORDS if ((hard & bit) > 0).any()
    )
    who = "1 person" if len(fits) == 1 else f"{len(fits)} people"
    return f"{who} here {role}, but the cohort's rules keep every one apart from {p.id}: {ruled}."
