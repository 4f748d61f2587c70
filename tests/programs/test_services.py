import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.programs import selectors, services
from mentoring.programs.models import Cohort, CohortStatus, Enrollment, EnrollmentStatus, Invitation
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    InvitationFactory,
    PartnershipFactory,
    ProgramAdminFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def dates(**overrides):
    today = datetime.date.today()
    values = {
        "name": "Spring",
        "enrollment_opens_on": today,
        "enrollment_closes_on": today + datetime.timedelta(days=10),
        "starts_on": today + datetime.timedelta(days=20),
        "ends_on": today + datetime.timedelta(days=200),
        "capacity": 10,
    }
    values.update(overrides)
    return values


def apply(cohort, user=None, **kwargs):
    values = {"goals": "Learn SQL", "availability": "Mondays", "accepts_confidentiality": True}
    values.update(kwargs)
    return services.enrollment_apply(cohort=cohort, user=user or UserFactory(), **values)


def messages_of(error):
    return " ".join(error.value.messages)


# --- Programs and cohorts --------------------------------------------------------------------------


def test_program_create_validates_and_saves():
    program = services.program_create(
        created_by=None, data={"name": "Reverse mentoring", "purpose": "p", "confidentiality_statement": "c"}
    )
    assert program.pk and program.session_length_minutes == 60
    with pytest.raises(ValidationError):
        services.program_create(
            created_by=None, data={"name": "reverse MENTORING", "purpose": "p", "confidentiality_statement": "c"}
        )


def test_a_new_cohort_copies_the_programs_rules_and_starts_as_draft():
    program = ProgramFactory(
        session_length_minutes=90,
        cadence="monthly",
        same_department="forbidden",
        reverse_mentoring_weight=Decimal("0.80"),
        max_timezone_gap_hours=4,
        reminder_lead_hours=[48],
        checkin_due_days=5,
        reciprocity_required=False,
        avoid_manager_pairs=False,
    )
    cohort = services.cohort_create(program=program, data=dates())
    assert cohort.status == CohortStatus.DRAFT
    assert cohort.rule_values() == program.rule_values()
    program.reminder_lead_hours.append(1)
    program.save()
    cohort.refresh_from_db()
    assert cohort.reminder_lead_hours == [48]  # a copy, not a reference


def test_a_new_cohort_may_override_the_programs_rules():
    cohort = services.cohort_create(program=ProgramFactory(), data=dates(session_length_minutes=30))
    assert cohort.session_length_minutes == 30


def test_cohort_create_refuses_bad_dates_and_writes_nothing():
    with pytest.raises(ValidationError) as error:
        services.cohort_create(program=ProgramFactory(), data=dates(ends_on=datetime.date.today()))
    assert "ends_on" in error.value.message_dict
    assert not Cohort.objects.exists()


def test_changing_program_defaults_leaves_existing_cohorts_alone():
    cohort = CohortFactory()
    services.program_update(program=cohort.program, data={"session_length_minutes": 90})
    cohort.refresh_from_db()
    assert cohort.session_length_minutes == 60


# --- Transitions -------------------------------------------------------------------------------------


def test_the_happy_path_draft_to_enrolling_to_matching():
    cohort = CohortFactory(status=CohortStatus.DRAFT)
    cohort = services.cohort_open_enrollment(cohort=cohort)
    assert cohort.status == CohortStatus.ENROLLING
    EnrollmentFactory.create_batch(2, cohort=cohort, status="approved")
    cohort = services.cohort_start_matching(cohort=cohort)
    assert cohort.status == CohortStatus.MATCHING


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("draft", "matching"),
        ("draft", "active"),
        ("enrolling", "draft"),
        ("enrolling", "active"),
        ("active", "matching"),
        ("closed", "enrolling"),
        ("closed", "draft"),
    ],
)
def test_invalid_transitions_are_refused_with_a_message(start, to):
    cohort = CohortFactory(status=start)
    with pytest.raises(ValidationError) as error:
        services.cohort_transition(cohort=cohort, to=to)
    assert "cannot move to" in messages_of(error)
    cohort.refresh_from_db()
    assert cohort.status == start


def test_opening_enrollment_after_the_window_has_passed_is_refused():
    cohort = CohortFactory(status="draft")
    with pytest.raises(ValidationError) as error:
        services.cohort_open_enrollment(cohort=cohort, today=cohort.enrollment_closes_on + datetime.timedelta(days=1))
    assert "change the enrollment dates first" in messages_of(error)


def test_matching_needs_two_approved_participants_and_no_pending_applications():
    cohort = CohortFactory()
    EnrollmentFactory(cohort=cohort, status="approved")
    EnrollmentFactory(cohort=cohort, status="applied")
    with pytest.raises(ValidationError) as error:
        services.cohort_start_matching(cohort=cohort)
    text = messages_of(error)
    assert "at least 2 approved participants; this cohort has 1" in text
    assert "1 application is still waiting for a decision" in text


def test_activating_without_published_matches_is_refused():
    cohort = CohortFactory(status="matching")
    assert selectors.cohort_has_published_matches(cohort) is False
    with pytest.raises(ValidationError) as error:
        services.cohort_activate(cohort=cohort)
    assert "no published matches" in messages_of(error)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.MATCHING


def test_activating_with_published_matches_succeeds():
    cohort = CohortFactory(status="matching")
    PartnershipFactory(cohort=cohort)
    assert services.cohort_activate(cohort=cohort).status == CohortStatus.ACTIVE


def test_enrollment_cannot_reopen_once_matches_are_published():
    cohort = CohortFactory(status="matching")
    services.cohort_transition(cohort=cohort, to="enrolling")  # allowed while nothing is published
    cohort = CohortFactory(status="matching")
    PartnershipFactory(cohort=cohort)
    with pytest.raises(ValidationError) as error:
        services.cohort_transition(cohort=cohort, to="enrolling")
    assert "already published" in messages_of(error)


def test_closing_makes_approved_participants_alumni_and_withdraws_those_still_waiting():
    cohort = CohortFactory(status="active")
    approved = EnrollmentFactory(cohort=cohort, status="approved")
    waiting = EnrollmentFactory(cohort=cohort, status="waitlisted")
    withdrawn = EnrollmentFactory(cohort=cohort, status="withdrawn")
    services.cohort_close(cohort=cohort)
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses == {approved.pk: "alumni", waiting.pk: "withdrawn", withdrawn.pk: "withdrawn"}
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.CLOSED


def test_other_cohorts_are_untouched_by_closing():
    cohort = CohortFactory(status="active")
    other = EnrollmentFactory(status="approved")
    services.cohort_close(cohort=cohort)
    other.refresh_from_db()
    assert other.status == "approved"


# --- Editing rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "enrolling", "matching"])
def test_rules_are_editable_until_matches_are_published(status):
    cohort = CohortFactory(status=status)
    cohort = services.cohort_update(cohort=cohort, data={"same_department": "forbidden"}, base_url=BASE)
    assert cohort.same_department == "forbidden"


def test_editing_matching_rules_after_matches_are_published_is_refused():
    cohort = CohortFactory(status="matching")
    PartnershipFactory(cohort=cohort)
    with pytest.raises(ValidationError) as error:
        services.cohort_update(
            cohort=cohort, data={"reciprocity_required": False, "session_length_minutes": 90}, base_url=BASE
        )
    assert "can no longer change: session length (minutes), reciprocity required" in messages_of(error)
    cohort.refresh_from_db()
    assert cohort.reciprocity_required is True and cohort.session_length_minutes == 60


def test_active_cohorts_keep_their_rules_but_dates_and_reminders_may_change():
    cohort = CohortFactory(status="active")
    with pytest.raises(ValidationError):
        services.cohort_update(cohort=cohort, data={"avoid_manager_pairs": False}, base_url=BASE)
    new_end = cohort.ends_on + datetime.timedelta(days=30)
    cohort = services.cohort_update(
        cohort=cohort, data={"ends_on": new_end, "reminder_lead_hours": [2], "avoid_manager_pairs": True}, base_url=BASE
    )
    assert cohort.ends_on == new_end and cohort.reminder_lead_hours == [2]


def test_closed_cohorts_cannot_change():
    cohort = CohortFactory(status="closed")
    with pytest.raises(ValidationError) as error:
        services.cohort_update(cohort=cohort, data={"capacity": 50}, base_url=BASE)
    assert "closed" in messages_of(error)


def test_cohort_update_refuses_inconsistent_dates():
    cohort = CohortFactory()
    with pytest.raises(ValidationError) as error:
        services.cohort_update(cohort=cohort, data={"ends_on": cohort.starts_on}, base_url=BASE)
    assert "ends_on" in error.value.message_dict


def test_raising_capacity_promotes_the_waitlist_in_order():
    cohort = CohortFactory(capacity=1)
    apply(cohort)
    first = apply(cohort)
    second = apply(cohort)
    third = apply(cohort)
    assert [first.status, second.status, third.status] == ["waitlisted"] * 3
    services.cohort_update(cohort=cohort, data={"capacity": 3}, base_url=BASE)
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk], statuses[third.pk]) == ("applied", "applied", "waitlisted")


# --- Enrollment ------------------------------------------------------------------------------------------


def test_enrolling_records_goals_availability_and_acceptance():
    cohort = CohortFactory()
    enrollment = apply(cohort, goals="  Learn SQL  ")
    assert enrollment.status == EnrollmentStatus.APPLIED
    assert enrollment.goals == "Learn SQL"
    assert enrollment.confidentiality_accepted_at is not None


def test_enrolling_without_accepting_confidentiality_is_refused():
    with pytest.raises(ValidationError) as error:
        apply(CohortFactory(), accepts_confidentiality=False)
    assert "accept_confidentiality" in error.value.message_dict
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("status", ["draft", "matching", "active", "closed"])
def test_enrolling_is_refused_unless_the_cohort_is_enrolling(status):
    with pytest.raises(ValidationError) as error:
        apply(CohortFactory(status=status))
    assert "closed" in messages_of(error)


def test_enrolling_outside_the_window_is_refused():
    cohort = CohortFactory()
    with pytest.raises(ValidationError) as error:
        apply(cohort, today=cohort.enrollment_opens_on - datetime.timedelta(days=1))
    assert "opens on" in messages_of(error)
    with pytest.raises(ValidationError):
        apply(cohort, today=cohort.enrollment_closes_on + datetime.timedelta(days=1))


def test_enrolling_twice_is_refused():
    cohort = CohortFactory()
    user = UserFactory()
    apply(cohort, user)
    with pytest.raises(ValidationError) as error:
        apply(cohort, user)
    assert "already enrolled" in messages_of(error)


def test_beyond_capacity_people_join_the_waitlist_in_order():
    cohort = CohortFactory(capacity=2)
    results = [apply(cohort) for _ in range(4)]
    assert [e.status for e in results] == ["applied", "applied", "waitlisted", "waitlisted"]
    assert list(cohort.enrollments.waitlist()) == results[2:]


def test_withdrawing_frees_a_place_for_the_first_person_waiting(django_capture_on_commit_callbacks):
    cohort = CohortFactory(capacity=1)
    holder = apply(cohort)
    first, second = apply(cohort), apply(cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw_self(enrollment=holder, base_url=BASE)
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses == {holder.pk: "withdrawn", first.pk: "applied", second.pk: "waitlisted"}
    assert [m.to for m in mail.outbox] == [[first.user.email]]
    assert f"{BASE}/programs/enrollments/{first.pk}/" in mail.outbox[0].body


def test_people_may_withdraw_only_until_matching_starts():
    enrollment = EnrollmentFactory(cohort__status="matching", status="approved")
    with pytest.raises(ValidationError) as error:
        services.enrollment_withdraw_self(enrollment=enrollment, base_url=BASE)
    assert "Matching has started" in messages_of(error)


def test_a_withdrawn_person_may_enroll_again_at_the_back_of_the_line():
    cohort = CohortFactory(capacity=1)
    user = UserFactory()
    enrollment = apply(cohort, user)
    services.enrollment_withdraw_self(enrollment=enrollment, base_url=BASE)
    apply(cohort)
    again = apply(cohort, user)
    assert again.pk == enrollment.pk
    assert again.status == "waitlisted"


def test_update_details_needs_acceptance_only_once():
    enrollment = EnrollmentFactory(confidentiality_accepted_at=None, status="approved")
    with pytest.raises(ValidationError):
        services.enrollment_update_details(
            enrollment=enrollment, goals="g", availability="a", accepts_confidentiality=False
        )
    services.enrollment_update_details(enrollment=enrollment, goals="g", availability="a", accepts_confidentiality=True)
    accepted_at = enrollment.confidentiality_accepted_at
    assert accepted_at is not None
    services.enrollment_update_details(
        enrollment=enrollment, goals="g2", availability="a", accepts_confidentiality=False
    )
    enrollment.refresh_from_db()
    assert enrollment.goals == "g2" and enrollment.confidentiality_accepted_at == accepted_at


# --- Admin actions on enrollments -----------------------------------------------------------------------


def test_approving_an_application():
    enrollment = EnrollmentFactory()
    assert services.enrollment_approve(enrollment=enrollment, base_url=BASE).status == "approved"


def test_approving_from_the_waitlist_needs_a_free_place():
    cohort = CohortFactory(capacity=1)
    EnrollmentFactory(cohort=cohort, status="approved")
    waiting = EnrollmentFactory(cohort=cohort, status="waitlisted")
    with pytest.raises(ValidationError) as error:
        services.enrollment_approve(enrollment=waiting, base_url=BASE)
    assert "The cohort is full (1 places)" in messages_of(error)


@pytest.mark.parametrize("status", ["withdrawn", "alumni", "approved"])
def test_approving_is_refused_for_other_statuses(status):
    with pytest.raises(ValidationError):
        services.enrollment_approve(enrollment=EnrollmentFactory(status=status), base_url=BASE)


def test_approving_is_refused_once_the_cohort_is_active():
    enrollment = EnrollmentFactory(cohort__status="active")
    with pytest.raises(ValidationError) as error:
        services.enrollment_approve(enrollment=enrollment, base_url=BASE)
    assert "nobody can join it any more" in messages_of(error)


def test_waitlisting_someone_gives_their_place_to_whoever_waited_longest():
    cohort = CohortFactory(capacity=1)
    holder = apply(cohort)
    waiting = apply(cohort)
    services.enrollment_waitlist(enrollment=holder, base_url=BASE)
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses == {holder.pk: "waitlisted", waiting.pk: "applied"}
    assert list(cohort.enrollments.waitlist()) == [holder]


def test_waitlisting_with_room_and_nobody_waiting_is_refused_and_changes_nothing():
    enrollment = EnrollmentFactory(status="approved")
    with pytest.raises(ValidationError) as error:
        services.enrollment_waitlist(enrollment=enrollment, base_url=BASE)
    assert "would get their place back" in messages_of(error)
    enrollment.refresh_from_db()
    assert enrollment.status == "approved"


def test_admins_may_withdraw_people_until_the_cohort_closes():
    cohort = CohortFactory(status="active", capacity=1)
    holder = EnrollmentFactory(cohort=cohort, status="approved")
    waiting = EnrollmentFactory(cohort=cohort, status="waitlisted")
    services.enrollment_withdraw_by_admin(enrollment=holder, base_url=BASE)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"  # an active cohort takes nobody new
    with pytest.raises(ValidationError):
        services.enrollment_withdraw_by_admin(enrollment=EnrollmentFactory(cohort__status="closed"), base_url=BASE)


def test_adding_a_person_directly_approves_them_and_emails_them(django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    admin, person = ProgramAdminFactory(), UserFactory()
    InvitationFactory(cohort=cohort, email=person.email.upper())
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.enrollment_add_person(cohort=cohort, user=person, enrolled_by=admin, base_url=BASE)
    assert enrollment.status == "approved" and enrollment.enrolled_by == admin
    assert enrollment.confidentiality_accepted_at is None
    assert mail.outbox[-1].to == [person.email]
    assert "accept the program's confidentiality statement" in mail.outbox[-1].body
    assert Invitation.objects.get().accepted_by == person


def test_adding_a_person_to_a_full_cohort_waitlists_them():
    cohort = CohortFactory(capacity=1)
    EnrollmentFactory(cohort=cohort, status="approved")
    enrollment = services.enrollment_add_person(
        cohort=cohort, user=UserFactory(), enrolled_by=ProgramAdminFactory(), base_url=BASE
    )
    assert enrollment.status == "waitlisted"


def test_adding_someone_already_enrolled_is_refused():
    enrollment = EnrollmentFactory()
    with pytest.raises(ValidationError) as error:
        services.enrollment_add_person(
            cohort=enrollment.cohort, user=enrollment.user, enrolled_by=ProgramAdminFactory(), base_url=BASE
        )
    assert "already in this cohort" in messages_of(error)


# --- Invitations ----------------------------------------------------------------------------------------


def test_invitations_email_a_personal_link(django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    admin = ProgramAdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invitations = services.invitations_send(
            cohort=cohort,
            emails=["New.Person@northwind.example", "new.person@northwind.example"],
            invited_by=admin,
            base_url=BASE,
        )
    assert len(invitations) == 1
    assert invitations[0].email == "new.person@northwind.example"
    assert mail.outbox[-1].to == ["new.person@northwind.example"]
    assert f"{BASE}/programs/invitations/{invitations[0].token}/" in mail.outbox[-1].body
    assert "Create your account and enroll" in mail.outbox[-1].body


def test_inviting_again_resends_the_same_link(django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    admin = ProgramAdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.invitations_send(
            cohort=cohort, emails=["a@northwind.example"], invited_by=admin, base_url=BASE
        )
        Invitation.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=11))  # a while later
        again = services.invitations_send(
            cohort=cohort, emails=["A@northwind.example"], invited_by=admin, base_url=BASE
        )
    assert first[0].pk == again[0].pk
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 2


def test_a_double_click_on_invite_emails_each_person_once(django_capture_on_commit_callbacks):
    """Before: the second click of a double click e-mailed every address again."""
    cohort = CohortFactory()
    admin = ProgramAdminFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            services.invitations_send(
                cohort=cohort, emails=["a@northwind.example", "b@northwind.example"], invited_by=admin, base_url=BASE
            )
    assert sorted(m.to[0] for m in mail.outbox) == ["a@northwind.example", "b@northwind.example"]


def test_invitations_are_all_or_nothing(django_capture_on_commit_callbacks, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    cohort = CohortFactory()
    enrolled = EnrollmentFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.invitations_send(
            cohort=cohort,
            emails=["ok@northwind.example", enrolled.user.email, "someone@gmail.example"],
            invited_by=ProgramAdminFactory(),
            base_url=BASE,
        )
    text = " ".join(error.value.message_dict["emails"])
    assert "already enrolled" in text and "someone@gmail.example cannot sign up" in text
    assert not Invitation.objects.exists() and not mail.outbox


def test_invitations_need_an_enrolling_cohort():
    with pytest.raises(ValidationError) as error:
        services.invitations_send(
            cohort=CohortFactory(status="draft"), emails=["a@northwind.example"], invited_by=None, base_url=BASE
        )
    assert "Open enrollment" in messages_of(error)


def test_enrolling_accepts_the_invitation_for_that_address():
    cohort = CohortFactory()
    user = UserFactory()
    invitation = InvitationFactory(cohort=cohort, email=user.email)
    apply(cohort, user)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_accepting_twice_keeps_the_first_acceptance():
    invitee = UserFactory()
    invitation = InvitationFactory(email=invitee.email.upper())
    assert services.invitation_accept(invitation=invitation, user=invitee)
    first_time = invitation.accepted_at
    assert services.invitation_accept(invitation=invitation, user=invitee)
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at) == (invitee, first_time)


def test_a_forwarded_invitation_is_not_accepted_by_someone_else():
    invitation = InvitationFactory()
    assert not services.invitation_accept(invitation=invitation, user=UserFactory())
    invitation.refresh_from_db()
    assert invitation.accepted_by is None and invitation.accepted_at is None
