"""Settings come from the environment; production refuses to start without its secrets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k8Jw2-this-is-a-long-random-production-secret-for-tests-only-9Qz",
    "ALLOWED_HOSTS": "twoway.example.com",
    "DATABASE_URL": "postgres://twoway:pw@db.internal:5432/twoway",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_a_secret(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert missing in message
    assert "Traceback" not in result.stderr


def test_production_with_its_secrets_passes_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "WARNINGS" not in result.stderr
    assert "no issues" in result.stdout


def test_an_unknown_environment_name_is_refused():
    result = manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr


def test_production_serves_static_files_through_whitenoise():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND']); print(settings.MIDDLEWARE[1]); print(settings.DEBUG)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "mentoring.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "False",
    ]


def test_development_needs_no_variables_and_runs_tasks_eagerly():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE']); print(settings.CELERY_TASK_ALWAYS_EAGER); "
        "print(settings.EMAIL_BACKEND)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, "EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "mentoring.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


SSO_ENV = {
    "OIDC_CLIENT_ID": "twoway",
    "OIDC_CLIENT_SECRET": "s3cret",
    "OIDC_SERVER_URL": "https://login.northwind.example/realms/staff",
    "OIDC_NAME": "Northwind SSO",
    "MICROSOFT_CLIENT_ID": "ms-id",
    "MICROSOFT_CLIENT_SECRET": "ms-secret",
    "MICROSOFT_TENANT": "northwind-tenant-id",
    "GOOGLE_CLIENT_ID": "g-id",
    "GOOGLE_CLIENT_SECRET": "g-secret",
}


def sso_settings(**env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, *SSO_ENV}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "mentoring.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def test_sso_is_off_without_variables():
    assert sso_settings() == {}


def test_sso_providers_switch_on_from_environment_variables_alone():
    providers = sso_settings(**SSO_ENV)
    assert set(providers) == {"openid_connect", "microsoft", "google"}
    oidc = providers["openid_connect"]["APPS"][0]
    assert oidc["name"] == "Northwind SSO"
    assert oidc["settings"]["server_url"] == "https://login.northwind.example/realms/staff"
    assert providers["microsoft"]["APPS"][0]["settings"]["tenant"] == "northwind-tenant-id"


@pytest.mark.django_db
def test_configured_sso_providers_appear_on_the_login_page(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = sso_settings(**SSO_ENV)
    html = client.get("/accounts/login/").text
    assert "Continue with Northwind SSO" in html
    assert "Continue with Microsoft" in html
    assert "Continue with Google" in html


@pytest.mark.django_db
def test_login_page_has_no_sso_buttons_when_none_is_configured(client):
    assert "Continue with" not in client.get("/accounts/login/").text


def test_a_sentry_dsn_switches_error_reporting_on_without_personal_data():
    code = (
        "import django; django.setup(); import sentry_sdk; client = sentry_sdk.get_client(); "
        "print(client.is_active(), client.options['send_default_pii'], client.options['environment'])"
    )
    dsn = "https://public@errors.northwind.example/1"  # never contacted: nothing is raised here
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mentoring.settings", "SENTRY_DSN": dsn},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "False", "development"], result.stderr
