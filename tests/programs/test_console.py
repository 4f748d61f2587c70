"""The program admins' console: programs, cohorts, the cohort page and its actions."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from mentoring.programs.models import Cohort, CohortStatus, Enrollment, Invitation, Program
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    OfferedSkillFactory,
    PartnershipFactory,
    ProgramFactory,
    SkillProfileFactory,
    UserFactory,
    WantedSkillFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, program_admin):
    return client_for(program_admin)


def program_data(**overrides):
    data = {
        "name": "Reverse mentoring 2027",
        "purpose": "Juniors and seniors teach each other.",
        "confidentiality_statement": "What is said stays between partners.",
        "session_length_minutes": 60,
        "cadence": "biweekly",
        "reciprocity_required": "on",
        "same_department": "discouraged",
        "reverse_mentoring_weight": "0.5",
        "max_timezone_gap_hours": "",
        "avoid_manager_pairs": "on",
        "reminder_lead_hours": "24, 1",
        "checkin_due_days": 3,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def cohort_data(**overrides):
    today = datetime.date.today()
    values = {
        "name": "Spring",
        "enrollment_opens_on": today.isoformat(),
        "enrollment_closes_on": (today + datetime.timedelta(days=14)).isoformat(),
        "starts_on": (today + datetime.timedelta(days=21)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=200)).isoformat(),
        "capacity": 12,
        "purpose": None,
        "confidentiality_statement": None,
    }
    values.update(overrides)
    return program_data(**values)


# --- Programs ----------------------------------------------------------------------------------------------


def test_admin_creates_a_program(admin_client, program_admin):
    response = admin_client.post(reverse("programs:program_create"), program_data())
    program = Program.objects.get()
    assert response.status_code == 302 and response["Location"] == program.get_absolute_url()
    assert program.reminder_lead_hours == [24, 1]
    assert program.created_by == program_admin
    page = admin_client.get(program.get_absolute_url()).content.decode()
    assert "Reverse mentoring 2027" in page and "What is said stays between partners." in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"confidentiality_statement": ""}, "confidentiality_statement", "This field is required."),
        ({"session_length_minutes": 45}, "session_length_minutes", "even number of minutes"),
        ({"session_length_minutes": 20}, "session_length_minutes", "at least 30 minutes"),
        ({"session_length_minutes": 150}, "session_length_minutes", "at most 120 minutes"),
        ({"session_length_minutes": "an hour"}, "session_length_minutes", "Enter a whole number."),
        ({"reverse_mentoring_weight": "1.5"}, "reverse_mentoring_weight", "between 0"),
        ({"reverse_mentoring_weight": "-0.1"}, "reverse_mentoring_weight", "between 0"),
        ({"max_timezone_gap_hours": "30"}, "max_timezone_gap_hours", "more than 26 hours apart"),
        ({"reminder_lead_hours": "24, soon"}, "reminder_lead_hours", "“soon” is not a whole number"),
        ({"reminder_lead_hours": "24, 24"}, "reminder_lead_hours", "only once"),
        ({"reminder_lead_hours": "0"}, "reminder_lead_hours", "between 1 and"),
        ({"checkin_due_days": "0"}, "checkin_due_days", "greater than or equal to 1"),
        ({"cadence": "daily"}, "cadence", "Select a valid choice"),
        ({"same_department": "sometimes"}, "same_department", "Select a valid choice"),
    ],
)
def test_program_form_explains_bad_input_and_writes_nothing(admin_client, overrides, field, message):
    response = admin_client.post(reverse("programs:program_create"), program_data(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Program.objects.exists()


def test_program_names_must_be_unique(admin_client):
    ProgramFactory(name="Reverse mentoring 2027")
    response = admin_client.post(reverse("programs:program_create"), program_data(name="reverse  mentoring 2027"))
    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["name"][0]


def test_admin_edits_a_program_without_touching_its_cohorts(admin_client):
    cohort = CohortFactory(program__name="Old name")
    response = admin_client.post(
        reverse("programs:program_edit", args=[cohort.program.pk]),
        program_data(name="New name", session_length_minutes=90),
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.program.name == "New name" and cohort.program.session_length_minutes == 90
    assert cohort.session_length_minutes == 60


def test_program_list_costs_the_same_with_ten_times_the_programs(admin_client, django_assert_num_queries):
    def measure(n):
        for _ in range(n):
            CohortFactory()
        # session, user, programs with their cohort counts, messages that could not be sent
        with django_assert_num_queries(4):
            response = admin_client.get(reverse("programs:program_list"))
        assert response.status_code == 200

    measure(2)
    measure(18)


def test_program_page_costs_the_same_with_ten_times_the_cohorts(admin_client, django_assert_num_queries):
    program = ProgramFactory()

    def measure(n):
        for _ in range(n):
            EnrollmentFactory(cohort=CohortFactory(program=program))
        # session, user, program, cohorts with their counts
        with django_assert_num_queries(4):
            response = admin_client.get(reverse("programs:program_detail", args=[program.pk]))
        assert response.status_code == 200

    measure(2)
    measure(18)


# --- Cohorts -----------------------------------------------------------------------------------------------


def test_the_new_cohort_form_starts_with_the_programs_rules(admin_client):
    program = ProgramFactory(session_length_minutes=90, cadence="monthly", reminder_lead_hours=[48, 2])
    form = admin_client.get(reverse("programs:cohort_create", args=[program.pk])).context["form"]
    assert form["session_length_minutes"].value() == 90
    assert form["cadence"].value() == "monthly"
    assert 'value="48, 2"' in str(form["reminder_lead_hours"])


def test_admin_creates_a_draft_cohort(admin_client):
    program = ProgramFactory()
    response = admin_client.post(reverse("programs:cohort_create", args=[program.pk]), cohort_data())
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and response["Location"] == cohort.get_absolute_url()
    assert cohort.status == CohortStatus.DRAFT and cohort.capacity == 12


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"session_length_minutes": 61}, "session_length_minutes", "even number of minutes"),
        ({"session_length_minutes": 28}, "session_length_minutes", "at least 30 minutes"),
        ({"session_length_minutes": 122}, "session_length_minutes", "at most 120 minutes"),
        (
            {"enrollment_closes_on": (datetime.date.today() - datetime.timedelta(days=1)).isoformat()},
            "enrollment_closes_on",
            "cannot close before it opens",
        ),
        ({"ends_on": datetime.date.today().isoformat()}, "ends_on", "must end after it starts"),
        (
            {"starts_on": (datetime.date.today() - datetime.timedelta(days=1)).isoformat()},
            "starts_on",
            "cannot start before enrollment opens",
        ),
        ({"starts_on": "0001-01-01"}, "starts_on", "Pick a date between"),
        ({"ends_on": "9999-12-31"}, "ends_on", "Pick a date between"),
        ({"capacity": 0}, "capacity", "at least one place"),
        ({"capacity": ""}, "capacity", "This field is required."),
        ({"reverse_mentoring_weight": "2"}, "reverse_mentoring_weight", "between 0"),
        ({"starts_on": "31/02/2027"}, "starts_on", "Enter a valid date."),
        ({"name": "  "}, "name", "This field is required."),
    ],
)
def test_cohort_form_explains_bad_input_and_writes_nothing(admin_client, overrides, field, message):
    program = ProgramFactory()
    response = admin_client.post(reverse("programs:cohort_create", args=[program.pk]), cohort_data(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Cohort.objects.exists()


def test_cohort_names_are_unique_within_a_program(admin_client):
    cohort = CohortFactory(name="Spring")
    response = admin_client.post(reverse("programs:cohort_create", args=[cohort.program.pk]), cohort_data())
    assert response.status_code == 400
    assert "already has a cohort called" in response.context["form"].errors["name"][0]


def test_admin_edits_a_cohort(admin_client):
    cohort = CohortFactory()
    data = cohort_data(capacity=30, same_department="forbidden")
    response = admin_client.post(reverse("programs:cohort_edit", args=[cohort.pk]), data)
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.capacity == 30 and cohort.same_department == "forbidden"


def test_published_matches_freeze_the_matching_rules_in_the_form(admin_client):
    cohort = CohortFactory(status="matching")
    PartnershipFactory(cohort=cohort)
    url = reverse("programs:cohort_edit", args=[cohort.pk])
    page = admin_client.get(url)
    assert page.context["form"].fields["reciprocity_required"].disabled
    assert "Frozen: matches are published" in page.content.decode()
    response = admin_client.post(url, cohort_data(name=cohort.name, same_department="allowed", capacity=40))
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.same_department == "discouraged"  # a disabled field keeps its value
    assert cohort.capacity == 40


def test_closed_cohorts_cannot_be_edited(admin_client):
    cohort = CohortFactory(status="closed")
    response = admin_client.get(reverse("programs:cohort_edit", args=[cohort.pk]), follow=True)
    assert "it can no longer change" in response.content.decode()


def test_transition_buttons_move_the_cohort(admin_client):
    cohort = CohortFactory(status="draft")
    page = admin_client.get(cohort.get_absolute_url()).content.decode()
    assert "Open enrollment" in page and "Activate the cohort" not in page
    response = admin_client.post(reverse("programs:cohort_transition", args=[cohort.pk]), {"to": "enrolling"})
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.ENROLLING


def test_a_refused_transition_says_why(admin_client):
    cohort = CohortFactory(status="matching")
    page = admin_client.get(cohort.get_absolute_url()).content.decode()
    assert "Not yet: This cohort has no published matches yet" in page
    response = admin_client.post(reverse("programs:cohort_transition", args=[cohort.pk]), {"to": "active"}, follow=True)
    assert "publish the matches before activating it" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.MATCHING


def test_a_bogus_transition_is_refused(admin_client):
    cohort = CohortFactory(status="draft")
    response = admin_client.post(
        reverse("programs:cohort_transition", args=[cohort.pk]), {"to": "exploded"}, follow=True
    )
    assert "Choose a valid next status" in response.content.decode()
    response = admin_client.post(reverse("programs:cohort_transition", args=[cohort.pk]), {"to": "closed"}, follow=True)
    assert "cannot move to closed" in response.content.decode()


# --- The cohort page --------------------------------------------------------------------------------------


def test_cohort_page_shows_completeness_counts_and_missing_skills(admin_client):
    cohort = CohortFactory()
    complete = UserFactory(full_name="Ana Complete")
    SkillProfileFactory(user=complete, department="Finance", seniority=2)
    OfferedSkillFactory(user=complete)
    WantedSkillFactory(user=complete)
    EnrollmentFactory(cohort=cohort, user=complete, status="approved")
    partial = UserFactory(full_name="Ben Partial")
    SkillProfileFactory(user=partial, department="Sales", seniority=7, bio="")
    OfferedSkillFactory(user=partial)
    EnrollmentFactory(cohort=cohort, user=partial)
    EnrollmentFactory(cohort=cohort, user=UserFactory(full_name="Cleo Noprofile"), status="waitlisted")

    response = admin_client.get(cohort.get_absolute_url())
    roster = response.context["roster"]
    by_name = {row.user.full_name: row for row in roster.rows}
    assert by_name["Ana Complete"].completeness.percent == 100
    assert by_name["Ben Partial"].completeness.missing == ["short bio", "at least one skill you want to learn"]
    assert by_name["Cleo Noprofile"].completeness.done == 0
    assert by_name["Cleo Noprofile"].waitlist_position == 1
    assert [r.user.full_name for r in roster.missing_skills] == ["Ben Partial", "Cleo Noprofile"]
    assert roster.by_department == [("Finance", 1, 1), ("Not given", 0, 1), ("Sales", 0, 1)]
    assert [label for label, *_ in roster.by_seniority] == [
        "2 · Associate",
        "7 · Director",
        "Not given",
    ]
    page = response.content.decode()
    assert "no skill wanted" in page and "Remind all 2 people with an incomplete profile" in page


def test_cohort_page_costs_the_same_with_ten_times_the_people(admin_client, django_assert_num_queries):
    cohort = CohortFactory(capacity=500)

    def add_people(n):
        for i in range(n):
            user = UserFactory()
            SkillProfileFactory(user=user, department=f"Dept {i % 4}", seniority=1 + i % 8)
            OfferedSkillFactory.create_batch(2, user=user)
            WantedSkillFactory(user=user)
            EnrollmentFactory(cohort=cohort, user=user, status=["applied", "approved", "waitlisted"][i % 3])
        EnrollmentFactory(cohort=cohort, user=UserFactory())  # no profile at all

    def measure():
        # session, user, cohort with program, enrollments with profiles and skill counts,
        # pending invitations, its surveys with their response counts, its required training modules (none)
        with django_assert_num_queries(7):
            response = admin_client.get(cohort.get_absolute_url())
        assert response.status_code == 200
        return len(response.context["roster"].rows)

    add_people(3)
    assert measure() == 4
    add_people(36)
    assert measure() == 41


def test_matching_cohort_page_adds_one_query_for_published_matches(admin_client, django_assert_num_queries):
    cohort = CohortFactory(status="matching")
    EnrollmentFactory.create_batch(3, cohort=cohort, status="approved")
    # session, user, cohort, enrollments, published matches?, invitations, surveys, required training modules
    with django_assert_num_queries(8):
        admin_client.get(cohort.get_absolute_url())


def test_approve_waitlist_and_withdraw_from_the_cohort_page(admin_client):
    cohort = CohortFactory(capacity=1)
    first = EnrollmentFactory(cohort=cohort)
    second = EnrollmentFactory(cohort=cohort, status="waitlisted")

    def act(enrollment, action):
        url = reverse("programs:enrollment_action", args=[enrollment.pk, action])
        return admin_client.post(url, follow=True).content.decode()

    assert "is approved" in act(first, "approve")
    assert "The cohort is full (1 places)" in act(second, "approve")
    assert "withdrawn" in act(first, "withdraw")
    second.refresh_from_db()
    assert second.status == "applied"  # promoted into the freed place
    assert "is approved" in act(second, "approve")


def test_remind_sends_one_email_per_person_per_day(admin_client, django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    enrollment = EnrollmentFactory(cohort=cohort, user__full_name="Ben")
    url = reverse("programs:enrollment_action", args=[enrollment.pk, "remind"])
    with django_capture_on_commit_callbacks(execute=True):
        first = admin_client.post(url, follow=True).content.decode()
    assert "Reminder to complete their skill profile sent to 1 person" in first
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [enrollment.user.email]
    assert "/me/profile/edit/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        second = admin_client.post(url, follow=True).content.decode()
    assert "already reminded today" in second
    assert len(mail.outbox) == 1


def test_remind_all_skips_complete_profiles(admin_client, django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    complete = UserFactory()
    SkillProfileFactory(user=complete)
    OfferedSkillFactory(user=complete)
    WantedSkillFactory(user=complete)
    EnrollmentFactory(cohort=cohort, user=complete)
    incomplete = EnrollmentFactory(cohort=cohort)
    EnrollmentFactory(cohort=cohort, status="withdrawn")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("programs:cohort_remind_incomplete", args=[cohort.pk]))
    assert [m.to for m in mail.outbox] == [[incomplete.user.email]]


# --- Invitations and direct enrollment ------------------------------------------------------------------


def test_admin_invites_people_by_email(admin_client, django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("programs:cohort_invite", args=[cohort.pk]),
            {"emails": "a@northwind.example,\nB@northwind.example"},
            follow=True,
        )
    assert "2 invitations sent." in response.content.decode()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == ["a@northwind.example", "b@northwind.example"]
    assert len(mail.outbox) == 2
    assert "a@northwind.example" in response.content.decode()  # listed under open invitations


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        ("", "This field is required."),
        ("not-an-address, ok@northwind.example", "“not-an-address” is not a valid e-mail address."),
        (" , ; ", "Enter at least one e-mail address."),
        # Before: a valid-looking address over 254 characters reached the database and answered 500.
        ("a" * 240 + "@northwind.example", "longer than the 254 characters an e-mail address may have"),
    ],
)
def test_invite_form_explains_bad_input(admin_client, emails, message):
    cohort = CohortFactory()
    response = admin_client.post(reverse("programs:cohort_invite", args=[cohort.pk]), {"emails": emails})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["emails"])
    assert not Invitation.objects.exists()


def test_invite_form_shows_service_refusals_next_to_the_field(admin_client, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    cohort = CohortFactory()
    response = admin_client.post(reverse("programs:cohort_invite", args=[cohort.pk]), {"emails": "x@elsewhere.example"})
    assert response.status_code == 400
    assert "cannot sign up" in response.context["form"].errors["emails"][0]


def test_inviting_to_a_draft_cohort_is_refused(admin_client):
    cohort = CohortFactory(status="draft")
    response = admin_client.post(reverse("programs:cohort_invite", args=[cohort.pk]), {"emails": "a@northwind.example"})
    assert response.status_code == 400
    assert "Open enrollment before inviting people." in response.content.decode()


def test_admin_enrolls_a_person_directly(admin_client, program_admin):
    cohort = CohortFactory()
    person = UserFactory(email="dana@northwind.example")
    response = admin_client.post(
        reverse("programs:cohort_add_person", args=[cohort.pk]), {"email": "DANA@northwind.example"}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=person)
    assert enrollment.status == "approved" and enrollment.enrolled_by == program_admin


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "This field is required."),
        ("nobody", "Enter a valid email address."),
        ("nobody@northwind.example", "invite them instead"),
    ],
)
def test_add_person_form_explains_bad_input(admin_client, email, message):
    cohort = CohortFactory()
    response = admin_client.post(reverse("programs:cohort_add_person", args=[cohort.pk]), {"email": email})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["email"])
    assert not Enrollment.objects.exists()


def test_adding_someone_twice_is_explained(admin_client):
    enrollment = EnrollmentFactory()
    response = admin_client.post(
        reverse("programs:cohort_add_person", args=[enrollment.cohort.pk]), {"email": enrollment.user.email}
    )
    assert response.status_code == 400
    assert "already in this cohort" in response.content.decode()


def test_the_new_program_form_offers_the_default_reminders(admin_client):
    form = admin_client.get(reverse("programs:program_create")).context["form"]
    assert 'value="24, 1"' in str(form["reminder_lead_hours"])


def test_the_console_links_to_the_employee_import(admin_client):
    import_url = reverse("accounts:import_upload")
    assert import_url in admin_client.get(reverse("programs:program_list")).content.decode()
    cohort = CohortFactory()
    assert import_url in admin_client.get(reverse("programs:cohort_add_person", args=[cohort.pk])).content.decode()


def test_an_empty_cohort_page_says_nobody_has_enrolled_rather_than_that_everyone_has_skills(admin_client):
    cohort = CohortFactory()
    page = admin_client.get(reverse("programs:cohort_detail", args=[cohort.pk])).text
    assert "Everyone current has skills" not in page
    assert "Nobody has enrolled yet." in page
