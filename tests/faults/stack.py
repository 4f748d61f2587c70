"""The production-shaped stack the fault tests start and break: their own Redis, a TCP proxy in front of the shared
PostgreSQL that can drop every connection, and Twoway's own processes (gunicorn, a Celery worker, Celery beat) as
subprocesses pointed at the test database. Every fault is made here, on ports and processes the test owns; the
shared services are never stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import requests
from django.db import connection

from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60.0  # seconds a process may take to start on a loaded 2-core machine


def free_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database() -> dict:
    """The test database pytest-django made, as a process started by the test must reach it."""
    db = connection.settings_dict
    return {
        "name": db["NAME"],
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or "",
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
    }


def database_url(*, port: int | None = None) -> str:
    """DATABASE_URL of the test database, directly or through a proxy at ``port``."""
    db = test_database()
    user = quote(db["user"], safe="") + (f":{quote(db['password'], safe='')}" if db["password"] else "")
    host, port = ("127.0.0.1", port) if port else (db["host"], db["port"])
    return f"postgres://{user}@{host}:{port}/{db['name']}"


# --- Redis of our own -------------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server on a free port, nothing saved to disk: ``stop()`` is an outage (queued doorbells are lost with
    it, as with a Redis that restarts without persistence), ``start()`` brings it back on the same port."""

    def __init__(self, directory: Path):
        self.directory, self.port = directory, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory)]
        log = (self.directory / "redis.log").open("a")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        assert wait_for(self.answers, timeout=STARTUP_TIMEOUT), (self.directory / "redis.log").read_text()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


# --- A PostgreSQL that blinks -------------------------------------------------------------------------------------


class FaultProxy:
    """A TCP proxy from a local port to the shared PostgreSQL. ``down()`` is a restart as the clients see it: every
    open connection is cut, and each new one is accepted and closed at once (counted in ``refused``) until
    ``up()``."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refused = 0
        self._up = True
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, name=f"fault-proxy-{self.port}", daemon=True).start()

    def down(self) -> None:
        with self._lock:
            self._up = False
            sockets, self._open = self._open, set()
        for sock in sockets:
            _cut(sock)

    def up(self) -> None:
        with self._lock:
            self._up = True

    def close(self) -> None:
        self._closed = True
        self.down()
        _cut(self.listener)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                up = self._up
                if not up:
                    self.refused += 1
            if not up:
                _cut(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _cut(client)
                continue
            with self._lock:
                self._open.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with self._lock:
                    self._open.discard(sock)
                _cut(sock)


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


# --- Twoway's own processes ---------------------------------------------------------------------------------------


class Service:
    """One process of the stack (gunicorn, a worker, beat) in its own process group, with its log."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], directory: Path):
        self.name, self.command, self.env = name, command, env
        self.log_path = directory / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Service:
        with self.log_path.open("a") as out:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL to the whole process group: the worker and its pool's children, nothing can clean up."""
        if self.process is not None:
            self.signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """The test is over: nothing of this process is kept, so it is not given time to shut down gracefully."""
        if self.is_running():
            self.kill()


def app_env(*, database: str, redis: str, directory: Path, settings: str = "tests.faults.server_settings", **extra):
    """The environment of a Twoway process: the test database, our Redis, debug off (so errors get the real error
    pages), e-mails appended to the mail log, and the fault tests' settings (tests/faults/server_settings.py)."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "DJANGO_SETTINGS_MODULE": settings,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "INFO",
        "TWOWAY_FAULT_MAIL_LOG": str(directory / "mail.jsonl"),
        "TWOWAY_FAULT_MARKER": str(directory / "marker"),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    env.update({name: str(value) for name, value in extra.items()})
    return env


def web(env: dict, directory: Path, *, port: int) -> Service:
    """gunicorn as the Dockerfile runs it (gthread), one process of four threads: enough for these tests, and a
    restart of that one process would show in its log."""
    command = [sys.executable, "-m", "gunicorn", "mentoring.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--worker-class", "gthread", "--threads", "4", "--timeout", "30"]
    command += ["--graceful-timeout", "5"]
    return Service("web", command, env, directory)


def worker(env: dict, directory: Path, *, name: str = "worker", queues: str = "celery") -> Service:
    """A Celery worker as README runs it: the prefork pool of two processes."""
    command = [sys.executable, "-m", "celery", "-A", "mentoring", "worker", "-n", f"{name}@%h", "-Q", queues]
    command += ["--concurrency", "2", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
    return Service(name, command, env, directory)


def beat(env: dict, directory: Path) -> Service:
    command = [sys.executable, "-m", "celery", "-A", "mentoring", "beat", "-l", "INFO"]
    command += ["-s", str(directory / "beat-schedule"), "--pidfile", str(directory / "beat.pid")]
    return Service("beat", command, env, directory)


def wait_until_ready(*services: Service, base_url: str | None = None) -> None:
    """Each started process is ready: gunicorn answers /livez, a worker says it is ready, beat has started."""
    for service in services:
        if service.name == "web":
            ready = lambda: _answers(f"{base_url}/livez")  # noqa: E731
        elif service.name == "beat":
            ready = lambda s=service: "beat: Starting" in s.log()  # noqa: E731
        else:
            ready = lambda s=service: " ready." in s.log()  # noqa: E731
        started = wait_for(lambda r=ready, s=service: r() or not s.is_running(), timeout=STARTUP_TIMEOUT)
        assert started and service.is_running(), f"{service.name} did not start:\n{service.log()[-3000:]}"


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def needs_redis_server() -> None:
    import pytest

    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server program: the test starts a Redis of its own and stops it")


# --- What people and mail servers see ---------------------------------------------------------------------------


class Visitor:
    """A browser: its own cookies, the CSRF token sent back with every form, redirects not followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()
        self.statuses: list[int] = []

    def get(self, path: str) -> requests.Response:
        return self._record(self.http.get(self.base_url + path, allow_redirects=False, timeout=30))

    def post(self, path: str, data: dict, *, form_page: str | None = None) -> requests.Response:
        """Open the form's page first (for the CSRF cookie, as a browser does), then send it."""
        self.get(form_page or path)
        token = self.http.cookies.get("csrftoken", "")
        response = self.http.post(
            self.base_url + path, data={"csrfmiddlewaretoken": token, **data}, allow_redirects=False, timeout=30
        )
        return self._record(response)

    def sign_in(self, email: str, password: str) -> requests.Response:
        return self.post("/accounts/login/", {"login": email, "password": password})

    def _record(self, response: requests.Response) -> requests.Response:
        self.statuses.append(response.status_code)
        return response


class MailLog:
    """Every e-mail the stack's workers sent (tests/faults/mail_log.py appends one JSON line each)."""

    def __init__(self, directory: Path):
        self.path = directory / "mail.jsonl"

    def read(self) -> list[dict]:
        if not self.path.exists():
            return []
        with self.path.open() as lines:
            fcntl.flock(lines, fcntl.LOCK_SH)
            return [json.loads(line) for line in lines if line.strip()]

    def message_ids(self) -> list[str]:
        return [mail["message_id"] for mail in self.read()]
