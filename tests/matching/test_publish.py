"""Publishing a proposal: partnerships, e-mails with the explanation, an active cohort; refusals write nothing.
After publishing: one pair ends and its two people are re-matched among the unmatched, other pairs untouched."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching import services
from matching.models import MatchRun, PairRule
from mentoring.models import Cohort, Partnership
from tests.matching.cohort_helpers import add_person

pytestmark = pytest.mark.django_db


def publish(run, admin, **kwargs):
    return services.match_run_publish(run=run, published_by=admin, base_url="https://twoway.example/", **kwargs)


def test_publishing_makes_partnerships_with_the_explanation_and_activates_the_cohort(
    run, cohort, people, program_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(run, program_admin)
    run.refresh_from_db()
    cohort.refresh_from_db()
    assert run.status == "published" and run.published_by == program_admin and run.published_at
    assert cohort.status == "active"
    made = {(p.member_a_id, p.member_b_id): p for p in Partnership.objects.filter(cohort=cohort)}
    proposed = {(p.user_a_id, p.user_b_id): p for p in run.pairs.all()}
    assert made.keys() == proposed.keys()
    for key, partnership in made.items():
        pair = proposed[key]
        assert partnership.explanation == pair.explanation and partnership.score == pair.score
        assert (partnership.a_teaches_b, partnership.b_teaches_a) == (pair.a_teaches_b, pair.b_teaches_a)
        assert partnership.published_by == program_admin and not partnership.is_one_way
    assert sorted(m.to[0] for m in mailoutbox) == sorted(people[k].email for k in ("ana", "ben", "chloe", "dan"))
    to_ana = next(m for m in mailoutbox if m.to == [people["ana"].email])
    assert to_ana.subject == f"[Twoway] Your two-way mentoring partner in {cohort.name}: Ben Okafor"
    assert "You teach Ben Okafor: SQL" in to_ana.body and "Ben Okafor teaches you: Negotiation" in to_ana.body
    assert "Ana Costa teaches Ben Okafor SQL (level 4 to 1)" in to_ana.body  # the explanation
    partnership = Partnership.objects.for_user(people["ana"]).get()
    assert f"https://twoway.example/partnerships/{partnership.pk}/" in to_ana.body


def test_the_partner_sees_the_explanation_on_their_pair_page(run, people, program_admin, client_for):
    publish(run, program_admin)
    partnership = Partnership.objects.for_user(people["ben"]).get()
    body = client_for(people["ben"]).get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()
    assert "Why you were matched" in body
    assert "Ben Okafor teaches Ana Costa Negotiation (level 5 to 1)" in body


def test_publishing_twice_is_refused(run, program_admin):
    publish(run, program_admin)
    with pytest.raises(ValidationError, match="Run #1 is already published by Hana HR"):
        publish(run, program_admin)
    assert Partnership.objects.count() == 2


def test_publishing_a_replaced_run_is_refused(run, program_admin, cohort):
    services.match_run_rerun(run=run, started_by=program_admin)
    run.refresh_from_db()
    with pytest.raises(ValidationError, match="was replaced by a later run"):
        publish(run, program_admin)
    assert not Partnership.objects.exists() and Cohort.objects.get(pk=cohort.pk).status == "matching"


def test_publishing_while_a_newer_run_is_queued_is_refused(run, program_admin, cohort):
    services.match_run_create(cohort=cohort, started_by=program_admin)
    with pytest.raises(ValidationError, match="Run #2 is newer than run #1"):
        publish(run, program_admin)
    assert not Partnership.objects.exists()


def test_publishing_a_failed_or_queued_run_is_refused(cohort, people, program_admin):
    queued = services.match_run_create(cohort=cohort, started_by=program_admin)
    with pytest.raises(ValidationError, match="Run #1 is still queued"):
        publish(queued, program_admin)
    services.match_run_fail(run_id=queued.pk, message="boom")
    queued.refresh_from_db()
    with pytest.raises(ValidationError, match="Run #1 failed"):
        publish(queued, program_admin)
    assert not Partnership.objects.exists()


def test_publishing_is_refused_once_the_cohort_left_matching(run, cohort, program_admin):
    Cohort.objects.filter(pk=cohort.pk).update(status="enrolling")
    with pytest.raises(ValidationError, match="is enrolling"):
        publish(run, program_admin)
    assert not Partnership.objects.exists()
    assert MatchRun.objects.get(pk=run.pk).status == "done"


def test_publishing_an_empty_proposal_is_refused(run, people, program_admin):
    for pair in list(run.pairs.all()):
        services.match_pair_break(pair=pair, by=program_admin)
    with pytest.raises(ValidationError, match="no pairs to publish"):
        publish(run, program_admin)


def test_a_pair_that_can_no_longer_be_made_publishes_nothing_at_all(run, cohort, people, program_admin, mailoutbox):
    people["dan"].enrollments.filter(cohort=cohort).update(status="withdrawn")
    with pytest.raises(ValidationError, match=r"Dan Brown: not an approved participant .* Nothing was published"):
        publish(run, program_admin)
    assert not Partnership.objects.exists() and mailoutbox == []
    assert MatchRun.objects.get(pk=run.pk).status == "done" and Cohort.objects.get(pk=cohort.pk).status == "matching"


def test_the_publish_page_confirms_then_publishes(client_for, program_admin, run, cohort):
    client = client_for(program_admin)
    url = reverse("matching:run_publish", args=[run.pk])
    response = client.get(url)
    assert response.status_code == 200 and "Publish and notify the partners" in response.content.decode()
    response = client.post(url, follow=True)
    assert "Run #1 is published: 2 partnerships" in response.content.decode()
    response = client.post(url, follow=True)
    assert "already published" in response.content.decode()
    assert Partnership.objects.count() == 2


def test_a_one_way_hand_pair_is_published_as_one_way(cohort, run, people, program_admin):
    fay = add_person(cohort, "Fay Unmatched", offers={"Juggling": 4}, wants={"SQL": 1})
    run.unmatched.create(user=fay, reason="joined late")
    services.match_pair_manual(run=run, first=people["eve"], second=fay, by=program_admin)
    publish(run, program_admin)
    partnership = Partnership.objects.for_user(fay).get()
    assert partnership.is_one_way and partnership.b_teaches_a + partnership.a_teaches_b == ["SQL"]


# --- After publishing: end one pair and re-match ---------------------------------------------------------------


@pytest.fixture
def active(cohort, people, program_admin):
    """Published: Ana-Ben and Chloé-Dan; Eve unmatched. Fay joins later and can teach Dan what he wants."""
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    publish(run, program_admin)
    fay = add_person(cohort, "Fay Fresh", offers={"Python": 5}, wants={"Storytelling": 1}, department="Sales")
    return fay


def test_ending_a_pair_rematches_its_people_among_the_unmatched_without_touching_other_pairs(
    active, cohort, people, program_admin
):
    fay = active
    ana_ben = Partnership.objects.for_user(people["ana"]).get()
    chloe_dan = Partnership.objects.for_user(people["chloe"]).get()
    run = services.partnership_end_and_rematch(partnership=chloe_dan, ended_by=program_admin, reason="Moved teams")
    chloe_dan.refresh_from_db()
    assert chloe_dan.status == "ended" and chloe_dan.end_reason == "Moved teams"
    assert run.kind == "rematch" and run.status == "done" and run.number == 2
    assert run.candidate_count == 4  # Chloé, Dan, Eve and Fay: Ana and Ben keep their partnership
    assert set(run.pairs.values_list("user_a_id", "user_b_id")) == {tuple(sorted([people["dan"].pk, fay.pk]))}
    excluded = PairRule.objects.get(kind="exclude")
    assert {excluded.user_a, excluded.user_b} == {people["chloe"], people["dan"]}
    assert excluded.reason == "Partnership ended: Moved teams"

    publish(run, program_admin)
    cohort.refresh_from_db()
    assert cohort.status == "active"
    ana_ben_after = Partnership.objects.get(pk=ana_ben.pk)
    assert (ana_ben_after.status, ana_ben_after.started_at) == ("active", ana_ben.started_at)
    assert Partnership.objects.active().for_user(fay).get().has_member(people["dan"])


def test_ending_needs_a_reason_and_writes_nothing_without_one(active, people, program_admin):
    chloe_dan = Partnership.objects.for_user(people["chloe"]).get()
    with pytest.raises(ValidationError) as error:
        services.partnership_end_and_rematch(partnership=chloe_dan, ended_by=program_admin, reason="  ")
    assert "reason" in error.value.message_dict
    chloe_dan.refresh_from_db()
    assert chloe_dan.status == "active" and MatchRun.objects.count() == 1 and not PairRule.objects.exists()


def test_the_end_and_rematch_page(client_for, program_admin, active, people):
    chloe_dan = Partnership.objects.for_user(people["chloe"]).get()
    client = client_for(program_admin)
    url = reverse("matching:partnership_rematch", args=[chloe_dan.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Say briefly why the partnership ends." in response.content.decode()
    response = client.post(url, {"reason": "Moved teams"})
    run = MatchRun.objects.get(number=2)
    assert response["Location"] == run.get_absolute_url()
    response = client.get(url, follow=True)  # it has ended now
    assert "Only active pairs of an active cohort" in response.content.decode()


def test_running_full_matching_on_an_active_cohort_is_refused(client_for, program_admin, active, cohort):
    response = client_for(program_admin).post(reverse("matching:run_start", args=[cohort.pk]), follow=True)
    assert "Matching runs while a cohort is in matching" in response.content.decode()
    assert MatchRun.objects.count() == 1
