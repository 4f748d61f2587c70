"""Who reaches which page: anonymous visitors, employees, leaders and program admins."""

import pytest
from django.urls import reverse

from tests.factories import CohortFactory, EnrollmentFactory, FailedMessageFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects():
    cohort = CohortFactory()
    enrollment = EnrollmentFactory(cohort=cohort)
    return {"program": cohort.program, "cohort": cohort, "enrollment": enrollment, "message": FailedMessageFactory()}


def console_urls(o):
    p, c, e = o["program"].pk, o["cohort"].pk, o["enrollment"].pk
    return [
        ("get", reverse("programs:program_list")),
        ("get", reverse("programs:program_create")),
        ("post", reverse("programs:program_create")),
        ("get", reverse("programs:program_detail", args=[p])),
        ("get", reverse("programs:program_edit", args=[p])),
        ("post", reverse("programs:program_edit", args=[p])),
        ("get", reverse("programs:cohort_create", args=[p])),
        ("post", reverse("programs:cohort_create", args=[p])),
        ("get", reverse("programs:cohort_detail", args=[c])),
        ("get", reverse("programs:cohort_edit", args=[c])),
        ("post", reverse("programs:cohort_edit", args=[c])),
        ("post", reverse("programs:cohort_transition", args=[c])),
        ("get", reverse("programs:cohort_close", args=[c])),
        ("post", reverse("programs:cohort_close", args=[c])),
        ("get", reverse("programs:cohort_invite", args=[c])),
        ("post", reverse("programs:cohort_invite", args=[c])),
        ("get", reverse("programs:cohort_add_person", args=[c])),
        ("post", reverse("programs:cohort_add_person", args=[c])),
        ("post", reverse("programs:cohort_remind_incomplete", args=[c])),
        *[("post", reverse("programs:enrollment_action", args=[e, a])) for a in ("approve", "waitlist", "withdraw")],
        ("post", reverse("programs:enrollment_action", args=[e, "remind"])),
        ("get", reverse("programs:failed_messages")),
        ("post", reverse("programs:failed_message_send_again", args=[o["message"].pk])),
    ]


def employee_urls(o):
    return [
        ("get", reverse("programs:mine")),
        ("get", reverse("programs:cohort_enroll", args=[o["cohort"].pk])),
        ("get", reverse("programs:enrollment_detail", args=[o["enrollment"].pk])),
        ("post", reverse("programs:enrollment_withdraw", args=[o["enrollment"].pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(client, objects):
    login = reverse("account_login")
    for method, url in console_urls(objects) + employee_urls(objects):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_employees_and_leaders_get_403_on_every_console_page(request, client_for, objects, role):
    client = client_for(request.getfixturevalue(role))
    for method, url in console_urls(objects):
        assert getattr(client, method)(url).status_code == 403, url


def test_program_admins_reach_every_console_page(client_for, program_admin, objects):
    client = client_for(program_admin)
    for method, url in console_urls(objects):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_program_admins_never_get_a_500_from_an_empty_post(client_for, program_admin, objects):
    client = client_for(program_admin)
    for method, url in console_urls(objects):
        if method == "post":
            assert client.post(url).status_code in (302, 400), url


def test_console_actions_refuse_get(client_for, program_admin, objects):
    client = client_for(program_admin)
    post_only = ("/transition/", "/remind/", "/approve/", "/waitlist/", "/withdraw/", "/send-again/")
    for _method, url in console_urls(objects):
        if any(part in url for part in post_only):
            assert client.get(url).status_code == 405, url


def test_an_unknown_enrollment_action_is_404(client_for, program_admin, objects):
    url = reverse("programs:enrollment_action", args=[objects["enrollment"].pk, "delete"])
    assert client_for(program_admin).post(url).status_code == 404


def test_console_pages_for_missing_objects_are_404(client_for, program_admin):
    client = client_for(program_admin)
    for url in (
        reverse("programs:program_detail", args=[999]),
        reverse("programs:cohort_detail", args=[999]),
        reverse("programs:cohort_create", args=[999]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("programs:enrollment_action", args=[999, "approve"])).status_code == 404


@pytest.mark.parametrize("role", ["employee", "leader", "program_admin"])
def test_other_peoples_enrollments_are_404_for_everyone(request, client_for, objects, role):
    """Even program admins read enrollments on the cohort page, never through someone's own page."""
    client = client_for(request.getfixturevalue(role))
    enrollment = objects["enrollment"]
    assert client.get(reverse("programs:enrollment_detail", args=[enrollment.pk])).status_code == 404
    assert client.post(reverse("programs:enrollment_detail", args=[enrollment.pk]), {"goals": "x"}).status_code == 404
    assert client.post(reverse("programs:enrollment_withdraw", args=[enrollment.pk])).status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == "applied"


@pytest.mark.parametrize("role", ["employee", "leader", "program_admin"])
def test_everyone_signed_in_reaches_their_own_pages(request, client_for, objects, role):
    user = request.getfixturevalue(role)
    own = EnrollmentFactory(cohort=objects["cohort"], user=user)
    client = client_for(user)
    assert client.get(reverse("programs:mine")).status_code == 200
    assert client.get(reverse("programs:enrollment_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("programs:cohort_enroll", args=[objects["cohort"].pk])).status_code == 302


@pytest.mark.parametrize("status", ["draft", "matching", "active", "closed"])
def test_cohorts_not_enrolling_are_404_to_employees_without_an_enrollment(client_for, employee, status):
    cohort = CohortFactory(status=status)
    assert client_for(employee).get(reverse("programs:cohort_enroll", args=[cohort.pk])).status_code == 404


def test_invitation_links_work_for_anyone_with_the_token(client, objects):
    invitation = InvitationFactory(cohort=objects["cohort"])
    response = client.get(reverse("programs:invitation_accept", args=[invitation.token]))
    assert response.status_code == 200 and "Your next step" in response.text  # the landing page, for anyone
    assert client.get(reverse("programs:invitation_accept", args=["not-a-token"])).status_code == 404


def test_home_shows_the_persons_programs(client_for):
    user = UserFactory()
    EnrollmentFactory(user=user, cohort__name="Spring 2027")
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    assert "Spring 2027" in response.content.decode()
