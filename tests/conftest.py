"""Fixtures for every test. Factories live in tests/factories.py."""

import importlib
import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import LeaderFactory, ProgramAdminFactory, UserFactory


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = "Redis with a real Celery worker" if settings.REDIS_URL else "Celery in eager mode (no REDIS_URL)"
    return f"Twoway test run: database={engine}, tasks={broker}"


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(pytest_report_header(None))


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNT_RATE_LIMITS = False
    # Quiet hours depend on the clock: tests of them turn them on (tests/notifications/test_nudges.py).
    settings.NUDGE_QUIET_HOURS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(autouse=True)
def _catalogue_after_flush(request):
    """Transactional tests (live server, real worker) end by emptying every table, including the skill
    catalogue that a data migration loaded. Put it back for them, with the migration's own code.
    (serialized_rollback cannot do this here: Playwright's greenlet sees another connection object.)"""
    if _is_transactional(request.node):
        request.getfixturevalue("transactional_db")
        from django.apps import apps

        importlib.import_module("accounts.migrations.0002_default_catalogue").add_catalogue(apps, None)
    yield


@pytest.fixture(autouse=True)
def _tasks_eager_unless_worker(request):
    """Tests run tasks inline, except those marked `worker`, which use the real worker when REDIS_URL is set."""
    from mentoring.celery import app

    eager = not (settings.REDIS_URL and request.node.get_closest_marker("worker"))
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker (in a thread of this process) on the Redis broker, when REDIS_URL is set."""
    if not settings.REDIS_URL:
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    from mentoring.celery import app

    app.control.purge()
    with django_db_blocker.unblock(), start_worker(app, perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.05):
    """Poll until predicate() is truthy or the deadline passes; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def run_together(functions) -> tuple[list, list[ValidationError]]:
    """Call the functions in threads released at the same instant (races need PostgreSQL's row locks).

    Returns each call's result (None for a refused one) and the services' refusals; any other error is raised
    here, in the test's thread. Each thread closes its own database connection.
    """
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)
    refusals: list[ValidationError] = []
    errors: list[Exception] = []

    def call(index, function):
        barrier.wait()
        try:
            results[index] = function()
        except ValidationError as error:
            refusals.append(error)
        except Exception as error:  # collected and re-raised in the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(i, f)) for i, f in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results, refusals


def while_uncommitted(first, second):
    """The exact race of two submits: ``first`` writes in a transaction that stays open until ``second`` (another
    thread, its own connection) waits on one of its row or index locks; then ``first`` commits. So ``second`` read
    the state before ``first`` and writes after it. PostgreSQL only (pg_locks). Returns ``second``'s result; an
    error it raised is raised here."""
    from django.db import transaction

    go, outcome = threading.Event(), {}

    def call():
        go.wait()
        try:
            outcome["result"] = second()
        except Exception as error:  # re-raised in the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=call)
    thread.start()
    try:
        with transaction.atomic():
            first()
            go.set()
            waiting = wait_for(lambda: _lock_waits() > 0 or not thread.is_alive(), timeout=20)
            assert waiting and thread.is_alive(), "the second writer never waited on the first"
    finally:
        go.set()
        thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def _lock_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


@pytest.fixture
def employee(db):
    return UserFactory(full_name="Erin Employee")


@pytest.fixture
def program_admin(db):
    return ProgramAdminFactory(full_name="Hana HR")


@pytest.fixture
def leader(db):
    return LeaderFactory(full_name="Leo Leader")


@pytest.fixture
def client_for(client):
    """Log a user in on the test client and return it: client_for(user)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
