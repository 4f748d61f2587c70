"""Two admins clicking at the same moment: one run starts, one publication is claimed, and duplicate tasks publish
once (PostgreSQL row locks)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction

from matching import services, tasks
from matching.models import MatchRun
from matching.services import publishing, runs
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort
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


def _still_held_by_the_task(run: MatchRun) -> tuple[str, bool]:
    """Seen from this test's own connection: the run's status and whether the cohort's row is still locked."""
    status = MatchRun.objects.get(pk=run.pk).status  # "published" once the task has committed
    try:
        with transaction.atomic():
            Cohort.objects.select_for_update(nowait=True).get(pk=run.cohort_id)
    except OperationalError:  # "could not obtain lock on row": the task's transaction still holds it
        return status, True
    return status, False


def test_while_a_task_publishes_clicks_are_refused_at_once_not_after_its_locks(monkeypatch):
    """The task holds the cohort's row for the whole publication: refusals must not wait for it.

    The task is held inside its transaction until the test lets it go, or for at most HELD seconds. A refusal
    that waited for the task's locks would only return after that, once the task has committed: the run would
    then read "published" and the cohort's row would be free."""
    held = 20
    admin = ProgramAdminFactory()
    cohort = matching_cohort()
    four_people(cohort)
    run = services.match_run_start(cohort=cohort, started_by=admin)
    services.match_run_publish_request(run=run, published_by=admin)
    inside, release = threading.Event(), threading.Event()
    original = publishing._notify

    def slow(partnership, base_url):
        inside.set()
        release.wait(timeout=held)
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
        assert inside.wait(timeout=30)  # the task is publishing, inside its transaction
        pair = run.pairs.first()
        for refused, message in (
            (lambda: services.match_run_publish_request(run=run, published_by=admin), "already being published"),
            (lambda: services.match_pair_lock(pair=pair, by=admin), "is being published"),
            (lambda: services.match_run_rerun(run=run, started_by=admin), "is still publishing"),
        ):
            with pytest.raises(ValidationError, match=message):
                refused()
            # Refused while the task was still mid-flight: not committed, the cohort's row still locked by it.
            assert _still_held_by_the_task(run) == ("publishing", True)
    finally:
        release.set()
        thread.join()
    assert _still_held_by_the_task(run) == ("published", False)  # the check tells the two states apart
    assert Partnership.objects.filter(cohort=cohort).count() == 2
