"""Two admins clicking at the same moment: one run starts, one publication is claimed, and duplicate tasks publish
once (PostgreSQL row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from matching import services, tasks
from matching.models import MatchRun
from matching.services import publishing, runs
from mentoring.partnerships.models import Partnership
from tests.conftest import run_together
from tests.factories import ProgramAdminFactory
from tests.matching.cohort_helpers import four_people, matching_cohort

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks and serialises writers; the race is meaningful on PostgreSQL")


def test_simultaneous_starts_make_one_run_at_a_time(monkeypatch):
    monkeypatch.setattr(runs, "INLINE_MAX_PEOPLE", 0)  # a queued run ...
    monkeypatch.setattr(runs, "launch", lambda run: None)  # ... that no worker picks up meanwhile
    admin = ProgramAdminFactory()
    cohort = matching_cohort()
    four_people(cohort)
    _, refusals = run_together([lambda: services.match_run_start(cohort=cohort, started_by=admin)] * 4)
    assert MatchRun.objects.filter(cohort=cohort).count() == 1
    assert len(refusals) == 3 and all("is still" in " ".join(e.messages) for e in refusals)


def test_simultaneous_publish_clicks_claim_the_run_once(monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.publish_run, "apply_async", lambda kwargs: queued.append(kwargs))  # no worker meanwhile
    admin = ProgramAdminFactory()
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=admin)
    _, refusals = run_together([lambda: services.match_run_publish_start(run=run, published_by=admin)] * 4)
    assert len(refusals) == 3 and all("already being published" in " ".join(e.messages) for e in refusals)
    assert queued == [{"run_id": run.pk, "base_url": ""}] and MatchRun.objects.get(pk=run.pk).status == "publishing"


def test_simultaneous_tasks_publish_once():
    admin = ProgramAdminFactory()
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=admin)
    services.match_run_publish_request(run=run, published_by=admin)
    results, _ = run_together([lambda: services.match_run_publish_execute(run_id=run.pk)] * 4)
    assert sum(result is not None for result in results) == 1  # the others found nothing to claim
    assert Partnership.objects.filter(cohort=cohort).count() == 2
    assert MatchRun.objects.get(pk=run.pk).status == "published"


def test_while_a_task_publishes_clicks_are_refused_at_once_not_after_its_locks(monkeypatch):
    """The task holds the cohort's row for the whole publication: refusals must not wait for it."""
    admin = ProgramAdminFactory()
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=admin)
    services.match_run_publish_request(run=run, published_by=admin)
    inside, release = threading.Event(), threading.Event()
    original = publishing._notify

    def slow(partnership, base_url):
        inside.set()
        release.wait(timeout=30)
        original(partnership, base_url)

    monkeypatch.setattr(publishing, "_notify", slow)

    def worker():
        try:
            services.match_run_publish_execute(run_id=run.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inside.wait(timeout=30)  # the task is publishing, holding its locks
        pair = run.pairs.first()
        for refused, message in (
            (lambda: services.match_run_publish_request(run=run, published_by=admin), "already being published"),
            (lambda: services.match_pair_lock(pair=pair, by=admin), "is being published"),
            (lambda: services.match_run_rerun(run=run, started_by=admin), "is still publishing"),
        ):
            with pytest.raises(ValidationError, match=message):
                refused()
            assert not release.is_set()
    finally:
        release.set()
        thread.join()
    assert Partnership.objects.filter(cohort=cohort).count() == 2
