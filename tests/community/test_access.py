"""Every community page for every role: anonymous visitors sign in, the rest see only what is theirs."""

import pytest
from django.urls import reverse

from tests.community.factories import AlumniMemberFactory, VolunteerCallFactory
from tests.factories import LeaderFactory, ProgramAdminFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["community:alumni_directory", "community:alumni_join", "community:alumni_edit", "community:volunteer_calls"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_anonymous_visitors_cannot_leave_or_answer(client):
    assert client.post(reverse("community:alumni_leave")).url.startswith(reverse("account_login"))
    url = reverse("community:volunteer_invite_answer", args=[1, "accept"])
    assert client.post(url).url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [UserFactory, LeaderFactory, ProgramAdminFactory])
def test_every_signed_in_role_reads_the_directory(client, role):
    client.force_login(role())
    assert client.get(reverse("community:alumni_directory")).status_code == 200


@pytest.mark.parametrize("role", [UserFactory, LeaderFactory, ProgramAdminFactory])
def test_only_alumni_may_join_and_only_members_edit(client, role):
    client.force_login(role())
    assert client.get(reverse("community:alumni_join")).status_code == 403
    assert client.get(reverse("community:alumni_edit")).status_code == 403


@pytest.mark.parametrize("role", [UserFactory, LeaderFactory])
def test_calls_for_volunteers_are_for_program_admins_only(client, role):
    call = VolunteerCallFactory()
    client.force_login(role())
    assert client.get(reverse("community:volunteer_calls")).status_code == 403
    assert client.get(reverse("community:volunteer_call", args=[call.pk])).status_code == 403
    assert client.post(reverse("community:volunteer_call", args=[call.pk]), {"people": []}).status_code == 403


def test_a_member_may_not_be_a_program_admin_to_see_calls(client):
    member = AlumniMemberFactory()
    client.force_login(member.user)
    assert client.get(reverse("community:volunteer_calls")).status_code == 403


def test_a_program_admin_sees_a_missing_call_as_404(client):
    client.force_login(ProgramAdminFactory())
    assert client.get(reverse("community:volunteer_call", args=[999])).status_code == 404


def test_the_community_page_is_for_signed_in_people(client):
    assert client.get(reverse("community:home")).url.startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(reverse("community:home")).status_code == 200
