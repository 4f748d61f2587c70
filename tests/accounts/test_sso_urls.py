"""Single sign-on switches on per provider when its environment variables are set (mentoring/settings.py). The
login and callback URLs of a provider that is not set up answer 404, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

NOT_SET_UP = [
    "/accounts/google/login/",
    "/accounts/google/login/callback/",
    "/accounts/microsoft/login/",
    "/accounts/microsoft/login/callback/",
    "/accounts/oidc/company/login/",
    "/accounts/oidc/company/login/callback/",
]


@pytest.fixture
def no_providers(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}


@pytest.mark.parametrize("url", NOT_SET_UP)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_provider_that_is_not_set_up_answers_404(client, no_providers, url, method):
    client.raise_request_exception = False  # a 500 shows as a status here, not as an exception
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize("provider", ["google", "microsoft"])
def test_a_provider_that_is_set_up_offers_its_sign_in(client, settings, provider):
    settings.SOCIALACCOUNT_PROVIDERS = {provider: {"APPS": [{"client_id": "twoway-test", "secret": "s"}]}}
    response = client.get(f"/accounts/{provider}/login/")
    assert response.status_code == 200  # the page that asks to continue to the provider (no login on GET)
