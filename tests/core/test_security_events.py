"""Security events: one JSON line each on the twoway.security logger, never with a password."""

import json
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger="twoway.security")

    def read():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "twoway.security"]

    return read


def test_a_sign_in_and_a_sign_out_are_logged_with_who_and_from_where(client, events):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="10.7.7.7")
    client.post(reverse("account_logout"))
    logged = events()
    assert [e["event"] for e in logged] == ["sign_in.success", "sign_out"]
    assert logged[0]["user_id"] == user.pk and logged[0]["ip"] == "10.7.7.7" and logged[0]["at"]


def test_a_failed_sign_in_names_the_login_tried_and_never_the_password(client, events):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": "Secret-guess-123"})
    (event,) = events()
    assert event["event"] == "sign_in.failure" and event["login"] == user.email and event["user_id"] is None
    assert "Secret-guess-123" not in json.dumps(event)


def test_an_account_locked_by_the_throttle_is_logged(client, settings, events):
    from mentoring import settings as project

    settings.ACCOUNT_RATE_LIMITS = project.ACCOUNT_RATE_LIMITS
    cache.clear()
    user = UserFactory()
    for _ in range(6):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-guess"})
    assert "sign_in.locked_out" in [e["event"] for e in events()]
    cache.clear()


def test_a_refused_page_is_logged_with_the_user_and_path(client, events):
    employee = UserFactory()
    client.force_login(employee)
    path = reverse("programs:program_list")
    response = client.get(path)
    assert response.status_code == 403
    (event,) = [e for e in events() if e["event"] == "permission_denied"]
    assert event["user_id"] == employee.pk and event["path"] == path and event["method"] == "GET"
