"""Lost match runs and publications resume within minutes: a worker writes a heartbeat while it works, and the
beat sweeper asks again for every run or publication with no sign of life (each is still done once)."""

import datetime

import pytest
from django.db import OperationalError
from django.utils import timezone

from matching import services, tasks
from matching.models import RECOVERY_ATTEMPTS, MatchRun
from matching.services import publishing, runs
from matching.services.sweeping import match_runs_sweep
from mentoring.core.tasks import heartbeat
from mentoring.partnerships.models import Partnership
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(minutes=3)  # beyond STALE_AFTER (2 minutes)


@pytest.fixture
def lost_message(monkeypatch):
    """The broker loses the task a service queues (the row is written, the worker never hears of it)."""
    rung = []
    monkeypatch.setattr(runs, "INLINE_MAX_PEOPLE", 0)
    monkeypatch.setattr(runs, "ring", lambda name, **kwargs: rung.append(name))
    monkeypatch.setattr(publishing, "ring", lambda name, **kwargs: rung.append(name))
    return rung


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The beat task: sweep, then commit, which rings the tasks (eager Celery runs them here)."""

    def _sweep():
        with django_capture_on_commit_callbacks(execute=True):
            return match_runs_sweep()

    return _sweep


def _age(run, **fields):
    MatchRun.objects.filter(pk=run.pk).update(**fields)


def test_a_queued_run_whose_message_was_lost_is_matched_after_the_sweep(
    cohort, people, program_admin, lost_message, sweep
):
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    assert lost_message == ["matching.tasks.run_match"] and run.status == "queued"
    assert sweep() == {"runs": 0, "publications": 0, "given_up": 0}  # too young to be lost
    _age(run, created_at=timezone.now() - LONG_AGO)
    assert sweep() == {"runs": 1, "publications": 0, "given_up": 0}
    run.refresh_from_db()
    assert run.status == "done" and run.recoveries == 1  # eager Celery ran the task the sweep queued


def test_a_run_whose_worker_died_is_requeued_and_finished(cohort, people, program_admin, lost_message, sweep):
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    stale = timezone.now() - LONG_AGO
    _age(run, status="running", started_at=stale, heartbeat_at=stale, progress=40)
    sweep()
    run.refresh_from_db()
    assert run.status == "done" and run.matched_people == 4


def test_a_run_with_a_fresh_heartbeat_is_left_to_its_worker(cohort, people, program_admin, lost_message, sweep):
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    _age(run, status="running", started_at=timezone.now() - LONG_AGO, heartbeat_at=timezone.now(), progress=40)
    assert sweep()["runs"] == 0
    run.refresh_from_db()
    assert (run.status, run.progress) == ("running", 40)


def test_a_publication_whose_worker_died_is_published_once_after_the_sweep(run, program_admin, lost_message, sweep):
    services.match_run_publish_start(run=run, published_by=program_admin)
    assert lost_message == ["matching.tasks.publish_run"]
    _age(run, publish_requested_at=timezone.now() - LONG_AGO)
    assert sweep()["publications"] == 1
    run.refresh_from_db()
    assert run.status == "published" and Partnership.objects.filter(cohort=run.cohort).count() == 2
    assert sweep() == {"runs": 0, "publications": 0, "given_up": 0}


def test_a_run_lost_too_often_is_given_up_with_a_message(cohort, people, program_admin, lost_message, sweep):
    run = services.match_run_start(cohort=cohort, started_by=program_admin)
    _age(run, created_at=timezone.now() - LONG_AGO, recoveries=RECOVERY_ATTEMPTS)
    assert sweep()["given_up"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "No worker could finish" in run.error


def test_a_publication_lost_too_often_returns_to_its_proposal(run, program_admin, lost_message, sweep):
    services.match_run_publish_start(run=run, published_by=program_admin)
    _age(run, publish_requested_at=timezone.now() - LONG_AGO, recoveries=RECOVERY_ATTEMPTS)
    assert sweep()["given_up"] == 1
    run.refresh_from_db()
    assert run.status == "done" and "nothing was published" in run.publish_error
    assert not Partnership.objects.filter(cohort=run.cohort).exists()


def test_the_task_retries_even_when_the_database_is_down_for_its_own_bookkeeping(run, program_admin, monkeypatch):
    """Before: the retry step wrote to the same dead database, crashed, and the publication was stuck."""
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0, 0))
    services.match_run_publish_request(run=run, published_by=program_admin)
    original, calls = publishing._publish, []

    def flaky(run, cohort, *, base_url):
        calls.append(run.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(run, cohort, base_url=base_url)

    def requeue_down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(publishing, "_publish", flaky)
    monkeypatch.setattr(services, "match_run_publish_requeue", requeue_down)
    result = tasks.publish_run.apply(kwargs={"run_id": run.pk}, throw=False)
    assert result.get() == "published" and len(calls) == 2


def test_a_heartbeat_beats_while_the_block_runs_and_stops_after():
    beats = []
    with heartbeat(lambda: beats.append(1), every=0.01):
        assert wait_for(lambda: len(beats) >= 3, timeout=5)
    after = len(beats)
    assert wait_for(lambda: len(beats) > after, timeout=0.2) is False
