"""Matching engine benchmarks on synthetic cohorts with realistic profiles (see tests/matching/synthetic.py).

Run with `make bench`. Each scenario runs in a fresh Python process so its peak memory is its own. Every figure
the README quotes is printed by one of these scenarios (the README names which); the asserts check quality, not
time. The scenarios, by default and with the environment variables that add more:

- 2,000 people: exact optimum on the full graph, scoring + solving time and peak memory, the whole `solve()`
  (explanations, reasons, supply and demand), and networkx's max_weight_matching on the same allowed pairs (the
  reference we beat; it must find the same optimum).
- 2,000 people, `manage.py match_json` end to end on the same cohort written as a JSON file (with --output and
  --edges), Django's start-up included.
- 10,000 people: the LP certificate proves the optimum (TWOWAY_BENCH_EXACT=1 also runs the blossom algorithm
  alone on the full graph, minutes, and checks it finds the same), then the whole `solve()`; and the priced
  fallback on its own, with its LP-certified share (>= 99.9 %) and its share of the proven optimum.
- TWOWAY_BENCH_SEEDS=1: the 2,000-person cohort of seeds 1-10 of the generator, each solved by the solver and
  by the blossom algorithm alone (same optimum), and the range of their times.
- TWOWAY_BENCH_HARD=1: a harder cohort (time-zone limit 3 h, same department forbidden) at 2,000 people (against
  the blossom algorithm alone) and 10,000 people.
- TWOWAY_BENCH_50K=1: 50,000 people, priced and certified (>= 99.5 %), then the whole `solve()`; minutes.
"""

import contextlib
import dataclasses
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = {"max_timezone_gap_hours": 8}  # otherwise a new cohort's defaults
HARD_RULES = {"max_timezone_gap_hours": 3, "same_department": "forbidden"}
SEEDS = range(1, 11)


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover - not Linux


def _reset_peak() -> float:
    """Reset the process's peak resident memory (Linux) and return the current resident memory in MB."""
    gc.collect()
    with contextlib.suppress(OSError):  # not Linux: the figure is then the peak of the whole process
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def _cohort(n: int, seed: int, rules: dict):
    from matching.engine import Rules
    from tests.matching.synthetic import make_cohort

    return sorted(make_cohort(n, seed=seed), key=lambda p: p.id), Rules(**rules)


def scenario(n: int, mode: str, *, seed: int = 1, rules: dict = RULES, full_solve: bool = False) -> dict:
    """Runs inside the child process: build the cohort, then time scoring and solving."""
    people, engine_rules = _cohort(n, seed, rules)
    from matching import solver
    from matching.engine import solve
    from matching.scoring import CohortArrays

    baseline = _reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    arrays = CohortArrays(people, engine_rules)
    u, v, w = arrays.allowed_edges()
    t1, c1 = time.perf_counter(), time.process_time()
    _, report = solver.match(n, u, v, w, exact={"exact": True, "networkx": True, "priced": False}.get(mode))
    t2, c2 = time.perf_counter(), time.process_time()
    figures = {
        "people": n,
        "seed": seed,
        "rules": rules,
        "allowed_pairs": len(u),
        "reciprocal_share": len(u) / (n * (n - 1) / 2),
        "scoring_s": t1 - t0,
        "solving_s": t2 - t1,
        "scoring_plus_solving_s": t2 - t0,
        # CPU time of this process: what the wall-clock figures would be on an idle machine (the engine runs on
        # one core, apart from HiGHS), since the benchmark machine is often shared with other work.
        "scoring_cpu_s": c1 - c0,
        "solving_cpu_s": c2 - c1,
        "peak_mb": _status_mb("VmHWM") - baseline,
        "method": report.method,
        "matched": report.matched_people,
        "matchable_bound": report.matchable_people_bound,
        "total": report.total_score,
        "upper_bound": report.score_upper_bound,
        "certified_ratio": report.certified_ratio,
        # "exact": the pairs the blossom algorithm saw after the LP's proof (0: the LP proved it alone)
        "candidate_pairs": report.candidate_pairs,
        "lp_rounds": report.lp_rounds,
    }
    if mode == "networkx":
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        graph.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist(), strict=True))
        t3, c3 = time.perf_counter(), time.process_time()
        mates = nx.max_weight_matching(graph, maxcardinality=True)
        figures["networkx_s"] = time.perf_counter() - t3
        figures["networkx_cpu_s"] = time.process_time() - c3
        figures["networkx_total"] = sum(graph[a][b]["weight"] for a, b in mates)
        figures["networkx_matched"] = 2 * len(mates)
    if mode == "compare":
        t3 = time.perf_counter()
        blossom = solver._solve_components(n, u, v, w)  # the blossom algorithm alone on every allowed pair
        figures["blossom_s"] = time.perf_counter() - t3
        figures["blossom_total"] = solver._total(blossom, u, v, w, n)
        figures["blossom_matched"] = 2 * len(blossom)
    if mode == "priced" and len(u) <= solver.CERTIFY_LIMIT:
        _, proven = solver.match(n, u, v, w)  # the LP certificate's proven optimum, to compare with
        if proven.method == "exact":
            figures["proven_optimum"] = proven.total_score
            figures["share_of_proven_optimum"] = report.total_score / proven.total_score
    if full_solve:
        t4 = time.perf_counter()
        result = solve(people, engine_rules)
        figures["full_solve_s"] = time.perf_counter() - t4  # explanations, reasons, supply and demand included
        figures["full_solve_timings"] = dict(result.timings)
        figures["full_solve_total"] = result.total_score
    return figures


def seeds_scenario(n: int) -> dict:
    """The same generator with ten seeds: the solver and the blossom algorithm alone on each cohort."""
    from matching import solver
    from matching.scoring import CohortArrays

    rows = []
    for seed in SEEDS:
        people, rules = _cohort(n, seed, RULES)
        u, v, w = CohortArrays(people, rules).allowed_edges()
        t0 = time.perf_counter()
        _, report = solver.match(n, u, v, w)
        t1 = time.perf_counter()
        blossom = solver._solve_components(n, u, v, w)
        t2 = time.perf_counter()
        rows.append(
            {
                "seed": seed,
                "allowed_pairs": len(u),
                "solving_s": t1 - t0,
                "proven_by_lp": report.method == "exact" and report.lp_rounds == 1,
                "blossom_pairs_after_lp": report.candidate_pairs,
                "blossom_alone_s": t2 - t1,
                "matched": report.matched_people,
                "total": report.total_score,
                "same_as_blossom_alone": (report.matched_people, report.total_score)
                == (2 * len(blossom), solver._total(blossom, u, v, w, n)),
            }
        )
    return {
        "people": n,
        "seeds": rows,
        "solving_s_range": f"{min(r['solving_s'] for r in rows):.2f}-{max(r['solving_s'] for r in rows):.2f}",
        "blossom_alone_s_range": f"{min(r['blossom_alone_s'] for r in rows):.2f}-"
        f"{max(r['blossom_alone_s'] for r in rows):.2f}",
    }


def match_json_scenario(n: int) -> dict:
    """`manage.py match_json` on the bench cohort written as a file: what a person running the command waits."""
    people, rules = _cohort(n, 1, RULES)
    from matching import solver
    from matching.scoring import CohortArrays

    u, v, w = CohortArrays(people, rules).allowed_edges()
    _, engine = solver.match(n, u, v, w)  # what the command must find
    data = {
        "rules": RULES,
        "people": [{**dataclasses.asdict(p), "goals": list(p.goals)} for p in people],
    }
    with tempfile.TemporaryDirectory() as folder:
        source, output, edges = (Path(folder) / name for name in ("in.json", "out.json", "edges.csv"))
        source.write_text(json.dumps(data), encoding="utf-8")
        command = [sys.executable, "manage.py", "match_json", str(source), "--output", str(output)]
        start = time.perf_counter()
        completed = subprocess.run([*command, "--edges", str(edges)], cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        assert completed.returncode == 0, completed.stderr
        result = json.loads(output.read_text(encoding="utf-8"))
        return {
            "people": n,
            "input_mb": source.stat().st_size / 1_048_576,
            "match_json_s": elapsed,
            "matched": result["matched_people"],
            "total": result["total_score"],
            "engine_matched": engine.matched_people,
            "engine_total": engine.total_score,
            "edges_written": sum(1 for _ in edges.open(encoding="utf-8")) - 1,  # minus the header
        }


def run(label: str, **arguments) -> dict:
    """Run one scenario in its own process and print every figure it measured."""
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, __file__, json.dumps(arguments)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    print(f"\nmatching benchmark: {label}")
    for key, value in figures.items():
        if key == "seeds":
            for row in value:
                print("  " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()))
        elif key.endswith(("ratio", "share_of_proven_optimum", "reciprocal_share")):
            print(f"  {key:>24}: {value:.3%}")
        else:
            print(f"  {key:>24}: {value:,.4f}" if isinstance(value, float) else f"  {key:>24}: {value}")
    # How busy the machine was: the figures above are wall-clock times on a shared machine.
    print(f"  {'scenario wall time':>24}: {time.perf_counter() - start:.1f} s (cohort generation included)")
    print(f"  {'load average (1 min)':>24}: {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    return figures


def test_bench_2000_people_exact_against_networkx():
    figures = run("2,000 people, exact, against networkx", n=2000, mode="networkx", full_solve=True)
    assert figures["method"] == "exact"
    assert figures["networkx_matched"] == figures["matched"]
    assert figures["networkx_total"] == figures["total"]  # same optimum: max cardinality, then max score
    assert figures["full_solve_total"] == figures["total"]
    speedup = figures["networkx_cpu_s"] / figures["solving_cpu_s"]
    print(f"  the solver is {speedup:.0f}x faster than networkx here (CPU time)")


def test_bench_2000_people_match_json_end_to_end():
    figures = run("2,000 people, manage.py match_json end to end", n=2000, mode="match_json")
    assert (figures["matched"], figures["total"]) == (figures["engine_matched"], figures["engine_total"])
    assert figures["edges_written"] > 0


def test_bench_10000_people_proven_optimum():
    """What a 10,000-person run does by default: the LP certificate proves the optimum (priced is the fallback)."""
    mode = "compare" if os.environ.get("TWOWAY_BENCH_EXACT") else "auto"
    figures = run(f"10,000 people, LP-proven optimum ({mode})", n=10_000, mode=mode, full_solve=True)
    assert figures["method"] == "exact"  # proven by the certificate, not assumed
    assert figures["lp_rounds"] == 1
    assert figures["matched"] == figures["matchable_bound"]  # as many people as any matching could pair
    assert figures["full_solve_total"] == figures["total"]
    if mode == "compare":
        assert figures["blossom_matched"] == figures["matched"]
        assert figures["blossom_total"] == figures["total"]


def test_bench_10000_people_priced_fallback():
    """The fallback for graphs the certificate doesn't prove: candidate graph + LP pricing, >= 99.9 %."""
    figures = run("10,000 people, priced fallback", n=10_000, mode="priced")
    assert figures["method"] == "priced"
    assert figures["matched"] == figures["matchable_bound"]
    assert figures["certified_ratio"] >= 0.999
    assert figures["share_of_proven_optimum"] >= figures["certified_ratio"]  # the certificate is a lower bound


@pytest.mark.skipif(not os.environ.get("TWOWAY_BENCH_SEEDS"), reason="set TWOWAY_BENCH_SEEDS=1 (about a minute)")
def test_bench_2000_people_ten_seeds():
    figures = run("2,000 people, seeds 1-10, solver and blossom algorithm alone", n=2000, mode="seeds")
    assert all(row["proven_by_lp"] and row["same_as_blossom_alone"] for row in figures["seeds"])


@pytest.mark.skipif(not os.environ.get("TWOWAY_BENCH_HARD"), reason="set TWOWAY_BENCH_HARD=1")
@pytest.mark.parametrize("n", [2000, 10_000])
def test_bench_hard_cohort(n):
    """Time-zone limit 3 h and same department forbidden: the graph falls into regional clusters."""
    mode = "compare" if n == 2000 else "auto"
    figures = run(f"{n:,} people, harder rules {HARD_RULES} ({mode})", n=n, mode=mode, rules=HARD_RULES)
    assert figures["method"] == "exact"  # proven optimal (the component bound is loose on these clusters)
    if mode == "compare":
        assert (figures["blossom_matched"], figures["blossom_total"]) == (figures["matched"], figures["total"])


@pytest.mark.skipif(not os.environ.get("TWOWAY_BENCH_50K"), reason="set TWOWAY_BENCH_50K=1 (takes minutes)")
def test_bench_50000_people_priced_and_certified():
    figures = run("50,000 people, priced", n=50_000, mode="priced", full_solve=True)
    assert figures["matched"] == figures["matchable_bound"]
    assert figures["certified_ratio"] >= 0.995


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    arguments = json.loads(sys.argv[1])
    mode = arguments.pop("mode")
    if mode == "seeds":
        print(json.dumps(seeds_scenario(arguments["n"])))
    elif mode == "match_json":
        print(json.dumps(match_json_scenario(arguments["n"])))
    else:
        print(json.dumps(scenario(arguments.pop("n"), mode, **arguments)))
