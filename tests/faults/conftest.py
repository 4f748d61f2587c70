"""Faults each test makes itself, on ports and processes it controls: never by stopping the shared services."""

import contextlib
import socket

import pytest
import redis.connection
from celery import current_app
from django.conf import settings
from django.db import connection


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _reset_producers(app) -> None:
    # The app keeps its publishing connections in pools made from broker_write_url; a new URL needs new pools.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    """``with broker_down() as attempts:`` this process publishes to a closed port (a worker keeps its own
    connection); ``attempts`` lists each connection attempt to it. On leaving, publishing works again: through Redis
    when REDIS_URL is set, inline (eager) otherwise."""
    app = current_app
    port = closed_port()
    attempts: list[int] = []
    original = redis.connection.Connection._connect

    def counting(self, *args, **kwargs):
        if self.port == port:
            attempts.append(port)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counting)

    @contextlib.contextmanager
    def down():
        eager = app.conf.task_always_eager
        app.conf.broker_write_url = f"redis://127.0.0.1:{port}/0"
        app.conf.task_always_eager = False
        _reset_producers(app)
        try:
            yield attempts
        finally:
            app.conf.broker_write_url = None
            app.conf.task_always_eager = eager
            _reset_producers(app)

    return down


@pytest.fixture
def postgresql_and_redis():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL): a real worker process and real row locks")


@pytest.fixture
def real_worker(celery_worker):
    if celery_worker is None:
        pytest.skip(
            "needs REDIS_URL: a real worker schedules the retry (eager Celery raises it instead); "
            "tests/notifications/test_sending.py runs the same steps inline"
        )
    return celery_worker
