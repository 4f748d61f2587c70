"""The one base class of Twoway's Celery tasks, and the doorbell that services ring after they commit.

The database is the source of truth and the broker only a doorbell: a service writes its work as rows in its own
transaction, then ``ring`` asks a worker to act once that transaction commits. A broker that is down loses
nothing: the failure is logged, the request carries on, and a beat sweeper rings again for rows still waiting.
Services name tasks by their registered name, so they never import the task modules that import them.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery import Task, current_app, shared_task
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from mentoring.core.models import Heartbeat

logger = logging.getLogger(__name__)

# Errors that pass: the database, the network or the mail server went away for a moment. Anything else is a bug
# or bad data and fails loudly instead of being retried.
TEMPORARY_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
)


class TwowayTask(Task):
    """Every task: JSON arguments (ids, never objects), late acknowledgement (a task whose worker dies is
    delivered again), and temporary errors retried with exponential backoff and jitter up to ``max_retries``.
    A task that must do something before it is retried (give a claim back) handles TEMPORARY_ERRORS itself."""

    autoretry_for = TEMPORARY_ERRORS
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5
    acks_late = True
    serializer = "json"


def ring(task_name: str, **kwargs) -> None:
    """Ask a worker to run ``task_name`` with ``kwargs`` once the current transaction commits (at once outside one).

    With eager Celery (no broker: ``make run``, most tests) the task runs right there, after the commit."""

    def send() -> None:
        try:
            current_app.tasks[task_name].apply_async(kwargs=kwargs)
        except Exception:  # the broker is down or slow: the rows wait in the database for the sweeper
            logger.warning("Could not queue %s %s; its work waits for the sweeper.", task_name, kwargs, exc_info=True)

    transaction.on_commit(send)


def quietly(step: Callable[[], object], what: str) -> None:
    """Run a bookkeeping step (give a claim back, mark a failure) whose own temporary error must not crash the
    task: the database may be the thing that is down. A sweeper repairs whatever the step could not write."""
    try:
        step()
    except TEMPORARY_ERRORS:
        logger.warning("Could not %s; the sweeper will.", what, exc_info=True)


@contextmanager
def heartbeat(beat: Callable[[], object], *, every: float) -> Iterator[None]:
    """While the block runs, call ``beat`` every ``every`` seconds from a thread of its own (its own database
    connection, committed at once, so visible while the block's own transaction is not), so a sweeper can tell a
    long task from a dead one."""
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(every):
                quietly(beat, "write a heartbeat")
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=loop, name="twoway-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


BEAT = "beat"


@shared_task(base=TwowayTask, name="mentoring.core.tasks.beat_heartbeat")
def beat_heartbeat() -> None:
    """Celery beat, every minute: record that beat and a worker are alive (read by /healthz)."""
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"at": timezone.now()})
