"""One sign-in throttle for the app and Django admin, per account and per address, and the proxy it may trust.

Found by an outside review: Django admin's own sign-in had no limit (40 wrong passwords, then the right one
worked), and behind a proxy ten failures from one address refused everyone's correct password.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
REFUSED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def throttled(settings):
    from mentoring import settings as project

    # The test settings turn the throttle off for every other test; here it is the project's.
    settings.ACCOUNT_RATE_LIMITS = project.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, user, password, **headers):
    return client.post(LOGIN, {"login": user.email, "password": password}, **headers)


def test_the_settings_throttle_per_account_and_per_address():
    from mentoring import settings as project

    assert project.ACCOUNT_RATE_LIMITS["login_failed"] == "50/300s/ip,5/300s/key"


def test_five_wrong_passwords_lock_that_account_and_not_a_colleague_at_the_same_address(client, settings):
    victim, colleague = UserFactory(), UserFactory()
    for _ in range(5):
        assert REFUSED not in _sign_in(client, victim, "wrong-guess", REMOTE_ADDR="10.1.1.1").text
    locked = _sign_in(client, victim, PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert locked.status_code == 200 and REFUSED in locked.text
    # The same account from another address is locked too: the limit follows the account.
    assert REFUSED in _sign_in(client, victim, PASSWORD, REMOTE_ADDR="10.9.9.9").text
    # A colleague behind the same office address signs in.
    assert _sign_in(client, colleague, PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_one_address_guessing_at_many_accounts_is_stopped(client):
    people = UserFactory.create_batch(11)
    for person in people[:10]:
        for _ in range(5):
            _sign_in(client, person, "wrong-guess", REMOTE_ADDR="10.2.2.2")
    # Fifty failures from one address: that address is refused even for a right password of an untouched account.
    assert REFUSED in _sign_in(client, people[10], PASSWORD, REMOTE_ADDR="10.2.2.2").text
    assert _sign_in(client, people[10], PASSWORD, REMOTE_ADDR="10.3.3.3").status_code == 302


def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    people = UserFactory.create_batch(11)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for person in people[:10]:
        for _ in range(5):
            _sign_in(client, person, "wrong-guess", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert REFUSED in _sign_in(client, people[10], PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).text
    # Another client through the same proxy is not locked out by the first one.
    assert _sign_in(client, people[10], PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    people = UserFactory.create_batch(11)
    for n, person in enumerate(people[:10]):
        for m in range(5):
            _sign_in(
                client, person, "wrong-guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n * 5 + m}", REMOTE_ADDR="10.4.4.4"
            )
    refused = _sign_in(client, people[10], PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200", REMOTE_ADDR="10.4.4.4")
    assert REFUSED in refused.text


def test_django_admin_signs_in_through_the_same_throttled_page(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    page = client.get("/django-admin/login/?next=/django-admin/")
    assert page.status_code == 302 and page["Location"].startswith(LOGIN)
    # A password posted to Django admin's own form is not checked there: nothing to guess at.
    posted = client.post("/django-admin/login/", {"username": staff.email, "password": PASSWORD})
    assert posted.status_code == 302 and "_auth_user_id" not in client.session
    for _ in range(5):
        _sign_in(client, staff, "wrong-guess")
    assert REFUSED in _sign_in(client, staff, PASSWORD).text
    assert "_auth_user_id" not in client.session


def test_a_signed_in_employee_without_staff_rights_is_refused_django_admin(client):
    client.force_login(UserFactory())
    assert client.get("/django-admin/").status_code in (302, 403)
    assert client.get("/django-admin/login/").status_code == 403
