"""Brute force for the group tests: the best partition of a small cohort into groups, from scoring.breakdown alone."""

import itertools

from matching.scoring import breakdown, pair_key, score


def relations(people, rules, excluded=()):
    """(teach points per ordered pair, pairs that may share a group), straight from breakdown()."""
    excluded = {pair_key(a, b) for a, b in excluded}
    teach, ok = {}, set()
    for a, b in itertools.combinations(people, 2):
        result = breakdown(a, b, rules, excluded=excluded)
        if not [m for m in result.blocked if not m.startswith(("not reciprocal", "neither "))]:
            ok.add(pair_key(a.id, b.id))
        teach[(a.id, b.id)] = sum(x.points for x in result.a_teaches_b)
        teach[(b.id, a.id)] = sum(x.points for x in result.b_teaches_a)
    return teach, ok


def group_value(ids, teach, ok):
    """A valid group's value (each member's best lesson from another member, summed), or None: someone teaches or
    learns nothing, two members may not share a group, or the group falls in two."""
    if any(pair_key(a, b) not in ok for a, b in itertools.combinations(ids, 2)):
        return None
    total = 0
    for b in ids:
        best = max(teach[(a, b)] for a in ids if a != b)
        if not best or not any(teach[(b, a)] for a in ids if a != b):
            return None
        total += best
    linked, grown = {ids[0]}, True
    while grown:
        grown = False
        for a, b in itertools.permutations(ids, 2):
            if a in linked and b not in linked and (teach[(a, b)] or teach[(b, a)]):
                linked.add(b)
                grown = True
    return total if len(linked) == len(ids) else None


def best_partition(people, rules, *, sizes=range(3, 7), target=4, excluded=(), value_only=False):
    """(placed, value, -imbalance) of the best partition into valid groups with sizes in `sizes` (others unplaced);
    value_only: the highest value of any partition, however many it places."""
    teach, ok = relations(people, rules, excluded)
    ids = sorted(p.id for p in people)
    n = len(ids)
    blocks = {}  # bitmask -> value
    for k in sizes:
        for combo in itertools.combinations(range(n), k):
            value = group_value([ids[i] for i in combo], teach, ok)
            if value is not None:
                blocks[sum(1 << i for i in combo)] = (k, value, -abs(k - target))
    best = {0: (0, 0, 0)}

    def solve(mask):
        if mask in best:
            return best[mask]
        first = (mask & -mask).bit_length() - 1
        result = solve(mask & ~(1 << first))  # first stays unplaced
        for block, (k, value, balance) in blocks.items():
            if block >> first & 1 and block & mask == block:
                placed, total, imbalance = solve(mask & ~block)
                candidate = (placed + k, total + value, imbalance + balance)
                result = max(result, candidate, key=(lambda r: r[1]) if value_only else None)
        best[mask] = result
        return result

    return solve((1 << n) - 1)[1] if value_only else solve((1 << n) - 1)


def best_pairs_and_triads(people, rules, *, excluded=()):
    """(placed, value) of the best partition into allowed pairs (their score) and triads (a 3-cycle of teaching
    between three people who may share a group; their group value), everyone else left out."""
    teach, ok = relations(people, rules, excluded)
    by_id = {p.id: p for p in people}
    ids = sorted(by_id)
    excluded = {pair_key(a, b) for a, b in excluded}
    options = {}  # frozenset of ids -> value
    for a, b in itertools.combinations(ids, 2):
        s = score(by_id[a], by_id[b], rules, excluded=excluded)
        if s is not None:
            options[frozenset((a, b))] = s
    for trio in itertools.combinations(ids, 3):
        a, b, c = trio
        cycle = (teach[(a, b)] and teach[(b, c)] and teach[(c, a)]) or (
            teach[(a, c)] and teach[(c, b)] and teach[(b, a)]
        )
        if cycle and all(pair_key(x, y) in ok for x, y in itertools.combinations(trio, 2)):
            options[frozenset(trio)] = group_value(trio, teach, ok)
    memo = {}

    def solve(rest):
        if not rest:
            return (0, 0)
        if rest in memo:
            return memo[rest]
        first = min(rest)
        best = solve(rest - {first})
        for group, value in options.items():
            if first in group and group <= rest:
                placed, total = solve(rest - group)
                best = max(best, (placed + len(group), total + value))
        memo[rest] = best
        return best

    return solve(frozenset(ids))
