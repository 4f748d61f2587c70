"""Celery tasks for matching and publishing. They take ids, claim their row exactly once and retry only temporary
errors."""

from celery import shared_task

from matching import services
from mentoring.core.tasks import TEMPORARY_ERRORS, TwowayTask

RETRY_DELAYS = (5, 30, 120)  # seconds before each retry of a temporary database error


# These tasks give their claim back before a retry, so they handle temporary errors themselves.
@shared_task(
    bind=True, base=TwowayTask, name="matching.tasks.run_match", autoretry_for=(), max_retries=len(RETRY_DELAYS)
)
def run_match(self, run_id: int) -> str:
    """Run the engine for one queued match run. A run that someone else already claimed is left alone."""
    try:
        run = services.match_run_execute(run_id=run_id)
    except TEMPORARY_ERRORS as error:
        if self.request.retries >= self.max_retries:
            services.match_run_fail(
                run_id=run_id, message="The database was unavailable for too long. Run matching again."
            )
            raise
        services.match_run_requeue(run_id=run_id)
        raise self.retry(exc=error, countdown=RETRY_DELAYS[self.request.retries]) from None
    return "not claimed" if run is None else run.status


@shared_task(
    bind=True, base=TwowayTask, name="matching.tasks.publish_run", autoretry_for=(), max_retries=len(RETRY_DELAYS)
)
def publish_run(self, run_id: int, base_url: str = "") -> str:
    """Publish one run claimed for publishing. A run already published (a duplicate delivery) is left alone."""
    try:
        run = services.match_run_publish_execute(run_id=run_id, base_url=base_url)
    except TEMPORARY_ERRORS as error:
        if self.request.retries >= self.max_retries:
            services.match_run_publish_fail(
                run_id=run_id,
                message="The database was unavailable for too long, so nothing was published. Publish again.",
            )
            raise
        services.match_run_publish_requeue(run_id=run_id)
        raise self.retry(exc=error, countdown=RETRY_DELAYS[self.request.retries]) from None
    return "not claimed" if run is None else run.status
