"""Every matching page is for program admins only; objects of another run or cohort answer 404."""

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchRun, PairRule
from mentoring.partnerships.models import Partnership
from tests.factories import PartnershipFactory
from tests.matching.cohort_helpers import four_people, matching_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    second = services.match_run_rerun(run=run, started_by=program_admin)
    pair = second.pairs.first()
    rule = PairRule.objects.create(
        cohort=cohort,
        user_a_id=min(people["ana"].pk, people["eve"].pk),
        user_b_id=max(people["ana"].pk, people["eve"].pk),
        kind="exclude",
    )
    partnership = PartnershipFactory()
    return {"cohort": cohort, "run": run, "second": second, "pair": pair, "rule": rule, "partnership": partnership}


def pages(o):
    """(method, url) of every matching view."""
    run, second = o["run"], o["second"]
    return [
        ("get", reverse("matching:cohort", args=[o["cohort"].pk])),
        ("post", reverse("matching:run_start", args=[o["cohort"].pk])),
        ("get", reverse("matching:run_detail", args=[second.cohort_id, second.number])),
        ("get", reverse("matching:run_progress", args=[second.cohort_id, second.number])),
        ("post", reverse("matching:pair_lock", args=[second.cohort_id, second.number, o["pair"].pk])),
        ("post", reverse("matching:pair_unlock", args=[second.cohort_id, second.number, o["pair"].pk])),
        ("post", reverse("matching:pair_break", args=[second.cohort_id, second.number, o["pair"].pk])),
        ("post", reverse("matching:pair_manual", args=[second.cohort_id, second.number])),
        ("post", reverse("matching:pair_exclude", args=[second.cohort_id, second.number])),
        ("post", reverse("matching:run_rerun", args=[second.cohort_id, second.number])),
        ("get", reverse("matching:run_publish", args=[second.cohort_id, second.number])),
        ("post", reverse("matching:run_publish", args=[second.cohort_id, second.number])),
        ("get", reverse("matching:run_compare", args=[second.cohort_id, second.number, run.number])),
        ("post", reverse("matching:rule_delete", args=[o["rule"].pk])),
        ("get", reverse("matching:partnership_rematch", args=[o["partnership"].pk])),
        ("post", reverse("matching:partnership_rematch", args=[o["partnership"].pk])),
    ]


def unchanged(o) -> tuple:
    return (
        MatchRun.objects.count(),
        PairRule.objects.count(),
        o["second"].pairs.count(),
        Partnership.objects.active().count(),
        MatchRun.objects.get(pk=o["second"].pk).status,
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, objects):
    before = unchanged(objects)
    for method, url in pages(objects):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    assert unchanged(objects) == before


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_employees_and_leaders_get_403_and_change_nothing(client_for, objects, role, request):
    client = client_for(request.getfixturevalue(role))
    before = unchanged(objects)
    for method, url in pages(objects):
        assert getattr(client, method)(url).status_code == 403, url
    assert unchanged(objects) == before


def test_a_partner_cannot_end_and_rematch_their_own_pair_here(client_for, objects):
    partnership = objects["partnership"]
    client = client_for(partnership.member_a)
    url = reverse("matching:partnership_rematch", args=[partnership.pk])
    assert client.post(url, {"reason": "Not working"}).status_code == 403
    assert Partnership.objects.get(pk=partnership.pk).status == "active"


def test_program_admins_can_open_every_page(client_for, program_admin, objects):
    client = client_for(program_admin)
    for method, url in pages(objects):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_a_pair_of_another_run_is_404(client_for, program_admin, objects):
    client = client_for(program_admin)
    other_run_pair = objects["run"].pairs.first()
    for name in ("pair_lock", "pair_unlock", "pair_break"):
        second = objects["second"]
        url = reverse(f"matching:{name}", args=[second.cohort_id, second.number, other_run_pair.pk])
        assert client.post(url).status_code == 404, name
    assert (
        client.post(
            reverse("matching:pair_lock", args=[objects["second"].cohort_id, objects["second"].number, 999999])
        ).status_code
        == 404
    )


def test_comparing_with_a_run_the_cohort_does_not_have_or_itself_is_404(client_for, program_admin, objects):
    client = client_for(program_admin)
    second = objects["second"]
    missing = reverse("matching:run_compare", args=[second.cohort_id, second.number, 99])
    assert client.get(missing).status_code == 404
    assert (
        client.get(reverse("matching:run_compare", args=[second.cohort_id, second.number, second.number])).status_code
        == 404
    )


def test_unknown_ids_are_404(client_for, program_admin):
    client = client_for(program_admin)
    assert client.get(reverse("matching:cohort", args=[999999])).status_code == 404
    assert client.get(reverse("matching:run_detail", args=[999999, 1])).status_code == 404
    assert client.get(reverse("matching:run_progress", args=[999999, 1])).status_code == 404
    assert client.get(reverse("matching:run_by_id", args=[999999])).status_code == 404
    assert client.post(reverse("matching:rule_delete", args=[999999])).status_code == 404
    assert client.get(reverse("matching:partnership_rematch", args=[999999])).status_code == 404


def test_the_cohort_page_offers_to_run_matching_only_while_in_matching(client_for, program_admin, objects):
    cohort = objects["cohort"]
    client = client_for(program_admin)
    body = client.get(cohort.get_absolute_url()).content.decode()
    assert reverse("matching:run_start", args=[cohort.pk]) in body
    assert reverse("matching:cohort", args=[cohort.pk]) in body
    cohort.status = "enrolling"
    cohort.save()
    body = client.get(cohort.get_absolute_url()).content.decode()
    assert reverse("matching:run_start", args=[cohort.pk]) not in body


def test_empty_posts_to_the_matching_forms_never_give_a_500_and_change_nothing(client_for, program_admin, objects):
    client = client_for(program_admin)
    second = objects["second"]
    before = unchanged(objects)
    for url in (
        reverse("matching:pair_manual", args=[second.cohort_id, second.number]),
        reverse("matching:pair_exclude", args=[second.cohort_id, second.number]),
        reverse("matching:partnership_rematch", args=[objects["partnership"].pk]),
    ):
        assert client.post(url, {}).status_code in (200, 302, 400), url
    assert unchanged(objects) == before


def test_matching_actions_refuse_get(client_for, program_admin, objects):
    client = client_for(program_admin)
    before = unchanged(objects)
    for method, url in pages(objects):
        if method == "post" and ("get", url) not in pages(objects):
            assert client.get(url).status_code == 405, url
    assert unchanged(objects) == before


def test_a_runs_address_is_its_cohort_and_its_number_and_the_old_address_leads_there(
    client_for, program_admin, objects
):
    """Before: "Run #2" lived at /matching/runs/3/ (its database id) without saying so."""
    second = objects["second"]
    assert second.get_absolute_url() == f"/matching/cohorts/{second.cohort_id}/runs/{second.number}/"
    old = client_for(program_admin).get(f"/matching/runs/{second.pk}/")
    assert (old.status_code, old["Location"]) == (301, second.get_absolute_url())
