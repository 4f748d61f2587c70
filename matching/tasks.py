"""Celery tasks for matching and publishing. They take ids, claim their row exactly once, write a heartbeat while
they work (so the sweeper can tell a long task from a lost one) and retry only temporary errors."""

from celery import shared_task
from django.utils import timezone

from matching import services
from matching.models import HEARTBEAT_EVERY, MatchRun
from matching.services.sweeping import match_runs_sweep
from mentoring.core.tasks import TEMPORARY_ERRORS, TwowayTask, heartbeat, quietly

RETRY_DELAYS = (5, 30, 120)  # seconds before each retry of a temporary database error


def _beating(run_id: int):
    return heartbeat(
        lambda: MatchRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now()),
        every=HEARTBEAT_EVERY.total_seconds(),
    )


# These tasks give their claim back before a retry, so they handle temporary errors themselves. The steps that do
# so write to the database, which may be what is down: they run quietly, and the sweeper repairs what they could not.
@shared_task(
    bind=True, base=TwowayTask, name="matching.tasks.run_match", autoretry_for=(), max_retries=len(RETRY_DELAYS)
)
def run_match(self, run_id: int) -> str:
    """Run the engine for one queued match run. A run that someone else already claimed is left alone."""
    try:
        with _beating(run_id):
            run = services.match_run_execute(run_id=run_id)
    except TEMPORARY_ERRORS as error:
        if self.request.retries >= self.max_retries:
            message = "The database was unavailable for too long. Run matching again."
            quietly(lambda: services.match_run_fail(run_id=run_id, message=message), "fail the run")
            raise
        quietly(lambda: services.match_run_requeue(run_id=run_id), "put the run back in the queue")
        raise self.retry(exc=error, countdown=RETRY_DELAYS[self.request.retries]) from None
    return "not claimed" if run is None else run.status


@shared_task(
    bind=True, base=TwowayTask, name="matching.tasks.publish_run", autoretry_for=(), max_retries=len(RETRY_DELAYS)
)
def publish_run(self, run_id: int, base_url: str = "") -> str:
    """Publish one run claimed for publishing. A run already published (a duplicate delivery) is left alone."""
    try:
        with _beating(run_id):
            run = services.match_run_publish_execute(run_id=run_id, base_url=base_url)
    except TEMPORARY_ERRORS as error:
        if self.request.retries >= self.max_retries:
            message = "The database was unavailable for too long, so nothing was published. Publish again."
            quietly(lambda: services.match_run_publish_fail(run_id=run_id, message=message), "return the proposal")
            raise
        quietly(lambda: services.match_run_publish_requeue(run_id=run_id), "mark the publication for a retry")
        raise self.retry(exc=error, countdown=RETRY_DELAYS[self.request.retries]) from None
    return "not claimed" if run is None else run.status


@shared_task(base=TwowayTask, name="matching.tasks.sweep_match_runs")
def sweep_match_runs() -> dict[str, int]:
    """Celery beat, every minute: ask again for runs and publications whose worker was lost."""
    return match_runs_sweep()
