"""Brute force for the group tests: the best partition of a small cohort into groups, from scoring.breakdown alone."""

import itertools

from matching.scoring import breakdown, pair_key


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


def best_partition(people, rules, *, sizes=range(3, 7), target=4, excluded=()):
    """(placed, value, -imbalance) of the best partition into valid groups with sizes in `sizes` (others unplaced)."""
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
                result = max(result, (placed + k, total + value, imbalance + balance))
        best[mask] = result
        return result

    return solve((1 << n) - 1)
