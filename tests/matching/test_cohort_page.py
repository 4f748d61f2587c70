"""The cohort's matching page: runs, locks and exclusions, published pairs; a fixed number of queries."""

import itertools

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchRun, PairRule
from tests.factories import PartnershipFactory
from tests.matching.cohort_helpers import four_people, matching_cohort, publish_now

pytestmark = pytest.mark.django_db


def cohort_with(runs: int, admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    for number in range(1, runs + 1):
        MatchRun.objects.create(
            cohort=cohort, number=number, status="superseded", created_by=admin, candidate_count=5, total_score=10
        )
    users = list(people.values())
    for first, second in itertools.pairwise(users):
        PairRule.objects.create(
            cohort=cohort, user_a_id=min(first.pk, second.pk), user_b_id=max(first.pk, second.pk), kind="exclude"
        )
    return cohort


@pytest.mark.parametrize("runs", [2, 20])
def test_the_matching_page_costs_the_same_for_ten_times_the_runs(
    client_for, program_admin, runs, django_assert_num_queries
):
    cohort = cohort_with(runs, program_admin)
    client = client_for(program_admin)
    # session, user, the cohort with its program, runs with who ran and published them, pair rules with people,
    # active partnerships with people, how many participants are free
    with django_assert_num_queries(7):
        response = client.get(reverse("matching:cohort", args=[cohort.pk]))
    assert response.content.decode().count("data-run=") == runs


def test_the_matching_page_offers_a_run_while_matching_and_end_and_rematch_once_active(client_for, program_admin):
    cohort = matching_cohort()
    four_people(cohort)
    client = client_for(program_admin)
    body = client.get(reverse("matching:cohort", args=[cohort.pk])).content.decode()
    assert "Run matching" in body and "5 approved participants" in body and "End and re-match" not in body
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    publish_now(run, program_admin)
    body = client.get(reverse("matching:cohort", args=[cohort.pk])).content.decode()
    assert 'data-testid="published-pairs"' in body and body.count("End and re-match<") == 2
    assert "1 approved participant has no partner: Eve Adams." in body
    assert reverse("matching:run_start", args=[cohort.pk]) not in body


def test_removing_a_rule_from_the_proposal_page_comes_back_to_it(client_for, program_admin):
    cohort = cohort_with(0, program_admin)
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    rule = PairRule.objects.filter(cohort=cohort).first()
    response = client_for(program_admin).post(reverse("matching:rule_delete", args=[rule.pk]), {"next": run.pk})
    assert response["Location"] == run.get_absolute_url() + "#rules"
    assert not PairRule.objects.filter(pk=rule.pk).exists()


def test_removing_a_rule_with_a_run_of_another_cohort_as_next_goes_to_the_cohort(client_for, program_admin):
    cohort = cohort_with(0, program_admin)
    elsewhere = PartnershipFactory().cohort
    other_run = MatchRun.objects.create(cohort=elsewhere, number=1, status="done")
    rule = PairRule.objects.filter(cohort=cohort).first()
    response = client_for(program_admin).post(reverse("matching:rule_delete", args=[rule.pk]), {"next": other_run.pk})
    assert response["Location"] == reverse("matching:cohort", args=[cohort.pk])


def test_the_published_pairs_name_who_has_no_partner_and_link_to_the_reasons(client_for, program_admin):
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    publish_now(run, program_admin)
    body = client_for(program_admin).get(reverse("matching:cohort", args=[cohort.pk])).content.decode()
    assert "no partner: Eve Adams." in body
    assert f'href="{reverse("matching:run_detail", args=[run.cohort_id, run.number])}#unmatched"' in body
