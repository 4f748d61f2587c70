"""First sign-in from an invitation: the link names the program and cohort and the next step, and every way of
signing in (a first password for an imported person, an existing password, a new account) ends on the cohort's
enrollment page, not on a dead end."""

import re

import pytest
from django.urls import reverse

from accounts.adapters import AFTER_SIGN_IN_SESSION_KEY
from accounts.models import User
from mentoring.notifications.models import Message
from mentoring.programs.models import Enrollment
from tests.factories import PASSWORD, CohortFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(db):
    cohort = CohortFactory(name="Wave 2", program__name="Reverse mentoring 2027")
    return InvitationFactory(cohort=cohort, email="imported@northwind.example")


def link(invitation):
    return reverse("programs:invitation_accept", args=[invitation.token])


def enroll_url(invitation):
    return reverse("programs:cohort_enroll", args=[invitation.cohort.pk])


def test_an_imported_person_chooses_a_first_password_and_lands_on_the_enrollment_page(client, invitation, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    # As the employee import creates people: no usable password.
    person = UserFactory(email="imported@northwind.example")
    person.set_unusable_password()
    person.save()
    landing = client.get(link(invitation))
    assert landing.status_code == 200
    assert "Reverse mentoring 2027" in landing.text and "Wave 2" in landing.text
    assert landing.context["step"] == "choose_password"
    assert "Choose your password" in landing.text

    sent = client.post(reverse("account_reset_password"), {"email": person.email})
    assert sent.status_code == 302
    body = Message.objects.get(kind="account_password_reset_key", address=person.email).body
    key_url = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", body).group(1)
    form_page = client.get(key_url, follow=True)
    chosen = client.post(form_page.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})
    assert chosen.status_code == 302 and chosen["Location"] == link(invitation)

    landed = client.get(chosen["Location"])
    assert landed["Location"] == enroll_url(invitation)
    page = client.get(landed["Location"])
    assert page.status_code == 200 and "Wave 2" in page.text
    invitation.refresh_from_db()
    assert invitation.accepted_by == person


def test_someone_with_a_password_signs_in_and_lands_on_the_enrollment_page(client, invitation):
    UserFactory(email="imported@northwind.example", password=PASSWORD)
    landing = client.get(link(invitation))
    assert landing.context["step"] == "sign_in"
    signed_in = client.post(
        f"{reverse('account_login')}?next={link(invitation)}",
        {"login": "imported@northwind.example", "password": PASSWORD},
    )
    assert signed_in["Location"] == link(invitation)
    assert client.get(signed_in["Location"])["Location"] == enroll_url(invitation)
    assert AFTER_SIGN_IN_SESSION_KEY not in client.session


def test_signing_in_without_the_next_parameter_still_comes_back(client, invitation):
    UserFactory(email="imported@northwind.example", password=PASSWORD)
    client.get(link(invitation))
    signed_in = client.post(reverse("account_login"), {"login": "imported@northwind.example", "password": PASSWORD})
    assert signed_in["Location"] == link(invitation)


def test_an_enrolled_person_following_the_link_reaches_their_enrollment(client_for, invitation):
    person = UserFactory(email="imported@northwind.example")
    enrollment = Enrollment.objects.create(cohort=invitation.cohort, user=person, status="approved")
    response = client_for(person).get(link(invitation), follow=True)
    assert response.redirect_chain[-1][0] == enrollment.get_absolute_url()


def test_a_closed_cohort_says_so_on_the_landing_page(client, invitation):
    invitation.cohort.status = "closed"
    invitation.cohort.save()
    response = client.get(link(invitation))
    assert "Enrollment for this cohort has closed" in response.text
    assert "Your next step" not in response.text


def test_an_unknown_link_is_a_404_and_remembers_nothing(client):
    response = client.get(reverse("programs:invitation_accept", args=["not-a-token"]))
    assert response.status_code == 404
    assert AFTER_SIGN_IN_SESSION_KEY not in client.session


def test_only_a_path_on_this_site_is_followed_after_sign_in(client, invitation):
    UserFactory(email="someone@northwind.example", password=PASSWORD)
    session = client.session
    session[AFTER_SIGN_IN_SESSION_KEY] = "https://evil.example/phish"
    session.save()
    signed_in = client.post(reverse("account_login"), {"login": "someone@northwind.example", "password": PASSWORD})
    assert signed_in["Location"] == reverse("home")
    assert User.objects.count() == 1
