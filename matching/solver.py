"""Maximum-cardinality, maximum-score matching on a general graph given as edge arrays (u < v, integer weight).

Pure NumPy/SciPy/rustworkx; imports nothing from Django.

- exact_matching: used up to 2,000 people. The fractional matching LP is solved exactly in integers (an
  assignment on the bipartite double cover plus shortest-path duals, in milliseconds); its duals usually prove a
  matching built from the LP's whole pairs optimal outright, or prove that only a small set of pairs can appear
  in any optimum, and rustworkx's blossom algorithm (max_cardinality=True) runs on those. When they prove
  neither (an odd cycle of half pairs that no real matching can copy), the blossom algorithm runs on every
  allowed pair. Exact either way; the LP only decides how much work the blossom algorithm gets.
- priced_matching: for larger cohorts. The fractional matching LP (maximise sum w_e x_e, x(delta(v)) <= 1) is solved
  with HiGHS on a candidate graph (each person's best k partners); pairs that beat the LP duals (w_uv > y_u + y_v)
  are added back and the LP re-solved (pricing) until no pair outside the candidate graph could improve it. The
  duals are then feasible for the whole graph, so sum(y) bounds the best matching from above. The matching itself
  is the exact optimum on the pairs the duals leave tight, computed per connected component, then repaired for
  cardinality by exact re-solves around the people still unmatched.

Cardinality first: every solver works with w + M (M = the largest score) so an extra pair is worth more than any
score difference the LP can see, and rustworkx is always called with max_cardinality=True. The certificate keeps
the two apart: the number of people matched is compared with the bound the allowed graph's components give (each
connected component of c people can match at most 2 * floor(c / 2); weaker than Tutte-Berge's), and the total
score with
sum(y) - M * pairs (valid for every matching with at least as many pairs as ours).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import rustworkx as rx
import scipy.sparse as sp
from scipy.optimize import OptimizeWarning, linprog
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

EXACT_LIMIT = 2000  # people; up to this many the exact solver runs on every allowed pair
CERTIFY_LIMIT = 2_000_000  # allowed pairs; beyond EXACT_LIMIT, the LP certificate is tried up to this many


@dataclass(frozen=True)
class SolverReport:
    """How the matching was found and how good it provably is."""

    method: str  # "exact" or "priced"
    people: int  # people the solver paired (locked pairs excluded)
    allowed_pairs: int
    candidate_pairs: int  # pairs the final LP saw ("exact": all allowed pairs)
    lp_rounds: int
    matchable_people_bound: int  # nobody can match more people than this (per connected component)
    matched_people: int
    total_score: int
    score_upper_bound: float | None  # no matching with as many pairs scores more; None for "exact"
    seconds: float

    @property
    def certified_ratio(self) -> float:
        """Total score / the best possible (1.0 when exact)."""
        if self.score_upper_bound is None:
            return 1.0
        if self.score_upper_bound <= 0:
            return 1.0
        return min(1.0, self.total_score / self.score_upper_bound)

    @property
    def cardinality_proven(self) -> bool:
        return self.method == "exact" or self.matched_people == self.matchable_people_bound


def _rx_matching(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Exact max-cardinality max-weight matching with rustworkx; returns (k, 2) index pairs, each row sorted."""
    if not len(u):
        return np.zeros((0, 2), dtype=np.int64)
    shift = max(0, 1 - int(w.min()))  # positive integer weights; same optimum among maximum-cardinality matchings
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(n))
    graph.add_edges_from(list(zip(u.tolist(), v.tolist(), (w + shift).tolist(), strict=True)))
    mates = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    pairs = np.array(sorted((min(a, b), max(a, b)) for a, b in mates), dtype=np.int64).reshape(-1, 2)
    return pairs


def matchable_bound(n: int, u: np.ndarray, v: np.ndarray) -> int:
    """An upper bound on how many people any matching can pair: sum over components of 2 * floor(size / 2)."""
    if not len(u):
        return 0
    _, sizes = _components(n, u, v)
    return int(np.sum(sizes // 2) * 2)


def exact_matching(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, SolverReport]:
    """The exact optimum on every allowed pair.

    First the LP shortcut (_certified_matching): usually it proves a matching optimal outright, or proves that
    only a small share of the pairs can be part of any optimum, and the blossom algorithm then runs on those.
    When it proves neither, the blossom algorithm runs on every allowed pair, one connected component at a time
    (regions cut off by a time-zone limit, for instance, are solved separately, which its cubic time rewards).
    """
    start = time.perf_counter()
    certified = _certified_matching(n, u, v, w)
    if certified is not None:
        return _exact_report(n, u, v, w, *certified, lp_rounds=1, start=start)
    return _exact_report(n, u, v, w, _solve_components(n, u, v, w), len(u), lp_rounds=0, start=start)


def _exact_report(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, pairs: np.ndarray, candidates: int, *, lp_rounds, start
) -> tuple[np.ndarray, SolverReport]:
    report = SolverReport(
        method="exact",
        people=n,
        allowed_pairs=len(u),
        candidate_pairs=candidates,
        lp_rounds=lp_rounds,
        matchable_people_bound=matchable_bound(n, u, v),
        matched_people=2 * len(pairs),
        total_score=_total(pairs, u, v, w, n),
        score_upper_bound=None,
        seconds=time.perf_counter() - start,
    )
    return pairs, report


def _components(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected component label per person, and each component's size."""
    graph = sp.coo_matrix((np.ones(len(u), dtype=np.int8), (u, v)), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    return labels, np.bincount(labels, minlength=count)


def _with_stand_ins(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, labels: np.ndarray, missing: np.ndarray):
    """Add missing[c] stand-in people to component c, each allowed with every member at score 0.

    `missing` must be how many people every maximum matching leaves single in each component (one for a
    component of odd size, as a first guess). Then the best matchings are the same with and without the
    stand-ins (a maximum matching of the component plus one stand-in pair per person it leaves single), and
    the new graph has a perfect matching, so the fractional LP can no longer cover more people than any real
    matching can (an odd cycle of half pairs otherwise does: an odd component always allows one).
    Returns (people including stand-ins, u, v, w).
    """
    per_person = missing[labels]
    members = np.repeat(np.arange(n), per_person)
    nth = np.arange(len(members)) - np.repeat(np.cumsum(per_person) - per_person, per_person)
    first = n + np.cumsum(missing) - missing  # each component's first stand-in
    stand_in = first[labels[members]] + nth
    return (
        n + int(missing.sum()),
        np.concatenate([u, members]).astype(np.int64),
        np.concatenate([v, stand_in]).astype(np.int64),
        np.concatenate([w, np.zeros(len(members), dtype=w.dtype)]).astype(np.int64),
    )


def _fractional_matching(n: int, u: np.ndarray, v: np.ndarray, weight: np.ndarray):
    """The fractional matching LP (max sum weight_e x_e, x(delta(p)) <= 1), solved exactly in integers.

    Its optimum is half-integral and equals half the best assignment on the bipartite double cover (every person
    once as a row and once as a column; pair uv gives arcs u->v' and v->u', and p->p' at 0 means "single").
    SciPy's sparse assignment (LAPJVsp) finds that in milliseconds. It gives no duals, so they are recovered as
    shortest-path potentials on the assignment's residual graph, relaxed a whole edge list at a time.

    Returns (x2, y2): twice the LP solution per edge (0, 1 or 2) and twice an optimal dual per person, integers,
    with y2 >= 0, y2[u] + y2[v] >= 2 * weight and sum(y2) == sum(x2 * weight), all checked here; or None when
    the potentials do not settle, and the caller does without.
    """
    people = np.arange(n)
    rows = np.concatenate([u, v, people])
    cols = np.concatenate([v, u, people])
    gain = np.concatenate([weight, weight, np.zeros(n, dtype=np.int64)])
    big = int(gain.max()) + 1
    cost = big - gain  # minimise; every arc costs at least 1, so none is read as a missing arc
    matrix = sp.csr_matrix((cost.astype(np.float64), (rows, cols)), shape=(n, n))
    try:
        row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    except ValueError:  # pragma: no cover - p->p' arcs always allow a full assignment
        return None
    col_of_row = np.empty(n, dtype=np.int64)
    col_of_row[row_ind] = col_ind
    row_of_col = np.empty(n, dtype=np.int64)
    row_of_col[col_of_row] = people
    assigned = col_of_row[rows] == cols
    col_cost = np.zeros(n, dtype=np.int64)
    col_cost[cols[assigned]] = cost[assigned]
    # Residual arcs between rows: row i could take column j from its row k = row_of_col[j].
    free = ~assigned
    src, dst = rows[free], row_of_col[cols[free]]
    arc = cost[free] - col_cost[cols[free]]
    order = np.argsort(dst, kind="stable")
    src, dst, arc = src[order], dst[order], arc[order]
    targets, starts = np.unique(dst, return_index=True)
    dist = np.zeros(n, dtype=np.int64)
    # Bellman-Ford from a source joined to every row at 0. It settles in about 100 passes on cohorts of 2,000 or
    # 10,000; n + 1 would prove a negative cycle, but 1,000 bounds the time, and the caller copes without.
    for _ in range(min(n + 1, 1000)):
        best = np.minimum.reduceat(dist[src] + arc, starts)
        better = best < dist[targets]
        if not better.any():
            break
        dist[targets[better]] = best[better]
    else:  # a negative cycle (the assignment was not optimal), or too slow to settle
        return None
    y2 = dist + big - col_cost - dist[row_of_col]  # row dual + column dual of the same person
    x2 = (col_of_row[u] == v).astype(np.int64) + (col_of_row[v] == u)
    if (y2 < 0).any() or (y2[u] + y2[v] < 2 * weight).any() or int(y2.sum()) != int((x2 * weight).sum()):
        return None  # pragma: no cover - a safeguard: the certificate below must never rest on a bad dual
    return x2, y2


def _certified_matching(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray):
    """The exact optimum, proven with the LP's duals; None when they prove too little to save time.

    1. Weights w' + M with M above any matching's total, so the LP and every bound below rank matchings by
       number of pairs first, as the engine does; stand-ins take the people each component must leave single
       (_with_stand_ins: one per odd component at first, and exactly as many as the LP proves when that is
       not enough).
    2. The LP gives an upper bound UB = sum(y) and reduced costs rc_e = y_u + y_v - weight_e >= 0. Any matching
       scores UB minus its reduced costs minus its single people's duals, so its score is at most UB - rc_e
       for each of its pairs.
    3. A good matching L: the LP's whole pairs, re-solved exactly around the people they leave single (a few
       steps out along pairs the duals leave tight, then further along nearly tight ones if needed). If
       UB - score(L) < 1 it is the optimum (scores are integers). Otherwise no pair with rc_e > UB - score(L)
       belongs to any matching at least as good as L, and the blossom algorithm runs on the pairs left, which
       split into many small components.
    Returns (pairs, candidate pairs the blossom algorithm saw) or None.
    """
    if len(u) < 2 or not np.issubdtype(w.dtype, np.integer):
        return None
    labels, sizes = _components(n, u, v)
    missing = np.where(sizes > 1, sizes % 2, 0)
    for attempt in (1, 2):
        size, uu, vv, ww = _with_stand_ins(n, u, v, w, labels, missing)
        ww = ww - int(ww.min()) + 1  # positive; one constant on every pair keeps the order among equal counts
        big = (size // 2) * int(ww.max()) + 1
        weight = ww + big
        if 4 * size * int(weight.max()) >= 2**53:  # keep every float the assignment sees an exact integer
            return None
        fractional = _fractional_matching(size, uu, vv, weight)
        if fractional is None:  # the duals did not settle in time
            return None
        x2, y2 = fractional
        if int(x2.sum()) % 2 == 0:
            break
        # Half a pair left over (x2 counts pairs twice): the LP covers more people than any matching can, by
        # an odd cycle of half pairs around people a hub or two can't all serve. Its bound would carry half of
        # `big` and prune nothing. But it proves no matching has more than floor(sum / 2) pairs: if one with
        # that many is found, it shows how many people each component must leave single, and stand-ins for
        # exactly those make the LP whole (the second attempt).
        if attempt == 2:
            return None
        reduced2 = y2[uu] + y2[vv] - 2 * weight
        found = _around_singles(size, uu, vv, ww, x2 == 2, reduced2 <= 4, 12)
        if 2 * len(found) != int(x2.sum()) - 1:
            return None
        real = found[found[:, 1] < n]
        paired = np.bincount(labels[real[:, 0]], minlength=len(sizes))
        missing = np.where(sizes > 1, sizes - 2 * paired, 0)
    reduced2 = y2[uu] + y2[vv] - 2 * weight
    whole = x2 == 2
    best, gap2 = None, None
    for slack2, hops in ((0, 3), (4, 12)):  # a quick first try, then a wider one when it falls short
        pairs = _around_singles(size, uu, vv, ww, whole, reduced2 <= slack2, hops)
        gap = int(y2.sum()) - 2 * (big * len(pairs) + _total(pairs, uu, vv, ww, size))
        if gap2 is None or gap < gap2:
            best, gap2 = pairs, gap
        if gap2 < 2:
            break
    pairs = best
    candidates = 0
    if gap2 >= 2:
        keep = reduced2 <= gap2
        if keep.sum() > len(uu) // 2:
            return None  # the bound is too loose to prune much (an odd cycle the stand-ins cannot fix)
        candidates = int(keep[: len(u)].sum())  # the allowed pairs among them (stand-in pairs come last)
        pairs = _solve_components(size, uu[keep], vv[keep], ww[keep])
    real = (pairs[:, 0] < n) & (pairs[:, 1] < n) if len(pairs) else np.zeros(0, dtype=bool)
    return pairs[real], candidates


def _around_singles(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, whole: np.ndarray, tight: np.ndarray, hops: int
) -> np.ndarray:
    """The LP's whole pairs, with an exact re-solve on the people they leave single, grown `hops` tight pairs
    out (with the partners of everyone reached); returns sorted (k, 2) pairs."""
    mate = np.full(n, -1, dtype=np.int64)
    mate[u[whole]] = v[whole]
    mate[v[whole]] = u[whole]
    degree = np.bincount(np.concatenate([u, v]), minlength=n)
    ball = (mate < 0) & (degree > 0)
    limit = max(1000, 8 * int(ball.sum()))  # the exact re-solve costs more than linearly in its people
    for _ in range(hops):
        if ball.sum() >= limit:
            break
        near = tight & (ball[u] | ball[v])
        grown = ball.copy()
        grown[u[near]] = True
        grown[v[near]] = True
        partners = mate[grown & ~ball]
        grown[partners[partners >= 0]] = True
        ball = grown
    inside = np.flatnonzero(ball[u] & ball[v])
    nodes = np.flatnonzero(ball)
    local = _solve_components(
        len(nodes), np.searchsorted(nodes, u[inside]), np.searchsorted(nodes, v[inside]), w[inside]
    )
    kept = np.flatnonzero(whole & ~ball[u])
    pairs = np.concatenate([np.stack([u[kept], v[kept]], axis=1), nodes[local].reshape(-1, 2)])
    pairs = np.sort(pairs, axis=1)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def _total(pairs: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> int:
    if not len(pairs):
        return 0
    keys = u.astype(np.int64) * n + v
    order = np.argsort(keys)
    pos = order[np.searchsorted(keys[order], pairs[:, 0] * n + pairs[:, 1])]
    return int(w[pos].sum())


def _top_k(n: int, ends_u: np.ndarray, ends_v: np.ndarray, value: np.ndarray, k: int) -> np.ndarray:
    """Indices of the edges among each vertex's k best by value (ties: lower edge index)."""
    m = len(ends_u)
    if not m:
        return np.zeros(0, dtype=np.int64)
    if np.issubdtype(value.dtype, np.integer):
        low, high = int(value.min()), int(value.max())
        value_bits = max(1, (high - low).bit_length())
        edge_bits = max(1, int(m).bit_length())
        if int(n).bit_length() + value_bits + edge_bits <= 62:
            return _top_k_packed(n, ends_u, ends_v, value, k, high, value_bits, edge_bits)
    edge = np.arange(m, dtype=np.int64)
    ends = np.concatenate([ends_u, ends_v]).astype(np.int64)
    edges = np.concatenate([edge, edge])
    vals = np.concatenate([value, value])
    order = np.lexsort((edges, -vals, ends))
    ends, edges = ends[order], edges[order]
    rank = np.arange(len(ends)) - np.searchsorted(ends, ends, side="left")
    return np.unique(edges[rank < k])


def _top_k_packed(
    n: int,
    ends_u: np.ndarray,
    ends_v: np.ndarray,
    value: np.ndarray,
    k: int,
    high: int,
    value_bits: int,
    edge_bits: int,
) -> np.ndarray:
    """_top_k for integer values: (vertex, value descending, edge) packed into one int64 and sorted in place.

    Much faster than lexsort on tens of millions of entries, and it never holds more than the keys and one
    half-size temporary (memory matters at 50,000 people and 19 million pairs).
    """
    m = len(ends_u)
    shift = value_bits + edge_bits
    keys = np.empty(2 * m, dtype=np.int64)
    for half, ends in ((slice(0, m), ends_u), (slice(m, 2 * m), ends_v)):
        part = keys[half]
        part[:] = ends
        part <<= shift
        temp = high - value.astype(np.int64)
        temp <<= edge_bits
        part |= temp
        del temp
        part |= np.arange(m, dtype=np.int64)
    keys.sort()
    starts = np.searchsorted(keys, np.arange(n + 1, dtype=np.int64) << shift)
    counts = np.minimum(np.diff(starts), k)
    picked = np.repeat(starts[:-1], counts) + (
        np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    result = keys[picked] & ((1 << edge_bits) - 1)
    del keys
    return np.unique(result)


def _lp(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, state: dict | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Fractional matching LP on the given edges: returns (x per edge, dual y per vertex).

    Interior point without crossover, to a looser tolerance, first: the duals need not be exact (they are made
    feasible afterwards and only bound the optimum), and it halves the time on these degenerate LPs. When HiGHS
    cannot classify that answer it is solved again with crossover, and `state` remembers to go straight there
    in the next pricing rounds.
    """
    m = len(u)
    if not m:
        return np.zeros(0), np.zeros(n)
    state = state if state is not None else {}
    incidence = sp.csc_matrix(
        (np.ones(2 * m), (np.concatenate([u, v]), np.concatenate([np.arange(m), np.arange(m)]))), shape=(n, m)
    )
    attempts = [{"run_crossover": "off", "ipm_optimality_tolerance": 1e-6}, {}]
    if state.get("crossover"):
        attempts = attempts[1:]
    for options in attempts:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OptimizeWarning)
            res = linprog(-w, A_ub=incidence, b_ub=np.ones(n), bounds=(0, None), method="highs-ipm", options=options)
        if res.status == 0 and res.ineqlin is not None and res.ineqlin.marginals is not None:
            break
        state["crossover"] = True
    else:  # pragma: no cover - the LP is always feasible (x = 0) and bounded (x <= 1)
        raise RuntimeError(f"matching LP failed: {res.message}")
    return np.asarray(res.x), np.maximum(-np.asarray(res.ineqlin.marginals), 0.0)


def _solve_components(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Exact matching on a sparse graph, one connected component at a time (a lone edge is its own answer)."""
    if not len(u):
        return np.zeros((0, 2), dtype=np.int64)
    labels, _ = _components(n, u, v)
    comp = labels[u]
    order = np.argsort(comp, kind="stable")
    comp_sorted = comp[order]
    bounds = np.flatnonzero(np.diff(comp_sorted)) + 1
    result = []
    for group in np.split(order, bounds):
        if len(group) == 1:
            e = group[0]
            result.append((int(u[e]), int(v[e])))
            continue
        nodes = np.unique(np.concatenate([u[group], v[group]]))
        local = np.searchsorted(nodes, u[group]), np.searchsorted(nodes, v[group])
        for a, b in _rx_matching(len(nodes), local[0], local[1], w[group]):
            result.append((int(nodes[a]), int(nodes[b])))
    return np.array(sorted(result), dtype=np.int64).reshape(-1, 2)


def _mates(n: int, pairs: np.ndarray) -> np.ndarray:
    mate = np.full(n, -1, dtype=np.int64)
    if len(pairs):
        mate[pairs[:, 0]] = pairs[:, 1]
        mate[pairs[:, 1]] = pairs[:, 0]
    return mate


def _repair(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, pairs: np.ndarray, bound: int, rounds: int = 6, reach: int = 8
) -> np.ndarray:
    """Match more people: re-solve exactly around the unmatched (their best partners and those partners' mates).

    The ball is closed under the current matching, so the exact re-solve inside it can only keep or raise the
    number of pairs (cardinality first, then score); everything outside stays as it is.
    """
    degree = np.bincount(np.concatenate([u, v]), minlength=n)
    for _ in range(rounds):
        mate = _mates(n, pairs)
        if 2 * len(pairs) >= bound:
            break
        touch = (mate < 0) & (degree > 0)
        # The best `reach` edges of each unmatched person (not of their neighbours, or the ball would swallow
        # the whole neighbourhood of everyone near them).
        from_u, from_v = np.flatnonzero(touch[u]), np.flatnonzero(touch[v])
        ends = np.concatenate([u[from_u], v[from_v]])
        edges = np.concatenate([from_u, from_v])
        order = np.lexsort((edges, -w[edges], ends))
        ends, edges = ends[order], edges[order]
        rank = np.arange(len(ends)) - np.searchsorted(ends, ends, side="left")
        best = np.unique(edges[rank < reach])
        ball = touch.copy()
        ball[u[best]] = True
        ball[v[best]] = True
        partners = mate[ball]
        ball[partners[partners >= 0]] = True
        # Inside the ball: the current pairs, every edge of the unmatched, and the edges between a partner of
        # theirs and someone else in the ball (the alternating paths that let one more pair in).
        keep = ball[u] & ball[v]
        sub = np.flatnonzero(keep)
        nodes = np.flatnonzero(ball)
        local_pairs = _solve_components(
            len(nodes), np.searchsorted(nodes, u[sub]), np.searchsorted(nodes, v[sub]), w[sub]
        )
        outside = pairs[~ball[pairs[:, 0]]] if len(pairs) else pairs
        new = np.concatenate([outside, nodes[local_pairs].reshape(-1, 2)])
        if len(new) <= len(pairs):
            break
        pairs = new[np.lexsort((new[:, 1], new[:, 0]))]
    return pairs


def _edge_ids(n: int, u: np.ndarray, v: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    if not len(pairs):
        return np.zeros(0, dtype=np.int64)
    keys = u.astype(np.int64) * n + v
    order = np.argsort(keys)
    return order[np.searchsorted(keys[order], pairs[:, 0] * n + pairs[:, 1])]


def _feasible_duals(n: int, u: np.ndarray, v: np.ndarray, weight: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Raise duals until y_u + y_v >= weight on every edge (the larger violation at each vertex, lower end)."""
    reduced = weight - y[u] - y[v]
    short = reduced > 0
    bump = np.zeros(n)
    np.maximum.at(bump, u[short], reduced[short])
    return y + bump


def priced_matching(
    n: int,
    u: np.ndarray,
    v: np.ndarray,
    w: np.ndarray,
    *,
    k: int = 10,
    k_add: int = 30,
    max_rounds: int = 8,
    target: float = 0.9995,
    settle: float = 5e-5,
) -> tuple[np.ndarray, SolverReport]:
    """Candidate graph + LP pricing. Each round: solve the LP on the candidate pairs, match on the pairs its
    duals leave tight, and stop once that matching is proven within `target` of the optimum (or nothing outside
    the candidate graph could improve the LP, or after max_rounds); otherwise add the pairs that beat the duals.
    """
    start = time.perf_counter()
    if not len(u):
        return exact_matching(n, u, v, w)
    big = int(max(1, w.max()))
    weight = np.maximum((w + big).astype(np.float64), 0.0)
    scale = float(weight.max())
    bound = matchable_bound(n, u, v)
    candidate = np.zeros(len(u), dtype=bool)
    candidate[_top_k(n, u, v, w, k)] = True
    rounds = 0
    lp_state: dict = {}
    best_pairs, best_key, best_dual = np.zeros((0, 2), dtype=np.int64), (-1, 0), np.inf
    while True:
        rounds += 1
        idx = np.flatnonzero(candidate)
        _, y = _lp(n, u[idx], v[idx], weight[idx], lp_state)
        reduced = weight - y[u] - y[v]
        improving = np.flatnonzero((reduced > 1e-7 * scale) & ~candidate)
        # Duals made feasible for every allowed pair bound every matching; the pairs they leave tight hold a
        # matching close to the optimum.
        feasible = _feasible_duals(n, u, v, weight, y)
        best_dual = min(best_dual, float(feasible.sum()))
        last = not len(improving) or rounds >= max_rounds
        # Matching on tight pairs only pays once the duals are nearly feasible (early rounds leave thousands of
        # violated pairs, and the tight graph would be one big component).
        if last or feasible.sum() - y.sum() <= settle * y.sum():
            tight = np.flatnonzero(weight - feasible[u] - feasible[v] >= -1e-6 * scale)
            pairs = _repair(n, u, v, w, _solve_components(n, u[tight], v[tight], w[tight]), bound)
            key = (len(pairs), _total(pairs, u, v, w, n))
            if key > best_key:
                best_pairs, best_key = pairs, key
            if last or best_key[1] >= target * (best_dual - big * best_key[0]):
                break
        candidate[improving[_top_k(n, u[improving], v[improving], reduced[improving], k_add)]] = True
    report = SolverReport(
        method="priced",
        people=n,
        allowed_pairs=len(u),
        candidate_pairs=int(candidate.sum()),
        lp_rounds=rounds,
        matchable_people_bound=bound,
        matched_people=2 * best_key[0],
        total_score=best_key[1],
        score_upper_bound=best_dual - big * best_key[0],
        seconds=time.perf_counter() - start,
    )
    return best_pairs, report


def match(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, *, exact: bool | None = None
) -> tuple[np.ndarray, SolverReport]:
    """The best matching.

    exact=True: exact_matching (the engine's choice up to EXACT_LIMIT people). exact=False: priced_matching.
    exact=None: exact_matching up to EXACT_LIMIT people; beyond, the LP certificate alone when the graph is small
    enough for it (CERTIFY_LIMIT allowed pairs; it proves the optimum of typical cohorts of 10,000 in seconds),
    and priced_matching when it doesn't answer.
    """
    if exact or (exact is None and n <= EXACT_LIMIT):
        return exact_matching(n, u, v, w)
    if exact is None and len(u) <= CERTIFY_LIMIT:
        start = time.perf_counter()
        certified = _certified_matching(n, u, v, w)
        if certified is not None:
            return _exact_report(n, u, v, w, *certified, lp_rounds=1, start=start)
    return priced_matching(n, u, v, w)
