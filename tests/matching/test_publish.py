"""Publishing a proposal: a Celery task makes the partnerships, e-mails both partners with the explanation and
activates the cohort, all or nothing and exactly once; the run page follows it. Refusals write nothing.
After publishing: one pair ends and its two people are re-matched among the unmatched, other pairs untouched."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from matching import selectors, services, tasks
from matching.models import MatchRun, PairRule
from matching.services import publishing
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort
from tests.conftest import wait_for
from tests.matching.cohort_helpers import add_person, publish_now

pytestmark = pytest.mark.django_db


def publish(run, admin):
    return publish_now(run, admin, base_url="https://twoway.example/")


def request(run, admin):
    return services.match_run_publish_request(run=run, published_by=admin)


def test_publishing_makes_partnerships_with_the_explanation_and_activates_the_cohort(
    run, cohort, people, program_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(run, program_admin)
    run.refresh_from_db()
    cohort.refresh_from_db()
    assert run.status == "published" and run.published_by == program_admin
    assert run.publish_requested_at <= run.published_at and run.publish_error == ""
    assert cohort.status == "active"
    made = {(p.member_a_id, p.member_b_id): p for p in Partnership.objects.filter(cohort=cohort)}
    proposed = {(p.user_a_id, p.user_b_id): p for p in run.pairs.all()}
    assert made.keys() == proposed.keys()
    for key, partnership in made.items():
        pair = proposed[key]
        assert partnership.explanation == pair.explanation and partnership.score == pair.score
        assert (partnership.a_teaches_b, partnership.b_teaches_a) == (pair.a_teaches_b, pair.b_teaches_a)
        assert partnership.published_by == program_admin and not partnership.is_one_way
    # The four partners, and Eve, whom the run left unmatched (told why by mentoring.nudges).
    assert sorted(m.to[0] for m in mailoutbox) == sorted(people[k].email for k in ("ana", "ben", "chloe", "dan", "eve"))
    to_eve = next(m for m in mailoutbox if m.to == [people["eve"].email])
    assert to_eve.subject == f"[Twoway] No partner for you in {cohort.name} yet: why, and what happens next"
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
        request(run, program_admin)
    assert Partnership.objects.count() == 2


def test_publishing_a_replaced_run_is_refused(run, program_admin, cohort):
    services.match_run_rerun(run=run, started_by=program_admin)
    run.refresh_from_db()
    with pytest.raises(ValidationError, match="was replaced by a later run"):
        request(run, program_admin)
    assert not Partnership.objects.exists() and Cohort.objects.get(pk=cohort.pk).status == "matching"


def test_publishing_while_a_newer_run_is_queued_is_refused(run, program_admin, cohort):
    services.match_run_create(cohort=cohort, started_by=program_admin)
    with pytest.raises(ValidationError, match="Run #2 is newer than run #1"):
        request(run, program_admin)
    assert not Partnership.objects.exists()


def test_publishing_a_failed_or_queued_run_is_refused(cohort, people, program_admin):
    queued = services.match_run_create(cohort=cohort, started_by=program_admin)
    with pytest.raises(ValidationError, match="Run #1 is still queued"):
        request(queued, program_admin)
    services.match_run_fail(run_id=queued.pk, message="boom")
    queued.refresh_from_db()
    with pytest.raises(ValidationError, match="Run #1 failed"):
        request(queued, program_admin)
    assert not Partnership.objects.exists()


def test_publishing_is_refused_once_the_cohort_left_matching(run, cohort, program_admin):
    Cohort.objects.filter(pk=cohort.pk).update(status="enrolling")
    with pytest.raises(ValidationError, match="is enrolling"):
        request(run, program_admin)
    assert not Partnership.objects.exists()
    assert MatchRun.objects.get(pk=run.pk).status == "done"


def test_publishing_an_empty_proposal_is_refused(run, people, program_admin):
    for pair in list(run.pairs.all()):
        services.match_pair_break(pair=pair, by=program_admin)
    with pytest.raises(ValidationError, match="no pairs to publish"):
        request(run, program_admin)


def test_a_pair_that_can_no_longer_be_made_publishes_nothing_and_the_proposal_comes_back_with_why(
    run, cohort, people, program_admin, mailoutbox, django_capture_on_commit_callbacks
):
    people["dan"].enrollments.filter(cohort=cohort).update(status="withdrawn")
    with django_capture_on_commit_callbacks(execute=True):
        run = publish(run, program_admin)
    assert not Partnership.objects.exists() and mailoutbox == []
    assert (run.status, run.published_by, run.published_at) == ("done", None, None)
    assert Cohort.objects.get(pk=cohort.pk).status == "matching"
    assert run.publish_error.startswith("Chloé Martin ⇄ Dan Brown: Dan Brown: not an approved participant of")
    assert "Nothing was published: break that pair or run matching again." in run.publish_error
    # The proposal is editable again: break the pair and publish the rest.
    services.match_pair_break(pair=run.pairs.get(user_b=people["dan"]), by=program_admin)
    run = publish(run, program_admin)
    assert run.status == "published" and run.publish_error == "" and Partnership.objects.count() == 1


# --- The publish button: a Celery task, and the run page following it ------------------------------------------


def test_the_publish_page_confirms_and_says_it_runs_in_the_background(client_for, program_admin, run):
    response = client_for(program_admin).get(reverse("matching:run_publish", args=[run.cohort_id, run.number]))
    body = response.content.decode()
    assert response.status_code == 200 and "Publish and notify the partners" in body
    assert "It runs in the background" in body


def test_publishing_queues_the_task_on_commit_and_the_run_page_follows_it(
    client_for, program_admin, run, cohort, django_capture_on_commit_callbacks
):
    client = client_for(program_admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("matching:run_publish", args=[run.cohort_id, run.number]))
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert len(callbacks) == 1 and not Partnership.objects.exists()  # queued, not run: no worker yet
    run.refresh_from_db()
    assert (run.status, run.published_by, run.published_at) == ("publishing", program_admin, None)

    page = client.get(run.get_absolute_url()).content.decode()
    progress_url = reverse("matching:run_progress", args=[run.cohort_id, run.number])
    assert "Run #1 is publishing 2 pairs in the background." in page
    assert "Publishing 2 pairs" in page and f'hx-get="{progress_url}"' in page and "vendor/htmx/htmx.min.js" in page
    assert "Publishing… 0 of 2 pairs, waiting for a worker" in page
    assert "Publish…" not in page and "Re-run, keeping locks" not in page and "Pair them" not in page

    callbacks[0]()  # the commit: Celery (eager in tests) runs the task
    assert Partnership.objects.filter(cohort=cohort).count() == 2
    fragment = client.get(progress_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 286 and "js/reload.js" in fragment.content.decode()
    page = client.get(run.get_absolute_url()).content.decode()
    assert f"Run #1 is published: 2 partnerships, both partners of each were e-mailed. {cohort.name} is active." in page
    # htmx is on every signed-in page (the bell); what stops is the polling element
    assert "Published: these pairs are partnerships now" in page and f'hx-get="{progress_url}"' not in page


def test_the_progress_bar_counts_the_pairs_the_task_has_published(client_for, program_admin, run):
    request(run, program_admin)
    cache.set(selectors.publish_progress_key(run.pk), {"done": 1, "total": 2})  # what the task writes as it goes
    client = client_for(program_admin)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Publishing… 1 of 2 pairs" in page and 'aria-valuenow="50"' in page
    progress = client.get(
        reverse("matching:run_progress", args=[run.cohort_id, run.number]), headers={"Accept": "application/json"}
    )
    assert progress.json() == {
        "status": "publishing",
        "progress": 50,
        "stage": "Publishing… 1 of 2 pairs",
        "finished": False,
        "url": run.get_absolute_url(),
    }


def test_the_task_writes_its_count_as_it_goes_and_clears_it_when_done(run, program_admin, monkeypatch):
    request(run, program_admin)
    key = selectors.publish_progress_key(run.pk)
    seen = []
    original = publishing._notify

    def spy(partnership, base_url):
        seen.append(cache.get(key))
        original(partnership, base_url)

    monkeypatch.setattr(publishing, "_notify", spy)
    assert tasks.publish_run.delay(run.pk, "https://twoway.example/").get() == "published"
    assert seen == [{"done": 0, "total": 2}, {"done": 1, "total": 2}]
    assert cache.get(key) is None


@pytest.mark.django_db(transaction=True)
def test_with_eager_celery_the_button_publishes_at_once_and_says_so_as_before(client, program_admin, run, cohort):
    """`make run` and the browser journeys: no worker, the task runs when the request commits."""
    client.force_login(program_admin)
    url = reverse("matching:run_publish", args=[run.cohort_id, run.number])
    response = client.post(url, follow=True)
    body = response.content.decode()
    assert response.redirect_chain == [(run.get_absolute_url(), 302)]
    assert f"Run #1 is published: 2 partnerships, both partners of each were e-mailed. {cohort.name} is active." in body
    assert "Published: these pairs are partnerships now" in body
    response = client.post(url, follow=True)
    assert "Run #1 is already published by Hana HR" in response.content.decode()
    assert Partnership.objects.count() == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_publishing_goes_through_the_celery_worker_and_the_page_follows_it(
    client, celery_worker, run, cohort, program_admin
):
    """With REDIS_URL set the task goes through Redis to a real worker; without it, Celery runs it eagerly."""
    client.force_login(program_admin)
    response = client.post(reverse("matching:run_publish", args=[run.cohort_id, run.number]))
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert wait_for(lambda: MatchRun.objects.get(pk=run.pk).status == "published", timeout=30)
    progress = client.get(
        reverse("matching:run_progress", args=[run.cohort_id, run.number]), headers={"Accept": "application/json"}
    )
    assert progress.json() == {
        "status": "published",
        "progress": 100,
        "stage": "Published",
        "finished": True,
        "url": run.get_absolute_url(),
    }
    assert Partnership.objects.filter(cohort=cohort).count() == 2


def test_the_cohort_page_follows_a_run_being_published(client_for, program_admin, run, cohort):
    request(run, program_admin)
    body = client_for(program_admin).get(reverse("matching:cohort", args=[cohort.pk])).content.decode()
    assert "Run #1 is publishing." in body and "Follow its progress" in body
    assert reverse("matching:run_start", args=[cohort.pk]) not in body


# --- Exactly once --------------------------------------------------------------------------------------------


def test_a_second_publish_while_publishing_is_refused_and_queues_nothing(
    client_for, program_admin, run, django_capture_on_commit_callbacks
):
    client = client_for(program_admin)
    url = reverse("matching:run_publish", args=[run.cohort_id, run.number])
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url)
        response = client.post(url, follow=True)  # a second click, or another tab
    assert "Run #1 is already being published by Hana HR" in response.content.decode()
    assert len(callbacks) == 1
    with pytest.raises(ValidationError, match="already being published"):
        request(run, program_admin)
    assert client.get(url, follow=True).status_code == 200  # the confirmation page sends them to the run
    callbacks[0]()
    assert Partnership.objects.count() == 2


def test_a_run_claimed_between_the_checks_and_the_claim_is_refused(
    run, program_admin, monkeypatch, django_capture_on_commit_callbacks
):
    original = publishing._check_publishable

    def another_tab_claims_meanwhile(run, cohort):
        original(run, cohort)
        MatchRun.objects.filter(pk=run.pk).update(status="publishing")

    monkeypatch.setattr(publishing, "_check_publishable", another_tab_claims_meanwhile)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError, match="already being"):
        services.match_run_publish_start(run=run, published_by=program_admin)
    assert callbacks == [] and not Partnership.objects.exists()


def test_a_duplicate_or_retried_task_publishes_nothing_twice(
    run, people, program_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request(run, program_admin)
        assert services.match_run_publish_execute(run_id=run.pk).status == "published"
        assert services.match_run_publish_execute(run_id=run.pk) is None  # the duplicate finds nothing to claim
        assert tasks.publish_run.delay(run.pk).get() == "not claimed"
    assert Partnership.objects.count() == 2 and len(mailoutbox) == 4 + 1  # the partners, and Eve told once


def test_a_task_for_a_run_nobody_asked_to_publish_does_nothing(run):
    assert tasks.publish_run.delay(run.pk).get() == "not claimed"
    assert tasks.publish_run.delay(999999).get() == "not claimed"
    assert MatchRun.objects.get(pk=run.pk).status == "done" and not Partnership.objects.exists()


# --- While publishing, the proposal can't change ----------------------------------------------------------------


def test_changes_to_a_run_being_published_are_refused(run, people, program_admin):
    request(run, program_admin)
    pair = run.pairs.get(user_a__in=[people["ana"], people["ben"]])
    message = "Run #1 is being published: its proposal can no longer change."
    for change in (
        lambda: services.match_pair_lock(pair=pair, by=program_admin),
        lambda: services.match_pair_unlock(pair=pair, by=program_admin),
        lambda: services.match_pair_break(pair=pair, by=program_admin),
        lambda: services.match_pair_exclude(run=run, first=people["ana"], second=people["eve"], by=program_admin),
        lambda: services.match_pair_manual(run=run, first=people["eve"], second=people["ana"], by=program_admin),
    ):
        with pytest.raises(ValidationError, match=message):
            change()
    with pytest.raises(ValidationError, match="Run #1 is still publishing: wait for it to finish"):
        services.match_run_rerun(run=run, started_by=program_admin)
    assert run.pairs.count() == 2 and not PairRule.objects.exists() and MatchRun.objects.count() == 1


def test_the_change_buttons_of_a_run_being_published_answer_with_a_message(client_for, run, people, program_admin):
    request(run, program_admin)
    client = client_for(program_admin)
    pair = run.pairs.first()
    two = {"first": people["eve"].pk, "second": people["ana"].pk}
    posts = [
        (reverse("matching:pair_lock", args=[run.cohort_id, run.number, pair.pk]), {}),
        (reverse("matching:pair_unlock", args=[run.cohort_id, run.number, pair.pk]), {}),
        (reverse("matching:pair_break", args=[run.cohort_id, run.number, pair.pk]), {}),
        (reverse("matching:pair_manual", args=[run.cohort_id, run.number]), {f"pair-{k}": v for k, v in two.items()}),
        (
            reverse("matching:pair_exclude", args=[run.cohort_id, run.number]),
            {f"exclude-{k}": v for k, v in two.items()},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain == [(run.get_absolute_url(), 302)], url
        assert "Run #1 is being published: its proposal can no longer change." in response.content.decode(), url
    response = client.post(reverse("matching:run_rerun", args=[run.cohort_id, run.number]), follow=True)
    assert "Run #1 is still publishing: wait for it to finish." in response.content.decode()
    assert run.pairs.count() == 2 and not PairRule.objects.exists() and MatchRun.objects.count() == 1


# --- Failures: nothing half-written, the proposal comes back ---------------------------------------------------


def test_an_error_halfway_rolls_everything_back_and_the_admin_can_publish_again(
    client_for, run, cohort, program_admin, monkeypatch, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.ADMINS = [("Ops", "ops@northwind.example")]
    original, calls = publishing._notify, []

    def fails_on_the_second_pair(partnership, base_url):
        calls.append(partnership.pk)
        if len(calls) == 2:
            raise KeyError("template")
        original(partnership, base_url)

    monkeypatch.setattr(publishing, "_notify", fails_on_the_second_pair)
    request(run, program_admin)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(KeyError):
        tasks.publish_run.delay(run.pk)  # a bug is not retried; eager Celery raises it here
    run.refresh_from_db()
    assert len(calls) == 2 and not Partnership.objects.exists()
    assert [m.to for m in mailoutbox] == [["ops@northwind.example"]]  # no partner, not even the first pair's
    assert (run.status, run.published_by, run.published_at) == ("done", None, None)
    assert run.publish_error == "Unexpected error (KeyError); the team has been told. Publish again."
    assert Cohort.objects.get(pk=cohort.pk).status == "matching"
    assert cache.get(selectors.publish_progress_key(run.pk)) is None

    client = client_for(program_admin)
    fragment = client.get(
        reverse("matching:run_progress", args=[run.cohort_id, run.number]), headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 286  # the page that followed it reloads, with the message
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Run #1 was not published: nothing changed and nobody was told." in page
    assert "Publishing failed: nothing was published and nobody was told.</strong> Unexpected error (KeyError)" in page
    assert "Publish…" in page and "Pair them" in page  # editable again

    monkeypatch.setattr(publishing, "_notify", original)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:run_publish", args=[run.cohort_id, run.number]))
    run.refresh_from_db()
    assert run.status == "published" and run.publish_error == "" and Partnership.objects.count() == 2
    assert len(mailoutbox) == 1 + 4 + 1  # the failure to the admins, the four partners, Eve (unmatched)


def test_the_task_retries_a_temporary_database_error_and_then_publishes(run, program_admin, monkeypatch):
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0, 0))
    request(run, program_admin)
    original, calls = publishing._publish, []

    def flaky(run, cohort, *, base_url):
        calls.append(run.status)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(run, cohort, base_url=base_url)

    monkeypatch.setattr(publishing, "_publish", flaky)
    result = tasks.publish_run.apply(args=[run.pk], throw=False)
    assert calls == ["publishing", "publishing"]  # publishing, rolled back, publishing again in the retry
    assert result.get() == "published" and Partnership.objects.count() == 2


def test_the_task_gives_up_after_its_retries_and_returns_the_proposal(run, program_admin, monkeypatch):
    request(run, program_admin)

    def down(run, cohort, *, base_url):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(publishing, "_publish", down)
    result = tasks.publish_run.apply(args=[run.pk], retries=len(tasks.RETRY_DELAYS), throw=False)  # the last try
    run.refresh_from_db()
    assert isinstance(result.result, OperationalError)
    assert run.status == "done" and "unavailable for too long, so nothing was published" in run.publish_error
    assert not Partnership.objects.exists()


def test_a_cohort_moved_back_to_enrolling_meanwhile_fails_the_publication(run, cohort, program_admin):
    request(run, program_admin)
    Cohort.objects.filter(pk=cohort.pk).update(status="enrolling")
    assert services.match_run_publish_execute(run_id=run.pk).status == "done"
    run.refresh_from_db()
    assert "is enrolling" in run.publish_error and not Partnership.objects.exists()


def test_a_publication_whose_worker_was_lost_can_be_published_again(
    client_for, run, program_admin, django_capture_on_commit_callbacks
):
    request(run, program_admin)
    client = client_for(program_admin)
    publish_url = reverse("matching:run_publish", args=[run.cohort_id, run.number])
    response = client.post(publish_url, follow=True)
    assert "already being published" in response.content.decode()  # not lost yet: refused

    MatchRun.objects.filter(pk=run.pk).update(publish_requested_at=timezone.now() - datetime.timedelta(hours=1))
    page = client.get(run.get_absolute_url()).content.decode()
    assert "it was probably lost, and nothing was published" in page and "Publish again" in page
    assert 'hx-trigger="every 1s"' not in page  # no point polling a lost worker
    with django_capture_on_commit_callbacks(execute=True):
        client.post(publish_url)
    run.refresh_from_db()
    assert run.status == "published" and Partnership.objects.count() == 2


def test_a_lost_publication_goes_back_to_its_proposal_when_a_run_starts(run, cohort, program_admin):
    request(run, program_admin)
    MatchRun.objects.filter(pk=run.pk).update(publish_requested_at=timezone.now() - datetime.timedelta(hours=1))
    second = services.match_run_start(cohort=cohort, started_by=program_admin)
    run.refresh_from_db()
    assert second.number == 2 and run.status == "superseded"
    assert "No worker finished publishing in time" in run.publish_error


def test_the_publish_page_of_a_run_being_published_sends_the_admin_to_the_run(client_for, run, program_admin):
    request(run, program_admin)
    response = client_for(program_admin).get(
        reverse("matching:run_publish", args=[run.cohort_id, run.number]), follow=True
    )
    assert response.redirect_chain == [(run.get_absolute_url(), 302)]
    assert "Run #1 is being published: its proposal can no longer change." in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "employee", "leader"])
def test_only_program_admins_can_publish_or_follow_publishing(client, run, program_admin, role, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    services.match_run_publish_request(run=run, published_by=program_admin)
    for method, url in (
        ("get", run.get_absolute_url()),
        ("get", reverse("matching:run_progress", args=[run.cohort_id, run.number])),
        ("post", reverse("matching:run_publish", args=[run.cohort_id, run.number])),
    ):
        response = getattr(client, method)(url)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url
        else:
            assert response.status_code == 403, url
    MatchRun.objects.filter(pk=run.pk).update(status="done")
    refused = client.post(reverse("matching:run_publish", args=[run.cohort_id, run.number]))
    assert refused.status_code == (302 if role == "anonymous" else 403)  # to the sign-in page, or forbidden
    assert MatchRun.objects.get(pk=run.pk).status == "done" and not Partnership.objects.exists()


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
