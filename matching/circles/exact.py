"""Who could be in a circle at all, and the best partition of a few people, by dynamic programming."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.groups import TeachGraph


def placeable_parts(graph: TeachGraph, free: list[int], low: int) -> list[list[int]]:
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


def exact_partition(
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
