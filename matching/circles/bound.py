"""The upper bound on the value of circles: the transportation LP's dual (see the package docstring)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from matching.groups import TeachGraph

BOUND_ARCS = 8  # the upper bound's LP starts from each learner's best teachers ...
BOUND_ROUNDS = 4  # ... and adds the arcs its duals miss, this many times at most


def value_bound(graph: TeachGraph, people: list[int], high: int) -> float:
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
        lam = transport_duals(graph.n, t[idx], lr[idx], w[idx], capacity)
        bound, top = bound_at(lam)
        best = min(best, bound)
        better = (w - lam[t] > top + 1e-9) & ~chosen  # arcs the restricted LP did not see that beat its duals
        if not better.any():
            break
        chosen |= better
    return best


def transport_duals(n: int, t: np.ndarray, lr: np.ndarray, w: np.ndarray, capacity: int) -> np.ndarray:
    """Teacher duals (lam) of max sum w x, sum over a teacher's arcs <= capacity, over a learner's arcs <= 1."""
    m = len(t)
    rows = np.concatenate([lr, n + t])
    matrix = sp.csr_matrix((np.ones(2 * m), (rows, np.tile(np.arange(m), 2))), shape=(2 * n, m))
    limits = np.concatenate([np.ones(n), np.full(n, float(capacity))])
    res = linprog(-w, A_ub=matrix, b_ub=limits, bounds=(0, None), method="highs")
    if res.status != 0 or res.ineqlin is None:  # pragma: no cover - the LP is feasible (x = 0) and bounded
        return np.zeros(n)
    return np.maximum(-np.asarray(res.ineqlin.marginals)[n:], 0.0)
