"""Solver internals that the engine's quality rests on."""

import numpy as np

from matching import solver


def naive_top_k(n, u, v, value, k):
    best = set()
    for x in range(n):
        incident = [e for e in range(len(u)) if x in (u[e], v[e])]
        incident.sort(key=lambda e: (-value[e], e))
        best.update(incident[:k])
    return sorted(best)


def test_top_k_keeps_each_persons_best_edges():
    rng = np.random.default_rng(0)
    for trial in range(20):
        n = int(rng.integers(2, 30))
        m = int(rng.integers(1, 80))
        u = rng.integers(0, n, m).astype(np.int32)
        v = ((u + rng.integers(1, n, m)) % n).astype(np.int32) if n > 1 else u
        value = rng.integers(-5, 40, m)
        k = int(rng.integers(1, 5))
        expected = naive_top_k(n, u.tolist(), v.tolist(), value.tolist(), k)
        assert solver._top_k(n, u, v, value, k).tolist() == expected, trial
        assert solver._top_k(n, u, v, value.astype(float), k).tolist() == expected, trial


def test_matchable_bound_counts_each_component():
    # A triangle (3 people: 2 can match), a path of 4 (4 can) and an isolated person.
    u = np.array([0, 1, 0, 3, 4, 5])
    v = np.array([1, 2, 2, 4, 5, 6])
    assert solver.matchable_bound(8, u, v) == 6


def test_feasible_duals_cover_every_edge():
    rng = np.random.default_rng(1)
    u = rng.integers(0, 50, 300)
    v = (u + rng.integers(1, 50, 300)) % 50
    weight = rng.random(300) * 10
    y = solver._feasible_duals(50, u, v, weight, rng.random(50))
    assert np.all(y[u] + y[v] >= weight - 1e-9)
