"""solve(): optimal (checked by brute force), hard rules, locks, exclusions, determinism, reasons, supply and demand."""

import itertools
import random

import pytest

from matching.engine import InputError, Rules, allowed_pairs, score, solve
from matching.solver import priced_matching
from tests.matching.helpers import person, random_cohort
from tests.matching.synthetic import make_cohort

RULES = [
    Rules(),
    Rules(reciprocity_required=False, same_department="allowed", reverse_mentoring_weight=1.0),
    Rules(same_department="forbidden", max_timezone_gap_hours=6, reverse_mentoring_weight=0.25),
]


def brute_force(people, rules, excluded=()):
    """(most pairs, best total) over every matching of the allowed pairs."""
    edges = {}
    for a, b in itertools.combinations(sorted(p.id for p in people), 2):
        s = score(*(next(p for p in people if p.id == x) for x in (a, b)), rules, excluded=excluded)
        if s is not None:
            edges[(a, b)] = s
    ids = sorted(p.id for p in people)
    best = (0, 0)

    def search(rest, count, total):
        nonlocal best
        best = max(best, (count, total))
        if not rest:
            return
        first, others = rest[0], rest[1:]
        search(others, count, total)  # first stays unmatched
        for other in others:
            if (first, other) in edges:
                search([x for x in others if x != other], count + 1, total + edges[(first, other)])

    search(ids, 0, 0)
    return best


@pytest.mark.parametrize("rules", RULES)
def test_solve_finds_the_brute_force_optimum_on_small_cohorts(rules):
    for seed in range(25):
        people = random_cohort(seed, random.Random(seed).randint(4, 11))
        result = solve(people, rules)
        assert (len(result.pairs), result.total_score) == brute_force(people, rules), seed


def test_priced_solver_bound_is_valid_and_close_on_small_cohorts():
    for seed in range(12):
        people = sorted(random_cohort(100 + seed, 11), key=lambda p: p.id)
        best_pairs, best_total = brute_force(people, Rules())
        result = solve(people, Rules(), exact=False)
        assert result.solver.method == "priced"
        assert len(result.pairs) == best_pairs
        assert result.total_score <= best_total <= result.solver.score_upper_bound + 1e-6


def test_priced_solver_matches_exact_on_a_synthetic_cohort():
    people = make_cohort(600, seed=5)
    rules = Rules(max_timezone_gap_hours=8)
    exact = solve(people, rules)
    priced = solve(people, rules, exact=False)
    assert priced.matched_people == exact.matched_people
    assert priced.solver.score_upper_bound >= exact.total_score
    assert priced.total_score >= 0.995 * exact.total_score
    assert priced.solver.certified_ratio >= 0.995


def test_solver_is_exact_with_max_cardinality_first():
    # a-b is the best pair, but pairing a-c and b-d matches everyone.
    a = person("a", offers={"X": 5, "Y": 5}, wants={"Z": 1, "W": 1})
    b = person("b", offers={"Z": 5, "W": 5}, wants={"X": 1, "Y": 1})
    c = person("c", offers={"W": 2}, wants={"X": 4})
    d = person("d", offers={"Y": 2}, wants={"Z": 4})
    result = solve([a, b, c, d], Rules())
    assert {(p.a, p.b) for p in result.pairs} == {("a", "c"), ("b", "d")}
    assert result.matched_people == 4
    assert score(a, b, Rules()) > result.total_score / 2


@pytest.mark.parametrize("rules", RULES)
def test_hard_rules_are_never_broken(rules):
    for seed in range(10):
        people = random_cohort(seed, 30)
        excluded = [(people[0].id, people[1].id), (people[2].id, people[3].id)]
        result = solve(people, rules, excluded=excluded)
        by_id = {p.id: p for p in people}
        for pair in result.pairs:
            assert score(by_id[pair.a], by_id[pair.b], rules, excluded=excluded) == pair.score
            assert {pair.a, pair.b} not in [set(x) for x in excluded]
        everyone = [p.a for p in result.pairs] + [p.b for p in result.pairs] + [u.id for u in result.unmatched]
        assert sorted(everyone) == sorted(by_id)


def test_locked_pairs_are_kept_and_excluded_pairs_never_made():
    people = random_cohort(7, 16)
    free = solve(people, Rules())
    best = free.pairs[0]
    other = free.pairs[1]
    # Lock a pair the solver would not choose (an allowed pair across two of its pairs).
    by_id = {p.id: p for p in people}
    cross = (
        next(
            (x, y)
            for x in (best.a, best.b)
            for y in (other.a, other.b)
            if score(by_id[x], by_id[y], Rules()) is not None
        )
        if any(score(by_id[x], by_id[y], Rules()) is not None for x in (best.a, best.b) for y in (other.a, other.b))
        else None
    )
    locks = [cross] if cross else [(best.a, best.b)]
    result = solve(people, Rules(), locked=locks, excluded=[(best.a, best.b)] if cross else [])
    made = {(p.a, p.b): p for p in result.pairs}
    lock = tuple(sorted(locks[0]))
    assert made[lock].locked
    if cross:
        assert (best.a, best.b) not in made


def test_lock_that_breaks_a_hard_rule_is_refused_with_person_and_field():
    boss = person("boss", offers={"X": 5}, wants={"Y": 1})
    report = person("rae", manager="boss", offers={"Y": 5}, wants={"X": 1})
    with pytest.raises(InputError) as err:
        solve([boss, report], Rules(), locked=[("boss", "rae")])
    assert err.value.person == "boss" and err.value.field == "locked"
    assert "rae's manager" in str(err.value)


def test_one_way_lock_needs_explicit_permission():
    a = person("a", offers={"X": 5}, wants={"Q": 1})
    b = person("b", offers={}, wants={"X": 1})
    with pytest.raises(InputError):
        solve([a, b], Rules(), locked=[("a", "b")])
    result = solve([a, b], Rules(), locked=[("a", "b")], allow_one_way_locks=True)
    assert result.pairs[0].locked and result.pairs[0].a_teaches_b == ("X",)


def test_person_in_two_locks_is_refused():
    people = [person(x, offers={"X": 5}, wants={"Y": 1}) for x in "abc"]
    with pytest.raises(InputError) as err:
        solve(people, Rules(reciprocity_required=False), locked=[("a", "b"), ("a", "c")])
    assert err.value.person == "a"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"seniority": 9}, "seniority"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"offers": {"SQL": 6}}, "offers.SQL"),
        ({"wants": {"SQL": 0}}, "wants.SQL"),
        ({"offers": {"SQL": 3, "sql": 4}}, "offers"),
        ({"manager": "x"}, "manager"),
        ({"meeting_mode": "carrier pigeon"}, "meeting_mode"),
    ],
)
def test_bad_candidates_are_refused_with_person_and_field(change, field):
    good = person("y", offers={"A": 3}, wants={"B": 1})
    bad = person("x", **{"offers": {"B": 3}, "wants": {"A": 1}, **change})
    with pytest.raises(InputError) as err:
        solve([good, bad], Rules())
    assert (err.value.person, err.value.field) == ("x", field)


def test_duplicate_ids_are_refused():
    with pytest.raises(InputError) as err:
        solve([person("x"), person("y"), person("x")], Rules())
    assert (err.value.person, err.value.field) == ("x", "id")


def test_same_input_in_any_order_gives_the_same_result():
    people = random_cohort(11, 40)
    first = solve(people, Rules(), excluded=[(people[0].id, people[5].id)])
    shuffled = people[:]
    random.Random(1).shuffle(shuffled)
    second = solve(shuffled, Rules(), excluded=[(people[5].id, people[0].id)])
    assert first.pairs == second.pairs
    assert first.unmatched == second.unmatched
    assert first.supply_demand == second.supply_demand


def test_reason_when_nobody_offers_what_someone_wants():
    ana = person("Ana", offers={"Python": 4}, wants={"Spanish": 1, "Tableau": 2})
    ben = person("Ben", offers={"Excel": 4}, wants={"Python": 1})
    cy = person("Cy", offers={"Python": 3}, wants={"Excel": 2})
    result = solve([ana, ben, cy], Rules())
    [lonely] = result.unmatched
    assert lonely.id == "Ana"
    assert lonely.reason.startswith("nobody in this cohort offers what Ana wants: Spanish, Tableau")
    assert any("Spanish, Tableau" in s for s in lonely.suggestions)
    one_way = [f for f in lonely.fallbacks if f.kind == "one_way"]
    assert not one_way  # nobody can teach Ana anything


def test_reason_when_the_only_reciprocal_partners_are_direct_reports():
    ben = person("Ben", offers={"Budgeting": 5}, wants={"TikTok": 1})
    r1 = person("Rae", manager="Ben", offers={"TikTok": 5}, wants={"Budgeting": 1})
    r2 = person("Raj", manager="Ben", offers={"TikTok": 4}, wants={"Budgeting": 2})
    zoe = person("Zoe", offers={"TikTok": 3}, wants={"Go": 1})
    result = solve([ben, r1, r2, zoe], Rules())
    reasons = {u.id: u for u in result.unmatched}
    assert reasons["Ben"].reason == "Ben's only reciprocal partners are their own direct reports (Rae, Raj)."
    [fallback] = reasons["Ben"].fallbacks
    assert fallback.kind == "one_way" and fallback.partners == ("Zoe",)
    assert fallback.description == (
        "Fallback (one-way, not reciprocal): Zoe could mentor Ben in TikTok (level 3 to 1); Zoe would not learn "
        "anything they asked for from Ben. Zoe is unmatched too."
    )


def test_odd_one_out_gets_a_reason_and_a_trio():
    a = person("a", offers={"X": 5}, wants={"Y": 1})
    b = person("b", offers={"Y": 5}, wants={"X": 1})
    c = person("c", offers={"Y": 4}, wants={"X": 2})
    result = solve([a, b, c], Rules())
    [lonely] = result.unmatched
    assert lonely.id == "c"
    assert "already paired" in lonely.reason and "a (" in lonely.reason
    trio = next(f for f in lonely.fallbacks if f.kind == "trio")
    assert trio.partners == ("a", "b")
    assert trio.description.startswith("Fallback (trio): c could join a and b: a teaches c X (level 5 to 2)")
    assert any(s.startswith("Fallback (trio)") for s in lonely.suggestions)


def test_reason_names_the_rules_that_rule_partners_out():
    a = person("a", department="Ops", timezone="Europe/Berlin", offers={"X": 5}, wants={"Y": 1})
    b = person("b", department="Ops", offers={"Y": 5}, wants={"X": 1})
    c = person("c", department="IT", timezone="Australia/Sydney", offers={"Y": 4}, wants={"X": 2})
    rules = Rules(same_department="forbidden", max_timezone_gap_hours=6)
    result = solve([a, b, c], rules)
    reason = next(u for u in result.unmatched if u.id == "a")
    assert "a has 2 reciprocal partners, but this cohort's rules rule out every one" in reason.reason
    assert "1 is in Ops too (forbidden in this cohort)" in reason.reason
    assert "1 is more than 6 h away" in reason.reason


def test_supply_and_demand_counts_offers_wants_and_matches():
    a = person("a", offers={"SQL": 5}, wants={"Excel": 1})
    b = person("b", offers={"Excel": 5}, wants={"SQL": 1, "Go": 1})
    c = person("c", offers={"Go": 1}, wants={"SQL": 2})
    result = solve([a, b, c], Rules())
    summary = {s.skill: (s.offered_by, s.wanted_by, s.matched_for) for s in result.supply_demand}
    assert summary == {"Excel": (1, 1, 1), "Go": (1, 1, 0), "SQL": (1, 2, 1)}


def test_allowed_pairs_lists_every_allowed_pair_with_its_score():
    people = random_cohort(4, 20)
    listed = {(a, b): s for a, b, s in allowed_pairs(people, Rules())}
    by_id = {p.id: p for p in people}
    for a, b in itertools.combinations(sorted(by_id), 2):
        assert listed.get((a, b)) == score(by_id[a], by_id[b], Rules())


def test_pairs_carry_flags_for_the_proposal_page():
    a = person("a", department="Ops", seniority=1, timezone="Europe/Berlin", offers={"X": 5, "Z": 5}, wants={"Y": 4})
    b = person(
        "b", department="Ops", seniority=8, timezone="America/Los_Angeles", offers={"Y": 5}, wants={"X": 1, "Z": 1}
    )
    [pair] = solve([a, b], Rules()).pairs
    assert pair.flags == ("same_department", "timezone_gap", "seniority_gap", "one_sided")


def test_priced_matching_with_no_edges():
    import numpy as np

    pairs, report = priced_matching(3, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert len(pairs) == 0 and report.matched_people == 0


def test_progress_is_reported_stage_by_stage():
    seen = []
    solve(random_cohort(2, 30), Rules(), progress=lambda stage, share: seen.append((stage, share)))
    stages = [stage for stage, _ in seen]
    assert stages[0] == "scoring" and stages[-1] == "report"
    assert stages.index("solving") < stages.index("report")
    assert seen[-1] == ("report", 1.0)
    assert all(0 <= share <= 1 for _, share in seen)


def test_reason_when_a_wanted_skill_is_only_offered_at_or_below_the_learners_level():
    ana = person("Ana", offers={"Python": 4}, wants={"SQL": 3, "Go": 1})
    ben = person("Ben", offers={"SQL": 3}, wants={"Python": 1})
    [lonely, _] = solve([ana, ben], Rules()).unmatched
    assert (
        lonely.reason == "nobody in this cohort offers what Ana wants: Go; SQL is offered, but not above Ana's level 3."
    )
    assert lonely.suggestions[0].startswith("Find someone who offers Go, SQL above level 3 (for example")
