"""place_in_triads() / solve_with_triads(): brute force on cohorts where pairs leave people out, breaking pairs,
locked pairs, hard rules, determinism, input checks and reasons."""

import itertools
import random

import pytest

from matching.engine import InputError, Rules, breakdown, solve
from matching.triads import place_in_triads, solve_with_triads
from tests.matching.group_brute_force import best_pairs_and_triads
from tests.matching.helpers import person, random_cohort
from tests.matching.synthetic import make_cohort

RULES = [
    Rules(),
    Rules(same_department="forbidden", max_timezone_gap_hours=6),
    Rules(reciprocity_required=False, same_department="allowed"),
]


def assert_valid(result, people, rules, pairing):
    """Pairs are allowed pairs, triads are 3-cycles of teaching without a hard rule inside; nobody twice; the
    counts add up."""
    by_id = {p.id: p for p in people}
    seen = []
    for pair in result.pairs:
        assert not breakdown(by_id[pair.a], by_id[pair.b], rules).blocked or pair.locked
        seen += [pair.a, pair.b]
    for triad in result.triads:
        assert triad.kind == "triad" and triad.size == 3
        a, b, c = (by_id[x] for x in triad.members)
        teaches = {(x.id, y.id) for x, y in itertools.permutations((a, b, c), 2) if breakdown(x, y, rules).a_teaches_b}
        assert {(a.id, b.id), (b.id, c.id), (c.id, a.id)} <= teaches or {
            (a.id, c.id),
            (c.id, b.id),
            (b.id, a.id),
        } <= teaches
        for x, y in itertools.combinations((a, b, c), 2):
            hard = [m for m in breakdown(x, y, rules).blocked if not m.startswith(("not reciprocal", "neither "))]
            assert not hard
        seen += list(triad.members)
    assert len(seen) == len(set(seen)) == result.placed_people
    assert {u.id for u in result.unplaced} == set(by_id) - set(seen)
    assert result.paired_before == pairing.matched_people
    assert result.placed_people >= pairing.matched_people
    assert result.total_value == sum(p.score for p in result.pairs) + sum(t.value for t in result.triads)
    kept = {(p.a, p.b) for p in result.pairs}
    assert set(result.broken_pairs) == {(p.a, p.b) for p in pairing.pairs} - kept


def cohorts_with_people_left_out(rules, count=40):
    for seed in range(count):
        people = random_cohort(500 + seed, random.Random(seed).randint(6, 10))
        pairing = solve(people, rules)
        if pairing.unmatched:
            yield seed, people, pairing


@pytest.mark.parametrize("rules", RULES)
def test_triads_place_as_many_people_as_brute_force(rules):
    # Brute force: every partition of the cohort into allowed pairs and triads. Most people, then most value.
    helped = 0
    for seed, people, pairing in cohorts_with_people_left_out(rules):
        result = place_in_triads(people, rules, pairing.pairs, pairing.unmatched)
        assert result.solver.method == "exact"
        assert (result.placed_people, result.total_value) == best_pairs_and_triads(people, rules), seed
        assert_valid(result, people, rules, pairing)
        helped += result.placed_by_triads > 0
    # Measured (of 40, 40 and 33 cohorts where pairs leave someone out): triads place more people in 16, 9 and 4.
    assert helped >= {0: 16, 1: 9, 2: 4}[RULES.index(rules)]


def test_a_pair_is_broken_when_a_triad_places_one_more():
    # a and b teach each other; c teaches a, who teaches b, who teaches c: the pair becomes a triad.
    a = person("a", offers={"X": 5}, wants={"Y": 1, "Z": 1})
    b = person("b", offers={"Y": 5, "W": 5}, wants={"X": 1})
    c = person("c", offers={"Z": 5}, wants={"W": 1})
    pairing = solve([a, b, c], Rules())
    assert [(p.a, p.b) for p in pairing.pairs] == [("a", "b")]
    result = place_in_triads([a, b, c], Rules(), pairing.pairs, pairing.unmatched)
    assert result.pairs == ()
    (triad,) = result.triads
    assert triad.members == ("a", "b", "c")
    assert triad.broken_pairs == (("a", "b"),)
    assert result.broken_pairs == (("a", "b"),)
    assert (result.paired_before, result.placed_people, result.placed_by_triads) == (2, 3, 1)
    assert triad.explanation.startswith("Triad of 3: a, b and c. a teaches b X (level 5 to 1).")


def test_locked_pairs_are_never_broken():
    a = person("a", offers={"X": 5}, wants={"Y": 1, "Z": 1})
    b = person("b", offers={"Y": 5, "W": 5}, wants={"X": 1})
    c = person("c", offers={"Z": 5}, wants={"W": 1})
    pairing = solve([a, b, c], Rules(), locked=[("a", "b")])
    result = place_in_triads([a, b, c], Rules(), pairing.pairs, pairing.unmatched)
    assert [(p.a, p.b, p.locked) for p in result.pairs] == [("a", "b", True)]
    assert result.triads == ()
    assert [u.id for u in result.unplaced] == ["c"]
    assert result.unplaced[0].reason.endswith(
        "No triad either: every triad c could be in would break a locked pair (a-b)."
    )
    # The same with plain id pairs and `locked`.
    again = place_in_triads([a, b, c], Rules(), [("a", "b")], ["c"], locked=[("a", "b")])
    assert [(p.a, p.b, p.locked) for p in again.pairs] == [("a", "b", True)]


def test_excluded_people_never_share_a_triad():
    a = person("a", offers={"X": 5}, wants={"Y": 1, "Z": 1})
    b = person("b", offers={"Y": 5, "W": 5}, wants={"X": 1})
    c = person("c", offers={"Z": 5}, wants={"W": 1})
    result = solve_with_triads([a, b, c], Rules(), excluded=[("b", "c")])
    assert result.triads == ()
    assert "No triad either: no triad exists for c" in result.unplaced[0].reason


def test_the_restricted_program_keeps_the_rules_and_never_places_fewer():
    # Beyond EXACT_PEOPLE free people only the people around those left out are re-formed; forced here.
    people = make_cohort(300, seed=2)
    rules = Rules(max_timezone_gap_hours=6)
    pairing = solve(people, rules)
    result = place_in_triads(people, rules, pairing.pairs, pairing.unmatched, exact_limit=0)
    assert result.solver.method == "restricted"
    assert_valid(result, people, rules, pairing)
    # Measured: 61 of the 72 people left out find a triad, as many as with every pair and triad of the cohort
    # in the program (that takes 16 s here; the value is then 3.5 % higher).
    assert result.placed_by_triads >= 61
    assert result.placed_people <= result.solver.placeable_bound
    again = place_in_triads(list(reversed(people)), rules, pairing.pairs, None, exact_limit=0)
    assert [t.members for t in again.triads] == [t.members for t in result.triads]
    assert [(p.a, p.b) for p in again.pairs] == [(p.a, p.b) for p in result.pairs]


def test_the_restricted_program_is_close_to_brute_force_on_small_cohorts():
    # Measured on the 113 small cohorts above: it places fewer than the optimum in 4 (a triad of people who all had
    # partners was needed), never fewer than the pairing.
    short = 0
    for rules in RULES:
        for _, people, pairing in cohorts_with_people_left_out(rules):
            result = place_in_triads(people, rules, pairing.pairs, pairing.unmatched, exact_limit=0)
            assert_valid(result, people, rules, pairing)
            short += result.placed_people < best_pairs_and_triads(people, rules)[0]
    assert short <= 4


def test_the_pairing_must_match_who_is_left_out():
    people = random_cohort(0, 8)
    pairing = solve(people, Rules())  # two pairs, four people left out
    taken = pairing.pairs[0].a
    with pytest.raises(InputError) as error:
        place_in_triads(people, Rules(), pairing.pairs, [*(u.id for u in pairing.unmatched), taken])
    assert (error.value.person, error.value.field) == (taken, "unmatched")
    with pytest.raises(InputError) as error:
        place_in_triads(people, Rules(), [*pairing.pairs, (taken, pairing.pairs[1].a)])
    assert (error.value.person, error.value.field) == (taken, "pairs")
