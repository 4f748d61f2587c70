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


def random_graph(rng, n, m, low=1, high=400):
    """m distinct pairs u < v among n people with integer scores (as the engine produces)."""
    u = rng.integers(0, n, 3 * m)
    v = rng.integers(0, n, 3 * m)
    keep = u < v
    pairs = np.unique(np.stack([u[keep], v[keep]], axis=1), axis=0)[:m]
    w = rng.integers(low, high, len(pairs))
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64), w.astype(np.int64)


def blossom(n, u, v, w):
    pairs = solver._solve_components(n, u, v, w)
    return len(pairs), solver._total(pairs, u, v, w, n)


def test_fractional_matching_is_the_lp_optimum_with_a_checked_certificate():
    import scipy.sparse as sp
    from scipy.optimize import linprog

    rng = np.random.default_rng(2)
    for trial in range(25):
        n = int(rng.integers(3, 60))
        u, v, w = random_graph(rng, n, int(rng.integers(1, 4 * n)))
        x2, y2 = solver._fractional_matching(n, u, v, w)
        m = len(u)
        incidence = sp.csc_matrix((np.ones(2 * m), (np.concatenate([u, v]), np.tile(np.arange(m), 2))), shape=(n, m))
        lp = linprog(-w, A_ub=incidence, b_ub=np.ones(n), bounds=(0, 1), method="highs")
        assert set(np.unique(x2)) <= {0, 1, 2}, trial  # half-integral
        assert np.all(np.bincount(np.concatenate([u, v]), weights=np.concatenate([x2, x2]), minlength=n) <= 2)
        assert (x2 * w).sum() == y2.sum()  # primal = dual: both optimal
        assert abs(y2.sum() / 2 + lp.fun) < 1e-6, trial
        assert np.all(y2 >= 0) and np.all(y2[u] + y2[v] >= 2 * w)


def test_certified_matching_equals_the_blossom_algorithm_whenever_it_answers():
    rng = np.random.default_rng(3)
    answered = 0
    for trial in range(300):
        n = int(rng.integers(2, 120))
        m = int(rng.integers(1, max(2, n * rng.integers(1, 8))))
        u, v, w = random_graph(rng, n, m, high=int(rng.choice([3, 50, 400])))  # few scores: many ties
        result = solver._certified_matching(n, u, v, w)
        if result is None:
            continue
        answered += 1
        pairs, candidates = result
        assert candidates <= len(u)
        assert len(np.unique(pairs)) == pairs.size, trial  # a matching
        assert np.all(pairs[:, 0] < pairs[:, 1])
        assert (len(pairs), solver._total(pairs, u, v, w, n)) == blossom(n, u, v, w), trial
    assert answered > 200  # the shortcut is what usually runs


def test_odd_components_get_a_stand_in_and_lose_nobody_who_could_be_matched():
    # A triangle (one person left over), a path of 5 (one left over) and a pair.
    u = np.array([0, 1, 0, 3, 4, 5, 6, 8])
    v = np.array([1, 2, 2, 4, 5, 6, 7, 9])
    w = np.array([5, 9, 7, 1, 8, 8, 1, 4])
    labels, sizes = solver._components(10, u, v)
    size, uu, vv, _ = solver._with_stand_ins(10, u, v, w, labels, np.where(sizes > 1, sizes % 2, 0))
    assert size == 12  # one stand-in per odd component, allowed with each of its members
    assert sorted(zip(uu[len(u) :].tolist(), vv[len(u) :].tolist(), strict=True)) == [
        (0, 10),
        (1, 10),
        (2, 10),
        (3, 11),
        (4, 11),
        (5, 11),
        (6, 11),
        (7, 11),
    ]
    pairs, _ = solver._certified_matching(10, u, v, w)
    assert (len(pairs), solver._total(pairs, u, v, w, 10)) == blossom(10, u, v, w) == (4, 9 + 9 + 4)


def test_a_hub_that_cannot_serve_everyone_gets_as_many_stand_ins_as_the_lp_proves():
    # Hub 0 with two pendants (1, 2) and a triangle 3-4-5 hanging off it: six people (no stand-in at first),
    # but any matching leaves two single, while the LP covers five of them by halves (0-1 and 0-2 at 1/2, the
    # triangle at 1/2 each). That bounds matchings at 2 pairs; one with 2 pairs is found, so the component
    # gets two stand-ins and the LP comes out whole.
    u = np.array([0, 0, 0, 3, 3, 4])
    v = np.array([1, 2, 3, 4, 5, 5])
    w = np.array([10, 10, 12, 10, 11, 10])
    pairs, _ = solver._certified_matching(6, u, v, w)
    assert (len(pairs), solver._total(pairs, u, v, w, 6)) == blossom(6, u, v, w) == (2, 22)


def test_exact_matching_falls_back_to_the_blossom_algorithm_when_the_lp_proves_too_little(monkeypatch):
    monkeypatch.setattr(solver, "_certified_matching", lambda *args: None)
    u = np.array([0, 0, 0, 3, 3, 4])
    v = np.array([1, 2, 3, 4, 5, 5])
    w = np.array([10, 10, 12, 10, 11, 10])
    pairs, report = solver.exact_matching(6, u, v, w)
    assert (len(pairs), report.total_score) == (2, 22)
    assert report.candidate_pairs == len(u) and report.lp_rounds == 0


def test_exact_matching_on_a_synthetic_cohort_proves_its_answer_with_few_candidates():
    from matching.engine import Rules
    from matching.scoring import CohortArrays
    from tests.matching.synthetic import make_cohort

    for seed in (1, 3):
        people = sorted(make_cohort(400, seed=seed), key=lambda p: p.id)
        u, v, w = CohortArrays(people, Rules(max_timezone_gap_hours=8)).allowed_edges()
        pairs, report = solver.exact_matching(400, u, v, w)
        assert (len(pairs), report.total_score) == blossom(400, u, v, w)


def test_beyond_the_exact_limit_the_lp_proof_answers_first_and_pricing_is_the_fallback(monkeypatch):
    rng = np.random.default_rng(4)
    u, v, w = random_graph(rng, 60, 300)
    monkeypatch.setattr(solver, "EXACT_LIMIT", 50)  # 60 people count as a large cohort here
    pairs, report = solver.match(60, u, v, w)
    assert report.method == "exact" and report.lp_rounds == 1 and report.certified_ratio == 1.0
    assert (len(pairs), report.total_score) == blossom(60, u, v, w)

    monkeypatch.setattr(solver, "_certified_matching", lambda *args: None)
    _, fallback = solver.match(60, u, v, w)
    assert fallback.method == "priced"
    _, forced = solver.match(60, u, v, w, exact=True)
    assert forced.method == "exact" and forced.lp_rounds == 0
