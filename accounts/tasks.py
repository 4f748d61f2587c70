"""Celery tasks for large employee imports. They take ids, claim their row (the import exactly once), write a
heartbeat with their progress while they work (so the page can show it and the sweeper can tell a long task from a
lost one) and retry only temporary errors."""

from celery import shared_task

from accounts import importing
from accounts.models import IMPORT_HEARTBEAT_EVERY
from mentoring.core.tasks import TEMPORARY_ERRORS, TwowayTask, heartbeat, quietly

RETRY_DELAYS = (5, 30, 120)  # seconds before each retry of a temporary error


def _beating(import_id: int, progress: importing.StepProgress):
    return heartbeat(
        lambda: importing.employee_import_beat(import_id=import_id, progress=progress),
        every=IMPORT_HEARTBEAT_EVERY.total_seconds(),
    )


@shared_task(
    bind=True,
    base=TwowayTask,
    name="accounts.tasks.check_employee_import",
    autoretry_for=(),
    max_retries=len(RETRY_DELAYS),
)
def check_employee_import(self, import_id: int) -> str:
    """Check a large upload and record its preview. Writes nothing but the import's own row."""
    progress = importing.StepProgress()
    try:
        with _beating(import_id, progress):
            employee_import = importing.employee_import_check_execute(import_id=import_id, progress=progress)
    except TEMPORARY_ERRORS as error:
        if self.request.retries >= self.max_retries:
            message = "Nothing was written: the database was unavailable for too long. Trying again is safe."
            quietly(lambda: importing.employee_import_fail(import_id=import_id, message=message), "stop the check")
            raise
        raise self.retry(exc=error, countdown=RETRY_DELAYS[self.request.retries]) from None
    return "nothing to check" if employee_import is None else employee_import.status


# This task gives its claim back before a retry, so it handles temporary errors itself. That step writes to the
# database, which may be what is down: it runs quietly, and the sweeper repairs what it could not.
@shared_task(
    bind=True,
    base=TwowayTask,
    name="accounts.tasks.import_employees",
    autoretry_for=(),
    max_retries=len(RETRY_DELAYS),
)
def import_employees(self, import_id: int) -> str:
    """Import a confirmed large file, all or nothing. An import someone else claimed or finished is left alone."""
    progress = importing.StepProgress()
    try:
        with _beating(import_id, progress):
            employee_import = importing.employee_import_execute(import_id=import_id, progress=progress)
    except importing.IMPORT_TEMPORARY_ERRORS as error:
        if self.request.retries >= self.max_retries:
            message = (
                f"Nothing was imported: {type(error).__name__} on each of {self.max_retries + 1} tries (the database "
                "was unavailable, or another import was writing the same people). Importing again is safe; if it "
                "stops again, tell whoever runs Twoway."
            )
            quietly(lambda: importing.employee_import_fail(import_id=import_id, message=message), "stop the import")
            raise
        quietly(lambda: importing.employee_import_requeue(import_id=import_id), "put the import back in the queue")
        raise self.retry(exc=error, countdown=RETRY_DELAYS[self.request.retries]) from None
    return "not claimed" if employee_import is None else employee_import.status


@shared_task(base=TwowayTask, name="accounts.tasks.sweep_employee_imports")
def sweep_employee_imports() -> dict[str, int]:
    """Celery beat, every minute: ask again for checks and imports whose worker was lost."""
    return importing.employee_imports_sweep()
