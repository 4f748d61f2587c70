"""docker-compose.yml describes the production stack. No Docker engine here: parse it (and ask the
docker client to validate it where the compose plugin exists)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_stack_has_web_worker_beat_postgres_and_redis():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis"}
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"


def test_each_process_runs_the_right_command():
    assert "gunicorn mentoring.wsgi:application" in SERVICES["web"]["command"]
    assert "migrate" in SERVICES["web"]["command"]
    assert SERVICES["worker"]["command"].startswith("celery -A mentoring worker")
    assert SERVICES["beat"]["command"].startswith("celery -A mentoring beat")


def test_every_service_has_a_health_check():
    for name, service in SERVICES.items():
        assert "test" in service.get("healthcheck", {}), name


def test_database_keeps_its_data_in_a_volume():
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "pgdata" in COMPOSE["volumes"]


def test_app_processes_run_in_production_mode_against_db_and_redis():
    for name in ("web", "worker", "beat"):
        env = SERVICES[name]["environment"]
        assert env["DJANGO_ENV"] == "production"
        assert "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert SERVICES[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_image_builds_from_the_dockerfile_with_the_pinned_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile


@pytest.mark.skipif(
    not shutil.which("docker") or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose plugin is not installed here",
)
def test_docker_compose_accepts_the_file():
    result = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={"POSTGRES_PASSWORD": "x", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr


def _gunicorn_args() -> str:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("ENV GUNICORN_CMD_ARGS="):
            return line.split("=", 1)[1].strip('"')
    raise AssertionError("the Dockerfile sets no GUNICORN_CMD_ARGS")


def test_gunicorn_uses_threads_and_a_timeout_so_one_slow_request_cannot_stall_the_site():
    """Gunicorn itself parses the shipped settings (nothing is served)."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--print-config", "mentoring.wsgi:application"],
        env={**os.environ, "GUNICORN_CMD_ARGS": _gunicorn_args()},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = dict(re.findall(r"^(\w+)\s+=\s+(.*)$", result.stdout, flags=re.M))
    assert config["worker_class"] == "gthread"
    assert int(config["threads"]) >= 2 and int(config["workers"]) >= 2
    assert int(config["timeout"]) == 30
    assert "GUNICORN_CMD_ARGS" not in SERVICES["web"]["command"]  # the compose file uses the image's settings
