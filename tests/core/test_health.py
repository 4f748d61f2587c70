"""/healthz reports each dependency and answers 503 only when the web cannot serve pages; /livez is the process;
a database that does not answer gives a friendly 503 page instead of the 500 page."""

import datetime

import pytest
from celery import current_app
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.core.models import Heartbeat
from mentoring.core.tasks import beat_heartbeat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_broker_at(monkeypatch):
    """Pretend a real broker is configured at ``url`` (tests otherwise run eagerly)."""

    def _use(url: str):
        monkeypatch.setitem(current_app.conf, "task_always_eager", False)
        monkeypatch.setitem(current_app.conf, "broker_url", url)
        monkeypatch.setitem(current_app.conf, "broker_write_url", url)

    return _use


def test_healthz_is_ok_with_every_dependency_named(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "beat"}


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("mentoring.core.views.connection.cursor", down)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == {"ok": False, "detail": "OperationalError"}


def test_healthz_says_degraded_but_stays_200_when_the_broker_is_down(client, with_broker_at):
    with_broker_at("redis://127.0.0.1:1/0")  # nothing listens on port 1
    beat_heartbeat()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"] == {"ok": True}


def test_healthz_says_when_beat_stopped(client, with_broker_at, settings):
    with_broker_at(settings.CELERY_BROKER_URL if settings.REDIS_URL else "memory://")
    Heartbeat.objects.create(name="beat", at=timezone.now() - datetime.timedelta(minutes=6))
    body = client.get(reverse("healthz")).json()
    assert body["checks"]["beat"]["ok"] is False
    assert body["status"] == "degraded"
    beat_heartbeat()
    assert client.get(reverse("healthz")).json()["checks"]["beat"]["ok"] is True


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("livez"))
    assert response.status_code == 200


def _signed_in_client_that_sees_errors():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


def test_a_database_outage_shows_the_friendly_503_page(monkeypatch):
    client = _signed_in_client_that_sees_errors()

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("mentoring.programs.selectors.enrollments_for", down)
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Nothing you entered was lost" in response.text


def test_the_500_page_claims_a_report_only_when_someone_receives_it(monkeypatch, settings):
    client = _signed_in_client_that_sees_errors()

    def bug(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr("mentoring.programs.selectors.enrollments_for", bug)
    settings.ADMINS = []
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "reported" not in response.text and "tell your program team" in response.text
    settings.ADMINS = [("Ops", "ops@northwind.example")]
    assert "was reported to the people who run Twoway" in client.get(reverse("home")).text


def test_a_row_lock_is_waited_for_a_bounded_time_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("lock_timeout is a PostgreSQL setting; SQLite serialises writers instead")
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "5s"
