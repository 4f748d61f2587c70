"""Sign-in, sign-up and password reset work while Redis does not answer: the cache falls back to local memory, and
the sign-in rate limit still counts."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password"
# Nothing listens on port 1: every Redis call is refused at once.
CLOSED_REDIS = {
    "default": {
        "BACKEND": "mentoring.core.cache.FailSafeRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = CLOSED_REDIS
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/key"}
    yield
    cache.clear()


@pytest.fixture
def person():
    user = UserFactory(email="rosa@northwind.example")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, password):
    return client.post(reverse("account_login"), {"login": "rosa@northwind.example", "password": password})


def test_a_person_signs_in_while_redis_is_down(client, redis_down, person):
    response = _sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == person
    assert cache.is_using_fallback


def test_the_sign_in_limit_still_counts_while_redis_is_down(client, redis_down, person):
    for _ in range(3):
        assert _sign_in(client, "wrong password").status_code == 200
    refused = _sign_in(client, PASSWORD)
    assert "Too many failed login attempts" in refused.text
    assert "_auth_user_id" not in client.session


def test_sign_up_and_password_reset_answer_while_redis_is_down(
    client, redis_down, person, mailoutbox, django_capture_on_commit_callbacks
):
    signup = client.post(
        reverse("account_signup"),
        {"email": "new.person@northwind.example", "password1": PASSWORD, "password2": PASSWORD, "full_name": "New"},
    )
    assert signup.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        reset = client.post(reverse("account_reset_password"), {"email": "rosa@northwind.example"})
    assert reset.status_code == 302
    assert any("rosa@northwind.example" in m.to for m in mailoutbox)
