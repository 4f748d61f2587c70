"""The employee side: open cohorts, enrolling, one's own enrollments, withdrawing, invitations."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from mentoring.programs.models import Enrollment, Invitation
from tests.factories import CohortFactory, EnrollmentFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

ENROLL_DATA = {"goals": "Learn SQL", "availability": "Mondays", "accept_confidentiality": "on"}


def enroll_url(cohort):
    return reverse("programs:cohort_enroll", args=[cohort.pk])


def test_my_programs_lists_open_cohorts_and_only_my_enrollments(client_for, employee):
    open_cohort = CohortFactory(name="Open now")
    CohortFactory(name="Still a draft", status="draft")
    closed_window = CohortFactory(name="Window passed")
    closed_window.enrollment_opens_on = datetime.date.today() - datetime.timedelta(days=30)
    closed_window.enrollment_closes_on = datetime.date.today() - datetime.timedelta(days=1)
    closed_window.save()
    mine = EnrollmentFactory(user=employee, cohort__name="Mine", cohort__status="matching", status="approved")
    EnrollmentFactory(cohort=open_cohort, user__full_name="Somebody Else")

    response = client_for(employee).get(reverse("programs:mine"))
    assert [c.name for c in response.context["open_cohorts"]] == ["Open now"]
    assert list(response.context["enrollments"]) == [mine]
    page = response.content.decode()
    assert "Still a draft" not in page and "Window passed" not in page and "Somebody Else" not in page


def test_my_programs_costs_the_same_with_ten_times_the_rows(client_for, employee, django_assert_num_queries):
    client = client_for(employee)

    def measure(n):
        for _ in range(n):
            cohort = CohortFactory(capacity=1)
            EnrollmentFactory(cohort=cohort)
            EnrollmentFactory(cohort=cohort, user=employee, status="waitlisted")
            CohortFactory()
        # session, user, my enrollments with waitlist places, my partnership in each cohort (the partnerships
        # app's tag), open cohorts with places taken and my status, invitations to me
        with django_assert_num_queries(6):
            response = client.get(reverse("programs:mine"))
        assert response.status_code == 200

    measure(2)
    measure(20)


def test_enroll_page_shows_the_confidentiality_statement(client_for, employee):
    cohort = CohortFactory(program__confidentiality_statement="Nothing leaves the room.")
    page = client_for(employee).get(enroll_url(cohort)).content.decode()
    assert "Nothing leaves the room." in page and "I accept the confidentiality statement" in page


def test_employee_enrolls(client_for, employee):
    cohort = CohortFactory()
    response = client_for(employee).post(enroll_url(cohort), ENROLL_DATA)
    enrollment = Enrollment.objects.get()
    assert response.status_code == 302 and response["Location"] == enrollment.get_absolute_url()
    assert (enrollment.user, enrollment.status, enrollment.goals) == (employee, "applied", "Learn SQL")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"accept_confidentiality": ""}, "accept_confidentiality", "Please accept the confidentiality statement"),
        ({"goals": "   "}, "goals", "This field is required."),
        ({"availability": ""}, "availability", "This field is required."),
        ({"goals": "x" * 2001}, "goals", "at most 2000 characters"),
    ],
)
def test_enroll_form_explains_bad_input_and_writes_nothing(client_for, employee, overrides, field, message):
    data = {k: v for k, v in {**ENROLL_DATA, **overrides}.items() if v}
    response = client_for(employee).post(enroll_url(CohortFactory()), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Enrollment.objects.exists()


def test_a_full_cohort_puts_the_employee_on_the_waitlist(client_for, employee):
    cohort = CohortFactory(capacity=1)
    EnrollmentFactory(cohort=cohort)
    client = client_for(employee)
    assert "Join the waitlist" in client.get(enroll_url(cohort)).content.decode()
    response = client.post(enroll_url(cohort), ENROLL_DATA, follow=True)
    assert "you are on its waitlist" in response.content.decode()
    assert "number 1 on the waitlist" in response.content.decode()
    assert Enrollment.objects.get(user=employee).status == "waitlisted"


def test_enrolling_again_goes_to_the_existing_enrollment(client_for, employee):
    enrollment = EnrollmentFactory(user=employee)
    response = client_for(employee).get(enroll_url(enrollment.cohort))
    assert response["Location"] == enrollment.get_absolute_url()


def test_enrolling_after_the_window_closed_is_explained(client_for, employee):
    cohort = CohortFactory()
    cohort.enrollment_opens_on = datetime.date.today() - datetime.timedelta(days=30)
    cohort.enrollment_closes_on = datetime.date.today() - datetime.timedelta(days=1)
    cohort.save()
    client = client_for(employee)
    assert "Enrollment for this cohort is closed." in client.get(enroll_url(cohort)).content.decode()
    response = client.post(enroll_url(cohort), ENROLL_DATA)
    assert response.status_code == 400
    assert "Enrollment for this cohort is closed." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_employee_updates_goals_and_accepts_confidentiality_after_being_added(client_for, employee):
    enrollment = EnrollmentFactory(user=employee, status="approved", confidentiality_accepted_at=None, goals="")
    client = client_for(employee)
    url = enrollment.get_absolute_url()
    assert "please accept the confidentiality statement" in client.get(url).content.decode()
    refused = client.post(url, {"goals": "Learn", "availability": "Fridays"})
    assert refused.status_code == 400
    assert client.post(url, {**ENROLL_DATA, "goals": "Learn Python"}).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.goals == "Learn Python" and enrollment.has_accepted_confidentiality
    assert "I accept" not in client.get(url).content.decode()  # asked once only


def test_withdrawn_enrollments_are_read_only(client_for, employee):
    enrollment = EnrollmentFactory(user=employee, status="withdrawn", goals="Old goals")
    client = client_for(employee)
    page = client.get(enrollment.get_absolute_url()).content.decode()
    assert "Old goals" in page and "<form" not in page.split("<main", 1)[1].replace('action="/accounts/logout/"', "")
    response = client.post(enrollment.get_absolute_url(), {"goals": "New"}, follow=True)
    assert "no longer current" in response.content.decode()


def test_employee_withdraws_and_the_waitlist_moves_up(client_for, employee):
    cohort = CohortFactory(capacity=1)
    mine = EnrollmentFactory(cohort=cohort, user=employee)
    waiting = EnrollmentFactory(cohort=cohort, status="waitlisted")
    response = client_for(employee).post(reverse("programs:enrollment_withdraw", args=[mine.pk]), follow=True)
    assert "You have withdrawn" in response.content.decode()
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == ("withdrawn", "applied")


def test_withdrawing_after_matching_started_is_refused(client_for, employee):
    mine = EnrollmentFactory(user=employee, cohort__status="matching", status="approved")
    client = client_for(employee)
    assert "Withdraw from" not in client.get(mine.get_absolute_url()).content.decode()
    response = client.post(reverse("programs:enrollment_withdraw", args=[mine.pk]), follow=True)
    assert "Matching has started" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == "approved"


# --- Invitations ----------------------------------------------------------------------------------


def test_invitee_without_an_account_lands_on_signup_and_comes_back(client, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    invitation = InvitationFactory(email="newbie@northwind.example")
    link = reverse("programs:invitation_accept", args=[invitation.token])
    response = client.get(link)
    signup = f"{reverse('account_signup')}?next={link.replace('/', '%2F')}"
    assert response.status_code == 200 and response.context["step"] == "sign_up"
    assert f'href="{signup}"' in response.text

    signed_up = client.post(
        signup,
        {
            "email": "newbie@northwind.example",
            "full_name": "New Bie",
            "password1": "a-long-passphrase!",
            "password2": "a-long-passphrase!",
        },
    )
    assert signed_up["Location"] == link
    landed = client.get(link)
    assert landed["Location"] == enroll_url(invitation.cohort)
    invitation.refresh_from_db()
    assert invitation.accepted_by == User.objects.get(email="newbie@northwind.example")
    assert client.post(landed["Location"], ENROLL_DATA).status_code == 302


def test_invitee_with_an_account_is_asked_to_sign_in(client):
    user = UserFactory()
    invitation = InvitationFactory(email=user.email.upper())
    response = client.get(reverse("programs:invitation_accept", args=[invitation.token]))
    assert response.context["step"] == "sign_in"
    assert f'href="{reverse("account_login")}?next=' in response.text


def test_a_forwarded_link_leads_to_the_cohort_but_says_it_was_for_someone_else(client_for, employee):
    invitation = InvitationFactory(email="someone.else@northwind.example")
    response = client_for(employee).get(reverse("programs:invitation_accept", args=[invitation.token]), follow=True)
    assert response.redirect_chain[-1][0] == enroll_url(invitation.cohort)
    assert "This invitation was sent to another address" in response.text
    invitation.refresh_from_db()
    assert invitation.accepted_by is None


def test_invitation_to_a_cohort_no_longer_enrolling_says_so(client_for, employee):
    invitation = InvitationFactory(cohort__status="matching", email=employee.email)
    response = client_for(employee).get(reverse("programs:invitation_accept", args=[invitation.token]))
    assert response.status_code == 200
    assert "Enrollment for this cohort has closed" in response.content.decode()


def test_home_lists_pending_invitations(client_for, employee):
    InvitationFactory(email=employee.email, cohort__name="Invited cohort")
    InvitationFactory(email="someone.else@northwind.example", cohort__name="Not for you")
    page = client_for(employee).get(reverse("home")).content.decode()
    assert "Invited cohort" in page and "Not for you" not in page
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 0
