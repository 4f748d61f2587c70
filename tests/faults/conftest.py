"""Faults each test makes itself, on ports and processes it controls: never by stopping the shared services."""

import contextlib
import socket

import pytest
import redis.connection
from celery import current_app
from django.conf import settings
from django.db import connection

from tests.faults import server_settings, stack


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


class Stack:
    """Our own Redis, proxies in front of PostgreSQL, and Twoway's processes, all stopped when the test ends."""

    def __init__(self, directory):
        self.directory = directory
        self.redis = stack.RedisServer(directory)
        self.redis.start()
        self.proxies: list[stack.FaultProxy] = []
        self.services: list[stack.Service] = []
        self.port = stack.free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.mail = stack.MailLog(directory)
        # How long a match run may go without a heartbeat before the stack's sweeper counts it as lost.
        self.stale_after = server_settings.MATCH_RUN_STALE_AFTER

    def proxy(self) -> stack.FaultProxy:
        db = stack.test_database()
        proxy = stack.FaultProxy((db["host"], db["port"]))
        self.proxies.append(proxy)
        return proxy

    def env(self, *, proxy: stack.FaultProxy | None = None, **extra) -> dict[str, str]:
        database = stack.database_url(port=proxy.port if proxy else None)
        return stack.app_env(database=database, redis=self.redis.url, directory=self.directory, **extra)

    def web(self, env) -> stack.Service:
        return stack.web(env, self.directory, port=self.port)

    def worker(self, env, **options) -> stack.Service:
        return stack.worker(env, self.directory, **options)

    def beat(self, env) -> stack.Service:
        return stack.beat(env, self.directory)

    def start(self, *services: stack.Service) -> None:
        for service in services:
            self.services.append(service.start())
        stack.wait_until_ready(*services, base_url=self.base_url)

    def visitor(self) -> stack.Visitor:
        return stack.Visitor(self.base_url)

    def close(self) -> None:
        for service in reversed(self.services):
            service.stop()
        for proxy in self.proxies:
            proxy.close()
        self.redis.stop()


@pytest.fixture
def production_stack(transactional_db, tmp_path):
    """``production_stack.start(...)`` runs Twoway's processes against the test database (committed rows: the test
    is transactional) and a Redis of the test's own. Stopped before the test's database is emptied."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL): the gunicorn, worker and beat processes the test starts share its "
            "database, which an in-memory SQLite test database cannot be"
        )
    stack.needs_redis_server()
    running = Stack(tmp_path)
    try:
        yield running
    finally:
        running.close()
