"""The local search that forms circles in larger cohorts (see the package docstring): construction, moves, swaps,
chains, new circles and exact re-forming around unplaced people; deterministic."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from matching.circles.exact import exact_partition
from matching.groups import TeachGraph

NEIGHBOURS = 24  # the best partners (teaching plus learning points) the search looks at for each person
SWAP_GROUPS = 4  # the circles a placed person may swap into: those where they would add the most
MAX_PASSES = 60  # sweeps of the local search at most (it usually settles well before)
LNS_PEOPLE = 10  # the local search re-forms exactly the circles near an unplaced person, this many people at most
SMALL_COHORT = 200  # free people up to which the search restarts from other orders
RESTARTS = 6  # ... this many times


def best_search(graph: TeachGraph, people: list[int], target: int, low: int, high: int, max_passes: int) -> Search:
    """The best of the runs (one, or RESTARTS for small cohorts) by (placed, value, balance)."""
    runs = RESTARTS if len(people) <= SMALL_COHORT else 1
    best = None
    for run in range(runs):
        search = Search(graph, people, target, low, high)
        order = sorted(people, key=lambda x: (search.options[x], x))
        if run:
            random.Random(run).shuffle(order)
        search.construct(order)
        search.improve(max_passes)
        if best is None or search.key() > best.key():
            best = search
    return best


class Search:
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
        self.nbrs = neighbours(graph, people, NEIGHBOURS)
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

    def add_group(self, members: list[int]) -> int:
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
                    self.add_group(members)

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
                    if key > best_key and connected([*rest1, y]) and connected(swapped(members2, y, x)):
                        best_key, best_move = key, ("swap", g2, y, -1)
                    continue
                key = (0, value2 - self.val[g2], 0)
                if key > best_key and connected(swapped(members2, y, x)):
                    best_key, best_move = key, ("swap", g2, y, -1)
                if best_key[0] == 0:  # an unplaced person: y could go on to a circle with room (one more placed)
                    g3, value3 = self._room_for(y, exclude=g2)
                    if g3 >= 0:
                        key = (1, value2 - self.val[g2] + value3 - self.val[g3], 0)
                        if key > best_key and connected(swapped(members2, y, x)):
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
        circles, after = exact_partition(self.g, sorted(region), self.target, self.low, self.high, with_bound=False)
        if after <= before:
            return None
        for gid in gids:
            for m in self.members[gid]:
                self.group_of[m] = -1
                self._clear(m)
            self._set(gid, [])
        return gids + [self.add_group(members) for members in circles]

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
        self.add_group(members)
        return [*taken, len(self.members) - 1]


def swapped(members: list[int], out: int, into: int) -> list[int]:
    return [into if m == out else m for m in members]


def neighbours(graph: TeachGraph, people: list[int], k: int) -> list[list[int]]:
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
