"""The alumni network: invited when a cohort closes, opt-in, one-click leaving, calls for volunteers."""

import pytest
from django.urls import reverse

from mentoring.community.models import AlumniMember, VolunteerInvite
from mentoring.community.services import alumni as services
from mentoring.notifications.models import Message
from mentoring.programs.services import cohort_close
from tests.community.factories import AlumniMemberFactory, VolunteerCallFactory, alumnus
from tests.factories import ActiveCohortFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_closing_a_cohort_invites_its_participants_to_the_alumni_network_once():
    cohort = ActiveCohortFactory()
    first, second = (EnrollmentFactory(cohort=cohort, status="approved").user for _ in range(2))
    AlumniMemberFactory(user=second)  # already in the network from an earlier cohort
    waiting = EnrollmentFactory(cohort=cohort, status="waitlisted").user

    cohort_close(cohort=cohort)

    invited = Message.objects.filter(channel="email", kind="alumni_invitation")
    assert [m.recipient_id for m in invited] == [first.pk]
    assert reverse("community:alumni_join") in invited[0].body
    assert waiting.pk not in [m.recipient_id for m in invited]
    # The same cohort's invitations are keyed: asking again writes nothing.
    assert services.alumni_invite_after_closing(cohort=cohort, base_url="https://x.example") == 0


def test_an_alumnus_joins_with_what_they_volunteer_for(client_for):
    person = alumnus()
    response = client_for(person).post(reverse("community:alumni_join"), {"speaks_at_events": "on"})
    assert response.status_code == 302
    member = AlumniMember.objects.get(user=person)
    assert (member.speaks_at_events, member.hosts_workshops) == (True, False)


def test_joining_twice_keeps_one_membership(client_for):
    person = alumnus()
    client = client_for(person)
    client.post(reverse("community:alumni_join"), {"matches_again": "on"})
    again = client.post(reverse("community:alumni_join"), {"hosts_workshops": "on"})
    assert again.status_code == 302 and again.url == reverse("community:alumni_edit")
    assert AlumniMember.objects.filter(user=person).count() == 1
    assert AlumniMember.objects.get(user=person).hosts_workshops is False


def test_someone_who_never_finished_a_cohort_cannot_join(client_for, employee):
    EnrollmentFactory(user=employee, status="approved")
    assert client_for(employee).post(reverse("community:alumni_join"), {}).status_code == 403
    assert not AlumniMember.objects.exists()


def test_the_join_service_refuses_a_non_alumnus(employee):
    with pytest.raises(Exception, match="closed"):
        services.alumni_join(user=employee, data={})


def test_leaving_is_one_click_and_drops_unanswered_calls(client_for):
    member = AlumniMemberFactory(user=alumnus())
    call = VolunteerCallFactory()
    VolunteerInvite.objects.create(call=call, user=member.user)
    response = client_for(member.user).post(reverse("community:alumni_leave"))
    assert response.status_code == 302
    assert not AlumniMember.objects.filter(user=member.user).exists()
    assert not VolunteerInvite.objects.exists()
    # A second click changes nothing and says so.
    again = client_for(member.user).post(reverse("community:alumni_leave"), follow=True)
    assert "You are not in the alumni network." in again.content.decode()


def test_the_directory_shows_members_with_their_skills_programs_and_volunteering(client_for, employee):
    from tests.factories import OfferedSkillFactory, SkillProfileFactory

    person = alumnus(user=UserFactory(full_name="Ada Alum"))
    SkillProfileFactory(user=person, job_title="Data engineer", department="IT")
    OfferedSkillFactory(user=person, skill__name="Kubernetes")
    AlumniMemberFactory(user=person, facilitates_circles=True)
    not_joined = alumnus(user=UserFactory(full_name="Nina Notjoined"))

    page = client_for(employee).get(reverse("community:alumni_directory")).content.decode()
    assert "Ada Alum" in page and "Data engineer" in page and "IT" in page and "Kubernetes" in page
    assert "Facilitate a circle" in page
    assert person.enrollments.get().cohort.program.name in page
    assert not_joined.display_name not in page


def test_the_directory_searches_by_skill(client_for, employee):
    from tests.factories import OfferedSkillFactory

    sql = AlumniMemberFactory(user=UserFactory(full_name="Sam Sql"))
    OfferedSkillFactory(user=sql.user, skill__name="PostgreSQL tuning")
    other = AlumniMemberFactory(user=UserFactory(full_name="Oli Other"))
    OfferedSkillFactory(user=other.user, skill__name="Haggling tactics")
    page = client_for(employee).get(reverse("community:alumni_directory"), {"skill": "postgres"}).content.decode()
    assert "Sam Sql" in page and "Oli Other" not in page


def _directory_people(count: int) -> None:
    from tests.factories import OfferedSkillFactory, SkillProfileFactory

    for _ in range(count):
        member = AlumniMemberFactory(user=alumnus())
        SkillProfileFactory(user=member.user)
        OfferedSkillFactory(user=member.user)
        OfferedSkillFactory(user=member.user)


@pytest.mark.parametrize("count", [2, 20])
def test_the_directory_costs_the_same_queries_for_ten_times_the_members(django_assert_num_queries, client_for, count):
    viewer = UserFactory()
    _directory_people(count)
    client = client_for(viewer)
    # session, user, the viewer's membership, whether the viewer is an alumnus, the count, the page's members
    # (with user and profile), their skills, their alumni enrollments with cohort and program
    with django_assert_num_queries(8):
        response = client.get(reverse("community:alumni_directory"))
    assert len(response.context["rows"]) == count


def test_the_directory_is_paged(client_for, employee):
    for _ in range(26):
        AlumniMemberFactory()
    first = client_for(employee).get(reverse("community:alumni_directory"))
    assert len(first.context["rows"]) == 25
    second = client_for(employee).get(reverse("community:alumni_directory"), {"page": 2})
    assert len(second.context["rows"]) == 1


def test_the_directory_answers_an_over_long_search_with_the_unfiltered_list(client_for, employee):
    AlumniMemberFactory(user=UserFactory(full_name="Vera Visible"))
    page = client_for(employee).get(reverse("community:alumni_directory"), {"skill": "x" * 500, "activity": "nope"})
    assert page.status_code == 200 and "Vera Visible" in page.content.decode()


def test_a_program_admin_invites_members_to_volunteer_and_sees_who_accepted(client_for, program_admin):
    yes = AlumniMemberFactory(user=UserFactory(full_name="Yara Yes"), speaks_at_events=True)
    no = AlumniMemberFactory(user=UserFactory(full_name="Noah No"))
    admin = client_for(program_admin)
    created = admin.post(
        reverse("community:volunteer_calls"),
        {"activity": "speak", "title": "Town hall", "details": "Five minutes.", "happens_on": _in_days(10)},
    )
    call_url = created.url
    admin.post(call_url, {"people": [yes.user.pk, no.user.pk]})
    admin.post(call_url, {"people": [yes.user.pk]})  # a double submit invites nobody twice
    assert Message.objects.filter(channel="email", kind="volunteer_call").count() == 2
    assert VolunteerInvite.objects.count() == 2

    invite = VolunteerInvite.objects.get(user=yes.user)
    admin.force_login(yes.user)
    admin.post(reverse("community:volunteer_invite_answer", args=[invite.pk, "accept"]))
    admin.force_login(program_admin)
    page = admin.get(call_url).content.decode()
    assert "Yara Yes" in page and "Accepted" in page and "No answer yet" in page


def test_only_members_can_be_invited_to_volunteer(program_admin):
    call = VolunteerCallFactory()
    outsider = UserFactory(full_name="Otto Outsider")
    with pytest.raises(Exception, match="Otto Outsider"):
        services.volunteer_call_invite(call=call, users=[outsider], base_url="https://x.example")
    assert not VolunteerInvite.objects.exists()


def test_a_call_with_bad_input_shows_field_errors_and_writes_nothing(client_for, program_admin):
    response = client_for(program_admin).post(
        reverse("community:volunteer_calls"),
        {"activity": "juggling", "title": "", "details": "x" * 2001, "happens_on": "9999-01-01"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"activity", "title", "details", "happens_on"}
    from mentoring.community.models import VolunteerCall

    assert not VolunteerCall.objects.exists()


def test_nobody_answers_someone_elses_volunteer_invitation(client_for, employee):
    invite = VolunteerInvite.objects.create(call=VolunteerCallFactory(), user=AlumniMemberFactory().user)
    url = reverse("community:volunteer_invite_answer", args=[invite.pk, "accept"])
    assert client_for(employee).post(url).status_code == 404
    invite.refresh_from_db()
    assert invite.status == "invited"


def _in_days(days: int) -> str:
    import datetime

    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_the_closing_page_says_how_many_are_invited_to_the_alumni_network(client_for, program_admin):
    cohort = ActiveCohortFactory()
    for _ in range(2):
        EnrollmentFactory(cohort=cohort, status="approved")
    AlumniMemberFactory(user=EnrollmentFactory(cohort=cohort, status="approved").user)
    page = client_for(program_admin).get(reverse("programs:cohort_close", args=[cohort.pk])).content.decode()
    assert "2 new alumni are e-mailed an invitation" in page
