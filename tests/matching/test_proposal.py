"""The proposal: lock, unlock, break, exclude and pair by hand, with every refusal writing nothing; the page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import OfferedSkill
from matching import services
from matching.models import MatchPair, MatchRun, MatchUnmatched, PairRule
from tests.factories import UserFactory
from tests.matching.cohort_helpers import add_person, matching_cohort, skill

pytestmark = pytest.mark.django_db


def pair_of(run, user) -> MatchPair:
    return run.pairs.get(user_a=user) if run.pairs.filter(user_a=user).exists() else run.pairs.get(user_b=user)


def snapshot(run):
    """Everything a refused change must leave as it was."""
    run.refresh_from_db()
    return (
        sorted(run.pairs.values_list("user_a_id", "user_b_id", "is_locked", "score")),
        sorted(run.unmatched.values_list("user_id", flat=True)),
        sorted(PairRule.objects.values_list("user_a_id", "user_b_id", "kind")),
        run.total_score,
        run.matched_people,
        run.changes,
    )


# --- Lock, unlock, break ---------------------------------------------------------------------------------------


def test_locking_a_pair_keeps_it_for_later_runs(run, people, program_admin):
    pair = pair_of(run, people["ana"])
    services.match_pair_lock(pair=pair, by=program_admin)
    pair.refresh_from_db()
    assert pair.is_locked
    rule = PairRule.objects.get()
    assert (rule.kind, rule.created_by, rule.reason) == ("lock", program_admin, "Locked on run #1")
    run.refresh_from_db()
    assert run.changes[-1]["text"] == "Locked Ana Costa ⇄ Ben Okafor" and run.changes[-1]["by"] == "Hana HR"


def test_locking_twice_is_refused(run, people, program_admin):
    pair = pair_of(run, people["ana"])
    services.match_pair_lock(pair=pair, by=program_admin)
    before = snapshot(run)
    with pytest.raises(ValidationError, match="already locked"):
        services.match_pair_lock(pair=pair, by=program_admin)
    assert snapshot(run) == before


def test_unlocking_forgets_the_lock(run, people, program_admin):
    pair = pair_of(run, people["ana"])
    services.match_pair_lock(pair=pair, by=program_admin)
    services.match_pair_unlock(pair=pair, by=program_admin)
    pair.refresh_from_db()
    assert not pair.is_locked and not PairRule.objects.exists()


def test_breaking_a_pair_leaves_both_unmatched_excludes_them_and_updates_the_totals(run, people, program_admin):
    pair = pair_of(run, people["ana"])
    score_before = run.total_score
    services.match_pair_break(pair=pair, by=program_admin)
    run.refresh_from_db()
    assert not MatchPair.objects.filter(pk=pair.pk).exists()
    assert run.total_score == score_before - pair.score
    assert (run.matched_people, run.unmatched_count) == (2, 3)
    broken = MatchUnmatched.objects.filter(run=run, from_broken_pair=True)
    assert {u.user for u in broken} == {people["ana"], people["ben"]}
    assert "Hana HR broke the pair" in broken[0].reason
    rule = PairRule.objects.get()
    assert rule.kind == "exclude" and {rule.user_a, rule.user_b} == {people["ana"], people["ben"]}
    sql = next(row for row in run.supply_demand if row["skill"] == "SQL")
    assert (sql["matched_for"], sql["unmet"]) == (0, 1)


def test_breaking_a_locked_pair_turns_its_lock_into_an_exclusion(run, people, program_admin):
    pair = pair_of(run, people["ana"])
    services.match_pair_lock(pair=pair, by=program_admin)
    services.match_pair_break(pair=pair, by=program_admin)
    assert list(PairRule.objects.values_list("kind", flat=True)) == ["exclude"]


def test_a_rerun_after_breaking_does_not_pair_them_again(run, people, program_admin):
    services.match_pair_break(pair=pair_of(run, people["ana"]), by=program_admin)
    second = services.match_run_rerun(run=run, started_by=program_admin)
    assert not second.pairs.filter(user_a__in=[people["ana"], people["ben"]], user_b__in=[people["ana"], people["ben"]])
    assert "excluded by an admin" in second.unmatched.get(user=people["ana"]).reason


def test_changes_to_a_replaced_run_are_refused(run, people, program_admin):
    pair = pair_of(run, people["ana"])
    services.match_run_rerun(run=run, started_by=program_admin)
    before = snapshot(run)
    with pytest.raises(ValidationError, match="was replaced by a later run"):
        services.match_pair_break(pair=pair, by=program_admin)
    with pytest.raises(ValidationError, match="was replaced by a later run"):
        services.match_pair_lock(pair=pair, by=program_admin)
    assert snapshot(run) == before


# --- Pairing by hand -------------------------------------------------------------------------------------------


def test_pairing_two_unmatched_people_by_hand_locks_the_pair(cohort, run, people, program_admin):
    fay = add_person(cohort, "Fay Unmatched", offers={"Tableau": 4}, wants={"Excel": 1})
    services.match_pair_break(pair=pair_of(run, people["ana"]), by=program_admin)  # Ana is free now
    run.unmatched.create(user=fay, reason="joined late")  # as if she had been in the run
    ana = people["ana"]
    OfferedSkill.objects.create(user=ana, skill=skill("Excel"), level=4)
    pair, warnings = services.match_pair_manual(run=run, first=fay, second=ana, by=program_admin)
    assert warnings == [
        "Fay Unmatched ⇄ Ana Costa is not reciprocal: only Ana Costa teaches Fay Unmatched (Excel). "
        "It will be published as a one-way pairing."
    ]
    assert pair.is_manual and pair.is_locked and pair.is_one_way
    assert "Paired as a one-way pairing by a program admin." in pair.explanation
    assert "Not allowed" not in pair.explanation
    assert not run.unmatched.filter(user__in=[fay, ana]).exists()
    assert PairRule.objects.get(kind="lock").reason == "Paired by hand on run #1"


def test_pairing_a_reciprocal_pair_by_hand_gives_no_warning(cohort, run, people, program_admin):
    gus = add_person(cohort, "Gus Green", offers={"Tableau": 4}, wants={"SQL": 1}, department="Sales")
    run.unmatched.create(user=gus, reason="joined late")
    pair, warnings = services.match_pair_manual(run=run, first=people["eve"], second=gus, by=program_admin)
    assert warnings == [] and not pair.is_one_way
    run.refresh_from_db()
    assert (run.matched_people, run.unmatched_count) == (6, 0)
    assert run.total_score == sum(run.pairs.values_list("score", flat=True))


def test_pairing_someone_with_themselves_is_refused(run, people, program_admin):
    before = snapshot(run)
    with pytest.raises(ValidationError) as error:
        services.match_pair_manual(run=run, first=people["eve"], second=people["eve"], by=program_admin)
    assert error.value.message_dict == {"second": ["Choose two different people."]}
    assert snapshot(run) == before


def test_pairing_someone_outside_the_run_is_refused(run, people, program_admin):
    outsider = UserFactory(full_name="Otto Outsider")
    before = snapshot(run)
    with pytest.raises(ValidationError) as error:
        services.match_pair_manual(run=run, first=people["eve"], second=outsider, by=program_admin)
    assert "Otto Outsider was not among the people run #1 matched" in error.value.message_dict["second"][0]
    assert snapshot(run) == before


def test_pairing_someone_already_paired_is_refused(run, people, program_admin):
    before = snapshot(run)
    with pytest.raises(ValidationError) as error:
        services.match_pair_manual(run=run, first=people["eve"], second=people["ana"], by=program_admin)
    assert error.value.message_dict == {
        "second": ["Ana Costa is already paired with Ben Okafor in this proposal: break that pair first."]
    }
    assert snapshot(run) == before


def test_pairing_a_manager_with_their_report_is_refused_with_the_rule(cohort, run, people, program_admin):
    boss = add_person(cohort, "Bea Boss", offers={"Tableau": 5}, wants={"SQL": 1}, department="Sales")
    eve = people["eve"]
    eve.profile.manager = boss
    eve.profile.save()
    run.unmatched.create(user=boss, reason="joined late")
    before = snapshot(run)
    with pytest.raises(
        ValidationError, match="Eve Adams and Bea Boss cannot be paired: Bea Boss is Eve Adams's manager"
    ):
        services.match_pair_manual(run=run, first=eve, second=boss, by=program_admin)
    assert snapshot(run) == before


def test_pairing_an_excluded_pair_is_refused_until_the_exclusion_is_removed(cohort, run, people, program_admin):
    gus = add_person(cohort, "Gus Green", offers={"Tableau": 4}, wants={"SQL": 1}, department="Sales")
    run.unmatched.create(user=gus, reason="joined late")
    rule = services.match_pair_exclude(run=run, first=people["eve"], second=gus, by=program_admin)
    before = snapshot(run)
    with pytest.raises(ValidationError, match=r"excluded from being paired\. Remove the exclusion first"):
        services.match_pair_manual(run=run, first=people["eve"], second=gus, by=program_admin)
    assert snapshot(run) == before
    services.pair_rule_delete(rule=rule, by=program_admin)
    services.match_pair_manual(run=run, first=people["eve"], second=gus, by=program_admin)


def test_pairing_two_people_who_have_nothing_to_teach_each_other_is_refused(cohort, run, people, program_admin):
    hal = add_person(cohort, "Hal Idle", offers={"Juggling": 4}, wants={"Origami": 1})
    run.unmatched.create(user=hal, reason="joined late")
    before = snapshot(run)
    with pytest.raises(ValidationError, match="Neither Eve Adams nor Hal Idle can teach the other anything"):
        services.match_pair_manual(run=run, first=people["eve"], second=hal, by=program_admin)
    assert snapshot(run) == before


def test_pairing_someone_who_withdrew_since_the_run_is_refused(cohort, run, people, program_admin):
    gus = add_person(cohort, "Gus Green", offers={"Tableau": 4}, wants={"SQL": 1}, status="withdrawn")
    run.unmatched.create(user=gus, reason="was approved then")
    with pytest.raises(ValidationError) as error:
        services.match_pair_manual(run=run, first=people["eve"], second=gus, by=program_admin)
    assert error.value.message_dict["second"] == [f"Gus Green is no longer an approved participant of {cohort.name}."]


# --- Exclusions ------------------------------------------------------------------------------------------------


def test_excluding_a_proposed_pair_breaks_it(run, people, program_admin):
    rule = services.match_pair_exclude(
        run=run, first=people["chloe"], second=people["dan"], by=program_admin, reason="Same project"
    )
    assert (rule.kind, rule.reason) == ("exclude", "Same project")
    run.refresh_from_db()
    assert run.matched_people == 2 and run.unmatched.filter(user=people["chloe"], from_broken_pair=True).exists()


def test_excluding_two_people_from_different_pairs_keeps_both_pairs(run, people, program_admin):
    services.match_pair_exclude(run=run, first=people["ana"], second=people["dan"], by=program_admin)
    run.refresh_from_db()
    assert run.matched_people == 4 and PairRule.objects.get().kind == "exclude"


def test_excluding_twice_or_with_a_long_reason_is_refused(run, people, program_admin):
    services.match_pair_exclude(run=run, first=people["ana"], second=people["dan"], by=program_admin)
    before = snapshot(run)
    with pytest.raises(ValidationError, match="already excluded"):
        services.match_pair_exclude(run=run, first=people["dan"], second=people["ana"], by=program_admin)
    with pytest.raises(ValidationError) as error:
        services.match_pair_exclude(
            run=run, first=people["eve"], second=people["ana"], by=program_admin, reason="x" * 301
        )
    assert "reason" in error.value.message_dict
    assert snapshot(run) == before


# --- The page --------------------------------------------------------------------------------------------------


def test_the_proposal_page_shows_pairs_flags_unmatched_reasons_and_supply(client_for, program_admin, run, people):
    response = client_for(program_admin).get(run.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ana Costa ⇄ Ben Okafor" in body and "big seniority gap" in body
    assert "Ana Costa teaches Ben Okafor SQL (level 4 to 1)" in body  # the explanation
    assert "Nobody in this cohort offers what Eve Adams wants: Tableau" in body
    assert 'data-testid="supply-demand"' in body and "Publish…" in body
    assert f'data-total="matched">{run.matched_people} of 5<' in body


def test_the_proposal_page_marks_the_fallbacks_clearly(client_for, program_admin, cohort, run, people):
    row = run.unmatched.get(user=people["eve"])
    row.fallbacks = [
        {
            "kind": "one_way",
            "partner_ids": [people["ana"].pk],
            "partners": ["Ana Costa"],
            "learns": [],
            "teaches": [],
            "points": 40,
            "description": "Fallback (one-way, not reciprocal): Ana Costa could mentor Eve Adams in SQL.",
        }
    ]
    row.save()
    body = client_for(program_admin).get(run.get_absolute_url()).content.decode()
    assert "Fallback: one-way pairing" in body and "could mentor Eve Adams" in body
    assert "Pair them one-way" not in body  # Ana is paired in this proposal: only a suggestion


def page_queries(count: int, program_admin):
    cohort = matching_cohort()
    for i in range(count):
        add_person(cohort, f"Teacher {i:03d}", offers={"SQL": 4}, wants={"Negotiation": 1})
        add_person(cohort, f"Learner {i:03d}", offers={"Negotiation": 4}, wants={"SQL": 1}, department="Sales")
    add_person(cohort, "Lonely One", offers={"Juggling": 4}, wants={"Origami": 1})
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    pair = run.pairs.first()
    services.match_pair_lock(pair=pair, by=program_admin)
    return run


@pytest.mark.parametrize("count", [5, 50])
def test_the_proposal_page_costs_the_same_for_ten_times_the_pairs(
    client_for, program_admin, count, django_assert_num_queries
):
    run = page_queries(count, program_admin)
    client = client_for(program_admin)
    # session, user, the run with cohort/program/people, pairs with both people, unmatched with people,
    # the cohort's pair rules with people, the cohort's other runs
    with django_assert_num_queries(7):
        response = client.get(run.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("data-pair=") == count


def test_the_manual_pair_form_shows_field_errors_and_writes_nothing(client_for, program_admin, run, people):
    before = snapshot(run)
    client = client_for(program_admin)
    url = reverse("matching:pair_manual", args=[run.cohort_id, run.number])
    response = client.post(url, {"pair-first": people["eve"].pk, "pair-second": people["eve"].pk})
    assert response.status_code == 400 and "Choose two different people." in response.content.decode()
    response = client.post(url, {"pair-first": people["eve"].pk, "pair-second": UserFactory().pk})
    assert response.status_code == 400 and "Choose someone this run considered" in response.content.decode()
    response = client.post(url, {"pair-first": people["eve"].pk, "pair-second": people["ana"].pk})
    assert response.status_code == 400 and "break that pair first" in response.content.decode()
    response = client.post(url, {"pair-first": "", "pair-second": "nonsense"})
    assert response.status_code == 400
    assert snapshot(run) == before


def test_the_exclude_form_excludes_and_redirects(client_for, program_admin, run, people):
    response = client_for(program_admin).post(
        reverse("matching:pair_exclude", args=[run.cohort_id, run.number]),
        {"exclude-first": people["ana"].pk, "exclude-second": people["eve"].pk, "exclude-reason": "Same desk"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#rules")
    assert PairRule.objects.get().reason == "Same desk"


def test_lock_break_buttons_work_and_refusals_come_back_as_messages(client_for, program_admin, run, people):
    client = client_for(program_admin)
    pair = pair_of(run, people["ana"])
    response = client.post(reverse("matching:pair_lock", args=[run.cohort_id, run.number, pair.pk]), follow=True)
    assert response.redirect_chain == [(run.get_absolute_url(), 302)]
    assert "Locked Ana Costa ⇄ Ben Okafor: later runs keep this pair." in response.content.decode()
    response = client.post(reverse("matching:pair_lock", args=[run.cohort_id, run.number, pair.pk]), follow=True)
    assert "This pair is already locked." in response.content.decode()
    response = client.post(reverse("matching:pair_unlock", args=[run.cohort_id, run.number, pair.pk]), follow=True)
    assert response.redirect_chain == [(run.get_absolute_url(), 302)]
    assert "Unlocked Ana Costa ⇄ Ben Okafor." in response.content.decode()
    response = client.post(reverse("matching:pair_break", args=[run.cohort_id, run.number, pair.pk]), follow=True)
    assert "Broke Ana Costa ⇄ Ben Okafor" in response.content.decode()
    assert (
        client.post(reverse("matching:pair_break", args=[run.cohort_id, run.number, pair.pk])).status_code == 404
    )  # it is gone


def test_rerun_and_compare_show_what_changed(client_for, program_admin, run, people):
    client = client_for(program_admin)
    client.post(reverse("matching:pair_break", args=[run.cohort_id, run.number, pair_of(run, people["chloe"]).pk]))
    response = client.post(reverse("matching:run_rerun", args=[run.cohort_id, run.number]))
    second = MatchRun.objects.get(number=2)
    assert response["Location"] == second.get_absolute_url()
    response = client.get(reverse("matching:run_compare", args=[second.cohort_id, second.number, run.number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="only-first"' not in body  # run #1 lost Chloé ⇄ Dan when it was broken
    assert 'data-change="matched">0<' in body and 'data-change="score">0<' in body
    original = run.pairs.count()
    assert original == 1 and second.pairs.count() == 1


def test_comparing_runs_lists_pairs_only_in_one(client_for, program_admin, cohort, run, people):
    first_pairs = set(run.pairs.values_list("user_a_id", "user_b_id"))
    PairRule.objects.create(
        cohort=cohort,
        user_a_id=min(people["ana"].pk, people["ben"].pk),
        user_b_id=max(people["ana"].pk, people["ben"].pk),
        kind="exclude",
    )
    second = services.match_run_rerun(run=run, started_by=program_admin)
    assert set(second.pairs.values_list("user_a_id", "user_b_id")) < first_pairs
    body = (
        client_for(program_admin)
        .get(reverse("matching:run_compare", args=[run.cohort_id, run.number, second.number]))
        .content.decode()
    )
    assert '<ul class="mb-0" data-testid="only-first"><li>Ana Costa ⇄ Ben Okafor' in body
    assert 'data-change="matched">-2<' in body and "Pairs in both" in body
