"""Running matching for a cohort: loading its people, solving, saving the proposal, progress and claiming."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accounts.importing import employee_import_run
from accounts.models import User
from matching import selectors, services, tasks
from matching.models import MatchPair, MatchRun, MatchUnmatched, PairRule
from matching.services import runs
from mentoring.programs.models import Cohort
from tests.accounts.import_helpers import make_csv
from tests.accounts.import_helpers import person as import_person
from tests.conftest import wait_for
from tests.factories import EnrollmentFactory, PartnershipFactory, ProgramAdminFactory
from tests.matching.cohort_helpers import add_person, four_people, matching_cohort

pytestmark = pytest.mark.django_db


def pair_ids(run: MatchRun) -> set[tuple[int, int]]:
    return set(run.pairs.values_list("user_a_id", "user_b_id"))


def key(a, b) -> tuple[int, int]:
    return tuple(sorted([a.pk, b.pk]))


def test_a_run_pairs_the_approved_people_and_explains_who_is_left(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    assert run.status == "done" and run.progress == 100 and run.number == 1
    assert run.created_by == program_admin and run.started_at and run.finished_at
    assert pair_ids(run) == {key(people["ana"], people["ben"]), key(people["chloe"], people["dan"])}
    eve = MatchUnmatched.objects.get(run=run)
    assert eve.user == people["eve"]
    assert "nobody in this cohort offers what Eve Adams wants: Tableau" in eve.reason
    assert (run.candidate_count, run.matched_people, run.unmatched_count) == (5, 4, 1)
    assert run.total_score == sum(p.score for p in run.pairs.all())


def test_the_pairs_explanations_use_names_and_follow_the_lower_user_id(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    pair = run.pairs.get(user_a__in=[people["ana"], people["ben"]])
    ana_is_a = pair.user_a == people["ana"]
    assert (pair.a_teaches_b if ana_is_a else pair.b_teaches_a) == ["SQL"]
    assert (pair.b_teaches_a if ana_is_a else pair.a_teaches_b) == ["Negotiation"]
    assert "Ana Costa teaches Ben Okafor SQL (level 4 to 1)" in pair.explanation
    assert f"Total {pair.score} points." in pair.explanation
    assert pair.flags == ["seniority_gap"]  # bands 3 and 7
    assert not pair.is_one_way and not pair.is_locked


def test_the_run_keeps_its_parameters_supply_and_demand_and_solver_report(program_admin):
    cohort = matching_cohort(reverse_mentoring_weight=Decimal("0.30"), max_timezone_gap_hours=6)
    four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    assert run.parameters["rules"] == {
        "reciprocity_required": True,
        "same_department": "discouraged",
        "reverse_mentoring_weight": "0.30",
        "max_timezone_gap_hours": 6,
        "avoid_manager_pairs": True,
    }
    assert run.parameters["candidates"] == 5
    sql = next(row for row in run.supply_demand if row["skill"] == "SQL")
    assert (sql["offered_by"], sql["wanted_by"], sql["matched_for"], sql["unmet"]) == (2, 1, 1, 0)
    tableau = next(row for row in run.supply_demand if row["skill"] == "Tableau")
    assert (tableau["offered_by"], tableau["wanted_by"], tableau["matched_for"], tableau["unmet"]) == (0, 1, 0, 1)
    assert run.solver["method"] == "exact" and run.solver["certified_ratio"] == 1.0
    assert set(run.timings) >= {"load", "engine", "save", "total"}


def test_cohort_rules_map_to_the_engine_and_compare_time_zones_over_the_cohorts_dates():
    cohort = matching_cohort(
        reciprocity_required=False,
        same_department="forbidden",
        reverse_mentoring_weight=Decimal("0.25"),
        max_timezone_gap_hours=4,
        avoid_manager_pairs=False,
    )
    rules = selectors.cohort_rules(cohort)
    assert (rules.reciprocity_required, rules.same_department, rules.max_timezone_gap_hours) == (False, "forbidden", 4)
    assert rules.reverse_percent == 25 and rules.avoid_manager_pairs is False
    days = [t.date() for t in rules.timezone_reference]
    assert days[0] == cohort.starts_on and days[-1] == cohort.ends_on and len(days) == 3


def test_loading_candidates_costs_four_queries_for_five_or_fifty_people(django_assert_num_queries):
    small, large = matching_cohort(), matching_cohort()
    for cohort, size in ((small, 5), (large, 50)):
        boss = None
        for i in range(size):
            boss = add_person(
                cohort, f"Person {i:02d}", offers={"SQL": 4, "Python": 3}, wants={"Excel": 1}, manager=boss
            )
    for cohort, size in ((small, 5), (large, 50)):
        # people with profiles; what they offer; what they want; the cohort's pair rules
        with django_assert_num_queries(4):
            inputs = selectors.match_inputs(cohort)
        assert len(inputs.candidates) == size
    last = inputs.candidates[-1]
    assert last.offers == {"SQL": 4, "Python": 3} and last.wants == {"Excel": 1}
    assert last.manager == "Person 48" and last.department == "Finance" and last.timezone == "Europe/Berlin"


def test_only_approved_people_without_a_partner_in_the_cohort_are_matched(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    add_person(cohort, "Walt Waiting", offers={"Negotiation": 5}, wants={"SQL": 1}, status="waitlisted")
    add_person(cohort, "Wendy Withdrawn", offers={"Negotiation": 5}, wants={"SQL": 1}, status="withdrawn")
    PartnershipFactory(cohort=cohort, member_a=people["chloe"], member_b=people["dan"], enroll=False)
    inputs = selectors.match_inputs(cohort)
    assert sorted(c.id for c in inputs.candidates) == ["Ana Costa", "Ben Okafor", "Eve Adams"]


def test_two_people_with_the_same_name_are_told_apart_by_e_mail():
    cohort = matching_cohort()
    a = add_person(cohort, "Sam Lee", offers={"SQL": 4}, wants={"Negotiation": 1})
    b = add_person(cohort, "Sam Lee", offers={"Negotiation": 4}, wants={"SQL": 1})
    names = selectors.match_inputs(cohort).name_of
    assert names == {a.pk: f"Sam Lee ({a.email})", b.pk: f"Sam Lee ({b.email})"}


def test_a_person_without_a_seniority_band_counts_as_the_middle_band_and_the_run_says_so(program_admin):
    cohort = matching_cohort()
    four_people(cohort)
    add_person(cohort, "Nora Noband", offers={"SQL": 4}, wants={"Tableau": 1}, seniority=None)
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    assert run.parameters["without_seniority"] == 1
    assert next(c for c in selectors.match_inputs(cohort).candidates if c.id == "Nora Noband").seniority == 4


def test_running_is_refused_unless_the_cohort_is_in_matching(program_admin):
    cohort = matching_cohort(status="enrolling")
    four_people(cohort)
    with pytest.raises(ValidationError, match=r"Matching runs while a cohort is in matching; .* is enrolling"):
        services.match_run_start(cohort=cohort, started_by=program_admin)
    assert not MatchRun.objects.exists()


def test_running_needs_two_free_participants(program_admin):
    cohort = matching_cohort()
    add_person(cohort, "Solo Person", offers={"SQL": 4}, wants={"Excel": 1})
    with pytest.raises(ValidationError, match=r"at least two approved participants without a partner; .* has 1"):
        services.match_run_start(cohort=cohort, started_by=program_admin)
    assert not MatchRun.objects.exists()


def test_a_second_run_is_refused_while_one_is_queued(program_admin):
    cohort = matching_cohort()
    four_people(cohort)
    queued = services.match_run_create(cohort=cohort, started_by=program_admin)
    with pytest.raises(ValidationError, match="Run #1 is still queued"):
        services.match_run_start(cohort=cohort, started_by=program_admin)
    assert list(MatchRun.objects.all()) == [queued]


def test_a_run_lost_by_its_worker_is_failed_when_the_next_one_starts(program_admin):
    cohort = matching_cohort()
    four_people(cohort)
    lost = services.match_run_create(cohort=cohort, started_by=program_admin)
    MatchRun.objects.filter(pk=lost.pk).update(
        status="running", started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    assert run.number == 2 and run.status == "done"
    lost.refresh_from_db()
    assert lost.status == "failed" and "lost" in lost.error


def test_a_run_is_claimed_exactly_once(program_admin):
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_create(cohort=cohort, started_by=program_admin)
    assert services.match_run_execute(run_id=run.pk).status == "done"
    assert services.match_run_execute(run_id=run.pk) is None  # a duplicate delivery finds nothing to claim
    assert MatchPair.objects.filter(run=run).count() == 2
    assert MatchUnmatched.objects.filter(run=run).count() == 1


def test_a_run_that_is_still_running_is_not_claimed_again(program_admin):
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_create(cohort=cohort, started_by=program_admin)
    MatchRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now())
    assert services.match_run_execute(run_id=run.pk) is None
    assert not MatchPair.objects.exists()


def test_bad_profile_data_fails_the_run_with_a_message_naming_the_person(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    type(people["eve"]).objects.filter(pk=people["eve"].pk).update(timezone="Mars/Olympus_Mons")
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    assert run.status == "failed"
    assert "Eve Adams" in run.error and "timezone" in run.error
    assert not run.pairs.exists()


def test_a_large_cohort_is_queued_on_commit_and_the_task_runs_it(
    program_admin, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(runs, "INLINE_MAX_PEOPLE", 3)
    cohort = matching_cohort()
    four_people(cohort)
    with django_capture_on_commit_callbacks() as callbacks:
        run = services.match_run_start(cohort=cohort, started_by=program_admin)
        assert run.status == "queued" and run.progress == 0
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: Celery (eager in tests) runs the task
    run.refresh_from_db()
    assert run.status == "done" and run.matched_people == 4


def test_the_task_reports_progress_through_the_stages(program_admin, monkeypatch):
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_create(cohort=cohort, started_by=program_admin)
    seen = []
    original = runs._progress

    def spy(run_id, percent, stage):
        seen.append((percent, stage))
        original(run_id, percent, stage)

    monkeypatch.setattr(runs, "_progress", spy)
    tasks.run_match.delay(run.pk)
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[0] >= 25 and percents[-1] == 85
    assert any("Scoring" in stage for _, stage in seen) and any("Saving" in stage for _, stage in seen)


def test_the_task_retries_a_temporary_database_error_and_then_finishes(program_admin, monkeypatch):
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0, 0))
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_create(cohort=cohort, started_by=program_admin)
    original = runs._execute
    calls = []

    def flaky(run):
        calls.append(run.status)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(run)

    monkeypatch.setattr(runs, "_execute", flaky)
    # Eagerly, Celery applies the retry at once when exceptions are not re-raised to the caller.
    result = tasks.run_match.apply(args=[run.pk], throw=False)
    run.refresh_from_db()
    assert calls == ["running", "running"]  # put back in the queue, then claimed again by the retry
    assert result.get() == "done" and run.status == "done"


def test_the_task_gives_up_after_its_retries_and_fails_the_run(program_admin, monkeypatch):
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0, 0))
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_create(cohort=cohort, started_by=program_admin)
    calls = []

    def down(run):
        calls.append(1)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(runs, "_execute", down)
    result = tasks.run_match.apply(args=[run.pk], retries=len(tasks.RETRY_DELAYS), throw=False)  # the last attempt
    run.refresh_from_db()
    assert isinstance(result.result, OperationalError)
    assert calls == [1] and run.status == "failed" and "unavailable" in run.error


def test_the_task_does_not_retry_a_bug(program_admin, monkeypatch):
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_create(cohort=cohort, started_by=program_admin)
    calls = []

    def broken(run):
        calls.append(1)
        raise KeyError("oops")

    monkeypatch.setattr(runs, "_execute", broken)
    with pytest.raises(KeyError):
        tasks.run_match.delay(run.pk)
    run.refresh_from_db()
    assert calls == [1] and run.status == "failed" and "KeyError" in run.error


def test_a_rerun_keeps_locks_and_exclusions_and_replaces_the_previous_proposal(program_admin):
    cohort = matching_cohort()
    ana = add_person(cohort, "Ana Costa", offers={"SQL": 5}, wants={"Negotiation": 1})
    ben = add_person(cohort, "Ben Okafor", offers={"Negotiation": 5}, wants={"SQL": 1}, department="Sales")
    cy = add_person(cohort, "Cy Weak", offers={"Negotiation": 2}, wants={"SQL": 1}, department="Sales")
    dee = add_person(cohort, "Dee Weak", offers={"SQL": 2}, wants={"Negotiation": 1})
    first = services.match_run_start(cohort=cohort, started_by=program_admin)
    assert pair_ids(first) == {key(ana, ben), key(cy, dee)}
    PairRule.objects.create(cohort=cohort, user_a_id=min(ana.pk, ben.pk), user_b_id=max(ana.pk, ben.pk), kind="exclude")
    PairRule.objects.create(cohort=cohort, user_a_id=min(ana.pk, cy.pk), user_b_id=max(ana.pk, cy.pk), kind="lock")
    second = services.match_run_rerun(run=first, started_by=program_admin)
    assert second.number == 2 and pair_ids(second) == {key(ana, cy), key(ben, dee)}
    assert second.pairs.get(user_a_id=min(ana.pk, cy.pk)).is_locked
    assert len(second.parameters["locked"]) == 1 and len(second.parameters["excluded"]) == 1
    first.refresh_from_db()
    assert first.status == "superseded"


def test_a_lock_that_now_breaks_a_hard_rule_is_left_out_and_the_run_says_why(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    ana, ben = people["ana"], people["ben"]
    PairRule.objects.create(cohort=cohort, user_a_id=min(ana.pk, ben.pk), user_b_id=max(ana.pk, ben.pk), kind="lock")
    ben.profile.manager = ana
    ben.profile.save()
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    assert run.status == "done"
    assert key(ana, ben) not in pair_ids(run)
    assert run.parameters["ignored_locks"] == [
        "The lock Ana Costa ⇄ Ben Okafor was not applied: Ana Costa is Ben Okafor's manager."
    ]


def test_a_run_is_numbered_within_its_cohort(program_admin):
    first_cohort, other_cohort = matching_cohort(), matching_cohort()
    four_people(first_cohort)
    four_people(other_cohort)
    services.match_run_start(cohort=first_cohort, started_by=program_admin)
    run = services.match_run_start(cohort=other_cohort, started_by=program_admin)
    assert run.number == 1
    assert Cohort.objects.get(pk=first_cohort.pk).match_runs.get().number == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_run_goes_through_the_celery_worker_and_the_page_follows_it(client, celery_worker, monkeypatch):
    """With REDIS_URL set the task goes through Redis to a real worker; without it, Celery runs it eagerly."""
    monkeypatch.setattr(runs, "INLINE_MAX_PEOPLE", 3)
    admin = ProgramAdminFactory()
    cohort = matching_cohort()
    four_people(cohort)
    client.force_login(admin)
    response = client.post(reverse("matching:run_start", args=[cohort.pk]))
    run = MatchRun.objects.get(cohort=cohort)
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert wait_for(lambda: MatchRun.objects.get(pk=run.pk).status == "done", timeout=30)
    progress = client.get(
        reverse("matching:run_progress", args=[run.cohort_id, run.number]), headers={"Accept": "application/json"}
    )
    assert progress.json() == {
        "status": "done",
        "progress": 100,
        "stage": "Proposal ready",
        "finished": True,
        "url": run.get_absolute_url(),
    }


def test_the_progress_fragment_polls_while_queued_then_stops_and_reloads_once_when_done(client_for, program_admin):
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_create(cohort=cohort, started_by=program_admin)
    client = client_for(program_admin)
    url = reverse("matching:run_progress", args=[run.cohort_id, run.number])
    page = client.get(run.get_absolute_url()).content.decode()
    assert f'hx-get="{url}"' in page and "vendor/htmx/htmx.min.js" in page
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and 'role="progressbar"' in fragment.content.decode()
    assert "js/reload.js" not in fragment.content.decode()
    services.match_run_execute(run_id=run.pk)
    fragment = client.get(url, headers={"HX-Request": "true"})
    # 286: htmx stops polling (a reload still loading a large page is not restarted), and the fragment reloads once
    assert fragment.status_code == 286 and "hx-get" not in fragment.content.decode()
    assert "js/reload.js" in fragment.content.decode()
    plain = client.get(url)  # opened by hand: no reload, or it would reload itself for ever
    assert plain.status_code == 200 and "js/reload.js" not in plain.content.decode()
    # htmx is on every signed-in page (the bell); what stops is the polling element
    assert f'hx-get="{url}"' not in client.get(run.get_absolute_url()).content.decode()


def test_a_failed_run_page_shows_the_error_and_offers_to_run_again(client_for, program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    type(people["eve"]).objects.filter(pk=people["eve"].pk).update(timezone="Mars/Olympus_Mons")
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    body = client_for(program_admin).get(run.get_absolute_url()).content.decode()
    assert "This run failed." in body and "Eve Adams" in body and "Run matching again" in body


def test_an_admin_may_lock_or_exclude_two_participants_before_any_run(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    ana, ben, eve = people["ana"], people["ben"], people["eve"]
    rule = services.pair_rule_create(
        cohort=cohort, first=ben, second=ana, kind="lock", by=program_admin, reason="Asked"
    )
    assert (rule.user_a, rule.user_b, rule.kind, rule.reason) == (ana, ben, "lock", "Asked")
    with pytest.raises(ValidationError, match="Ana Costa and Ben Okafor are locked together already"):
        services.pair_rule_create(cohort=cohort, first=ana, second=eve, kind="lock", by=program_admin)
    with pytest.raises(ValidationError) as error:
        services.pair_rule_create(cohort=cohort, first=eve, second=eve, kind="exclude", by=program_admin)
    assert error.value.message_dict == {"second": ["Choose two different people."]}
    outsider = add_person(matching_cohort(), "Olga Elsewhere")
    with pytest.raises(ValidationError) as error:
        services.pair_rule_create(cohort=cohort, first=eve, second=outsider, kind="exclude", by=program_admin)
    assert error.value.message_dict == {"second": [f"Olga Elsewhere is not an approved participant of {cohort.name}."]}
    assert PairRule.objects.count() == 1


def _imported_into(cohort, rows) -> dict[str, object]:
    """People written through the employee import (which stores one spelling per department), approved in ``cohort``."""
    employee_import_run(file_name="people.csv", data=make_csv(rows))
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__in=[r["email"] for r in rows])}
    for user in users.values():
        EnrollmentFactory(cohort=cohort, user=user, status="approved")
    return users


@pytest.mark.parametrize("rule", ["forbidden", "discouraged"])
def test_the_same_department_rule_sees_spellings_of_one_department_as_one(program_admin, rule):
    cohort = matching_cohort(same_department=rule)
    people = _imported_into(
        cohort,
        [
            import_person(
                "ana@northwind.example", department="Sales", offered_skills="SQL:4", wanted_skills="Tableau:1"
            ),
            import_person(
                "ben@northwind.example", department="sales ", offered_skills="Tableau:4", wanted_skills="SQL:1"
            ),
        ],
    )
    assert people["ben"].profile.department == "Sales"
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    if rule == "forbidden":
        assert not run.pairs.exists()
        reasons = dict(run.unmatched.values_list("user__email", "reason"))
        assert all("1 is in Sales too (forbidden in this cohort)" in r for r in reasons.values()), reasons
    else:
        pair = run.pairs.get()
        assert "same department (Sales), discouraged in this cohort -30 points" in pair.explanation
