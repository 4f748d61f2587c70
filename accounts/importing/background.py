"""Large employee files, checked and imported by a Celery worker while their page shows a progress bar.

The database is the source of truth and the broker only a doorbell: the upload and the confirmation write the
work on the EmployeeImport row (checking; queued) in their own transaction and ring for a worker once it commits.
The worker claims the import (`queued → running`, one conditional UPDATE), then checks the file again and writes
it in one transaction, which ends by marking it imported (`running → committed`, again conditional): a second
worker, a duplicate message or a recovered one finds nothing to claim or rolls back, so a file is imported once.
While it works, the task's heartbeat (its own connection) writes the row's sign of life and progress, which the
import's transaction could not show before it commits. Beat's sweeper asks again for imports with no sign of life.
"""

from __future__ import annotations

import datetime
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.importing.reading import FileRejected
from accounts.importing.services import (
    ImportAlreadyHandled,
    ImportInvalid,
    check_file,
    employee_import_commit,
    plan_summary,
    write_plan,
)
from accounts.models import IMPORT_RECOVERY_ATTEMPTS, IMPORT_STALE_AFTER, EmployeeImport, User
from mentoring.core.tasks import TEMPORARY_ERRORS, ring

logger = logging.getLogger(__name__)

Status = EmployeeImport.Status

CHECK_TASK = "accounts.tasks.check_employee_import"
IMPORT_TASK = "accounts.tasks.import_employees"

# Temporary for an import: another import wrote some of the same people meanwhile (a unique address). The retry
# checks the file again against the people as they are now.
IMPORT_TEMPORARY_ERRORS = (*TEMPORARY_ERRORS, IntegrityError)


class StepProgress:
    """Where a worker is: ``percent`` and ``stage``, set by the service and written on the row by the task's
    heartbeat. ``part(low, high)`` maps a step's share (0 to 1) onto its span of the bar."""

    def __init__(self) -> None:
        self.percent, self.stage = 0, ""

    def set(self, percent: int, stage: str) -> None:
        self.percent, self.stage = max(0, min(100, percent)), stage[:200]

    def part(self, low: int, high: int):
        return lambda share, stage: self.set(int(low + (high - low) * share), stage)


def employee_import_beat(*, import_id: int, progress: StepProgress) -> None:
    """The heartbeat: a sign of life and the progress, on a row a worker is checking or importing."""
    fields = {"heartbeat_at": timezone.now()}
    if progress.stage:
        fields |= {"progress": progress.percent, "stage": progress.stage}
    EmployeeImport.objects.filter(pk=import_id, status__in=(Status.CHECKING, Status.RUNNING)).update(**fields)


# --- Checking --------------------------------------------------------------------------------------------------


def employee_import_check_execute(*, import_id: int, progress: StepProgress | None = None) -> EmployeeImport | None:
    """Check a large upload (what the upload's request does for a small one) and record its preview.

    Checking writes nothing but the row, so a duplicate check does no harm: only the first to finish records its
    result. Returns None when there was nothing (left) to check."""
    progress = progress or StepProgress()
    started = EmployeeImport.objects.filter(pk=import_id, status=Status.CHECKING).update(
        started_at=timezone.now(), heartbeat_at=timezone.now(), progress=1, stage="Reading the file"
    )
    if not started:
        return None
    content = EmployeeImport.objects.values_list("content", flat=True).get(pk=import_id)
    try:
        plan = check_file(content.encode("utf-8"), progress=progress.part(1, 95))
    except FileRejected as rejected:  # it was read at upload: only a change of the rules could refuse it now
        _check_fail(import_id, rejected.message)
        return EmployeeImport.objects.get(pk=import_id)
    except TEMPORARY_ERRORS:
        raise
    except Exception as error:
        _check_fail(import_id, _unexpected(error, "checking"))
        raise
    progress.set(95, "Saving the preview")
    EmployeeImport.objects.filter(pk=import_id, status=Status.CHECKING).update(
        **plan_summary(plan), progress=100, stage="Checked", heartbeat_at=timezone.now()
    )
    return EmployeeImport.objects.get(pk=import_id)


def _check_fail(import_id: int, message: str) -> None:
    EmployeeImport.objects.filter(pk=import_id, status=Status.CHECKING).update(
        status=Status.FAILED, failure=message, stage="Stopped"
    )


# --- Importing -------------------------------------------------------------------------------------------------


def employee_import_confirm(*, employee_import: EmployeeImport, confirmed_by: User | None) -> EmployeeImport:
    """Import a previewed file: a small one at once (re-checked, then written all-or-nothing), a large one by a
    worker asked once this commits (its page follows it). Raises what employee_import_commit raises."""
    if not employee_import.in_background:
        employee_import_commit(employee_import=employee_import, committed_by=confirmed_by)
        employee_import.refresh_from_db()
        return employee_import
    with transaction.atomic():
        queued = EmployeeImport.objects.filter(pk=employee_import.pk, status=Status.PREVIEWED).update(
            status=Status.QUEUED,
            committed_by=confirmed_by,
            confirmed_at=timezone.now(),
            started_at=None,
            heartbeat_at=None,
            progress=0,
            stage="Waiting for a worker",
            recoveries=0,
            failure="",
        )
        if not queued:
            raise ImportAlreadyHandled
        ring(IMPORT_TASK, import_id=employee_import.pk)
    employee_import.refresh_from_db()
    return employee_import


class _NoLongerClaimed(Exception):
    """Another worker imported the file, or the sweeper gave it to another, while this one was writing."""


def _lost_running(now: datetime.datetime) -> Q:
    stale = now - IMPORT_STALE_AFTER
    return Q(status=Status.RUNNING) & (Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale))


def employee_import_execute(*, import_id: int, progress: StepProgress | None = None) -> EmployeeImport | None:
    """Claim a confirmed import (only a queued one, or one whose worker was lost) and import it all-or-nothing.

    Returns None when there was nothing to claim. Temporary errors (the database, a unique address another import
    wrote meanwhile) propagate for the task to retry, with nothing written; the data having changed since the
    preview makes the import invalid with the new errors; anything else fails it with the reason."""
    progress = progress or StepProgress()
    now = timezone.now()
    claimed = (
        EmployeeImport.objects.filter(pk=import_id)
        .filter(Q(status=Status.QUEUED) | _lost_running(now))
        .update(status=Status.RUNNING, started_at=now, heartbeat_at=now, progress=1, stage="Starting")
    )
    if not claimed:
        return None
    content = EmployeeImport.objects.values_list("content", flat=True).get(pk=import_id)
    try:
        with transaction.atomic():
            plan = check_file(content.encode("utf-8"), progress=progress.part(1, 30))
            if not plan.is_valid:
                raise ImportInvalid(plan)
            result = write_plan(plan, progress=progress.part(30, 97))
            progress.set(97, "Saving")
            # The last write of the transaction, so the row is locked only while it commits (the heartbeat writes
            # it meanwhile). Conditional: whoever marks it first imported it; anyone else rolls back.
            done = EmployeeImport.objects.filter(pk=import_id, status=Status.RUNNING).update(
                **{
                    **plan_summary(plan),
                    "status": Status.COMMITTED,
                    "committed_at": timezone.now(),
                    "created": result.created,
                    "updated": result.updated,
                    "progress": 100,
                    "stage": "Imported",
                    "heartbeat_at": timezone.now(),
                }
            )
            if not done:
                raise _NoLongerClaimed
    except _NoLongerClaimed:
        return None
    except ImportInvalid as invalid:
        errors = len(invalid.plan.errors)
        EmployeeImport.objects.filter(pk=import_id, status=Status.RUNNING).update(
            **plan_summary(invalid.plan),
            failure=(
                f"Nothing was imported: since the preview, {errors} problem{'' if errors == 1 else 's'} appeared "
                "(someone changed people or the skill catalogue). Fix the file and upload it again."
            ),
            progress=100,
            stage="Has errors",
        )
    except FileRejected as rejected:
        employee_import_fail(import_id=import_id, message=f"Nothing was imported: {rejected.message}")
    except IMPORT_TEMPORARY_ERRORS:
        raise
    except Exception as error:
        employee_import_fail(import_id=import_id, message=_unexpected(error, "importing"))
        raise
    return EmployeeImport.objects.get(pk=import_id)


def _unexpected(error: BaseException, doing: str) -> str:
    if isinstance(error, SoftTimeLimitExceeded):
        return (
            f"Nothing was written: {doing} this file took longer than a worker may spend on one task "
            "(CELERY_TASK_SOFT_TIME_LIMIT). Split it into smaller files and import them one after the other."
        )
    return (
        f"Nothing was written: an unexpected error ({type(error).__name__}) stopped it while {doing}. It is in the "
        "server's log; trying again is safe, and if it stops again, tell whoever runs Twoway."
    )


def employee_import_fail(*, import_id: int, message: str) -> None:
    """A background check or import stopped with nothing written: the page says why and offers to try again."""
    EmployeeImport.objects.filter(pk=import_id, status__in=EmployeeImport.IN_PROGRESS).update(
        status=Status.FAILED, failure=message, stage="Stopped"
    )


def employee_import_requeue(*, import_id: int) -> None:
    """The worker hit a temporary error and will retry: nothing was written; the import waits to be claimed again."""
    EmployeeImport.objects.filter(pk=import_id, status=Status.RUNNING).update(
        status=Status.QUEUED, progress=0, stage="Waiting to retry", heartbeat_at=timezone.now()
    )


# --- Lost workers ----------------------------------------------------------------------------------------------


def _ask_again(employee_import: EmployeeImport, *, now: datetime.datetime, recoveries: int) -> bool:
    """Back to waiting for a worker, with a fresh sign of life (so the next sweep waits for this attempt), and ring.
    Conditional on the row being as read, so two sweeps (or a sweep and an admin) ask once."""
    checking = employee_import.status == Status.CHECKING or (
        employee_import.status == Status.FAILED and employee_import.confirmed_at is None
    )
    asked = EmployeeImport.objects.filter(
        pk=employee_import.pk, status=employee_import.status, recoveries=employee_import.recoveries
    ).update(
        status=Status.CHECKING if checking else Status.QUEUED,
        heartbeat_at=now,
        recoveries=recoveries,
        progress=0,
        stage="Waiting for a worker",
        failure="",
    )
    if asked:
        ring(CHECK_TASK if checking else IMPORT_TASK, import_id=employee_import.pk)
    return bool(asked)


def _stale(now: datetime.datetime, since: str) -> Q:
    cutoff = now - IMPORT_STALE_AFTER
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, **{f"{since}__lt": cutoff})


def employee_imports_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Beat, every minute: ask again for every check and import with no sign of life for IMPORT_STALE_AFTER (its
    worker died, or the broker lost its message); give up, with a message on its page, after
    IMPORT_RECOVERY_ATTEMPTS. Returns the counts."""
    now = now or timezone.now()
    counts = {"checks": 0, "imports": 0, "given_up": 0}
    lost = EmployeeImport.objects.filter(
        Q(status=Status.CHECKING) & _stale(now, "created_at")
        | Q(status=Status.QUEUED) & _stale(now, "confirmed_at")
        | Q(status=Status.RUNNING) & _stale(now, "started_at")
    ).only("pk", "status", "recoveries", "confirmed_at")
    for employee_import in lost:
        if employee_import.recoveries >= IMPORT_RECOVERY_ATTEMPTS:
            employee_import_fail(
                import_id=employee_import.pk,
                message="Nothing was written: no worker could finish it (they stopped or are not running). "
                "Trying again is safe.",
            )
            counts["given_up"] += 1
        elif _ask_again(employee_import, now=now, recoveries=employee_import.recoveries + 1):
            counts["checks" if employee_import.status == Status.CHECKING else "imports"] += 1
    return counts


def employee_import_retry(*, employee_import: EmployeeImport) -> EmployeeImport:
    """An admin asks again for a check or import that stopped, or that no worker has shown a sign of life for.
    Safe: nothing was written, and the import is claimed once. Raises ImportAlreadyHandled when it is neither."""
    employee_import = EmployeeImport.objects.defer("content", "errors", "preview").get(pk=employee_import.pk)
    if not (employee_import.status == Status.FAILED or employee_import.looks_lost):
        raise ImportAlreadyHandled
    if not _ask_again(employee_import, now=timezone.now(), recoveries=0):
        raise ImportAlreadyHandled
    employee_import.refresh_from_db()
    return employee_import
