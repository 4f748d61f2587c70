import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.conftest import wait_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")


def signup_data(email: str) -> dict:
    return {
        "email": email,
        "full_name": "Ana Costa",
        "password1": "a-long-passphrase!",
        "password2": "a-long-passphrase!",
    }


def test_signup_with_a_company_email_creates_the_user(client, settings, django_capture_on_commit_callbacks):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_data("Ana@Northwind.example"))
    assert response.status_code == 302
    user = User.objects.get(email="ana@northwind.example")
    assert user.full_name == "Ana Costa"
    assert len(mail.outbox) == 1
    assert "Confirm" in mail.outbox[0].subject and "confirm" in mail.outbox[0].body


def test_signup_from_another_domain_gets_a_clear_message(client, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    response = client.post(SIGNUP, signup_data("ana@gmail.com"))
    assert response.status_code == 200
    assert "Sign up with your company e-mail address (@northwind.example)" in response.text
    assert not User.objects.filter(email="ana@gmail.com").exists()


def test_signup_page_uses_the_app_layout(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    assert "bootstrap.min.css" in response.text
    assert 'name="full_name"' in response.text


def test_mandatory_verification_blocks_login_until_the_link_is_followed(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_data("ben@northwind.example"))
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="ben@northwind.example").verified


def test_login_and_logout(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_an_error(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "not correct" in response.text


def test_password_reset_sends_a_link_that_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "brand-new-passphrase", "password2": "brand-new-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_signup_email_is_sent_by_the_celery_worker(client, settings, celery_worker):
    """With REDIS_URL set this goes through Redis and a real worker; without it, Celery runs eagerly."""
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    response = client.post(SIGNUP, signup_data("worker@northwind.example"))
    assert response.status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 1, timeout=30)
    assert mail.outbox[0].to == ["worker@northwind.example"]


def test_company_sso_signup_is_limited_to_allowed_domains(settings, rf):
    from types import SimpleNamespace

    from accounts.adapters import SocialAccountAdapter

    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    adapter = SocialAccountAdapter()
    request = rf.get("/")
    assert adapter.is_open_for_signup(request, SimpleNamespace(user=User(email="ana@northwind.example")))
    assert not adapter.is_open_for_signup(request, SimpleNamespace(user=User(email="ana@gmail.com")))
    assert not adapter.is_open_for_signup(request, SimpleNamespace(user=User(email="")))


@pytest.mark.parametrize(("sent", "kept"), [("Europe/Lisbon", "Europe/Lisbon"), ("Mars/Base", "UTC"), ("", "UTC")])
def test_signup_keeps_the_browsers_time_zone_when_it_is_a_real_one(client, settings, sent, kept):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    client.post(SIGNUP, {**signup_data("tz@northwind.example"), "timezone": sent})
    assert User.objects.get(email="tz@northwind.example").timezone == kept


@pytest.mark.parametrize(
    ("full_name", "message"), [("", "This field is required."), ("x" * 151, "at most 150 characters")]
)
def test_signup_without_a_usable_full_name_is_a_field_error_and_creates_nobody(client, settings, full_name, message):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    response = client.post(SIGNUP, {**signup_data("ana@northwind.example"), "full_name": full_name})
    assert response.status_code == 200
    assert message in response.text
    assert not User.objects.filter(email="ana@northwind.example").exists()


def test_signup_with_mismatched_passwords_is_a_field_error_and_creates_nobody(client, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    response = client.post(SIGNUP, {**signup_data("ana@northwind.example"), "password2": "something-else!"})
    assert response.status_code == 200
    assert "You must type the same password each time." in response.text
    assert not User.objects.filter(email="ana@northwind.example").exists()


@pytest.mark.parametrize(
    ("domains", "hint"),
    [
        (["northwind.example"], "Use your @northwind.example address"),
        (["northwind.example", "northwind.co.uk"], "one of: @northwind.example, @northwind.co.uk."),
        ([], None),
    ],
)
def test_signup_page_names_the_allowed_domains(client, settings, domains, hint):
    settings.ALLOWED_SIGNUP_DOMAINS = domains
    page = client.get(SIGNUP).text
    if hint:
        assert hint in page.split('data-testid="signup-domains"')[1].split("</p>")[0]
    else:  # any domain may sign up: nothing to name, and no claim that only company addresses can join
        assert 'data-testid="signup-domains"' not in page and "company addresses" not in page
