import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from mentoring.programs.models import (
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Invitation,
    Program,
    SameDepartment,
    validate_reminder_lead_hours,
)
from tests.factories import CohortFactory, EnrollmentFactory, InvitationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


def cohort_values(**overrides):
    values = {
        "name": "Spring",
        "enrollment_opens_on": TODAY,
        "enrollment_closes_on": TODAY + datetime.timedelta(days=10),
        "starts_on": TODAY + datetime.timedelta(days=20),
        "ends_on": TODAY + datetime.timedelta(days=200),
        "capacity": 10,
    }
    values.update(overrides)
    return values


def test_program_defaults_are_the_documented_rules():
    program = ProgramFactory()
    assert program.session_length_minutes == 60
    assert program.reciprocity_required is True
    assert program.avoid_manager_pairs is True
    assert program.same_department == SameDepartment.DISCOURAGED
    assert program.reminder_lead_hours == [24, 1]
    assert program.max_timezone_gap_hours is None
    assert program.reverse_mentoring_weight == Decimal("0.50")


def test_rule_values_lists_every_rule_field_and_copies_the_list():
    program = ProgramFactory(reminder_lead_hours=[48, 2])
    values = program.rule_values()
    assert set(values) == set(Program.RULE_FIELDS)
    values["reminder_lead_hours"].append(1)
    assert program.reminder_lead_hours == [48, 2]


@pytest.mark.parametrize("minutes", [29, 31, 61, 121, 122])
def test_database_refuses_session_length_outside_30_120_or_odd(minutes):
    program = ProgramFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.create(program=program, session_length_minutes=minutes, **cohort_values())


@pytest.mark.parametrize("minutes", [30, 60, 90, 120])
def test_database_accepts_even_session_lengths_in_range(minutes):
    cohort = Cohort.objects.create(program=ProgramFactory(), session_length_minutes=minutes, **cohort_values())
    assert cohort.session_length_minutes == minutes


def test_model_validation_explains_odd_session_length():
    cohort = Cohort(program=ProgramFactory(), session_length_minutes=45, **cohort_values())
    with pytest.raises(ValidationError) as error:
        cohort.full_clean()
    assert "even number of minutes" in str(error.value.message_dict["session_length_minutes"])


@pytest.mark.parametrize("weight", ["-0.01", "1.01"])
def test_database_refuses_reverse_weight_outside_0_1(weight):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(reverse_mentoring_weight=Decimal(weight))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"enrollment_closes_on": TODAY - datetime.timedelta(days=1)}, "enrollment_closes_on"),
        ({"ends_on": TODAY + datetime.timedelta(days=20)}, "ends_on"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_database_refuses_inconsistent_cohort_dates_and_capacity(overrides, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.create(program=ProgramFactory(), **cohort_values(**overrides))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"enrollment_closes_on": TODAY - datetime.timedelta(days=1)}, "enrollment_closes_on", "close before"),
        ({"ends_on": TODAY + datetime.timedelta(days=5)}, "ends_on", "end after it starts"),
        ({"starts_on": TODAY - datetime.timedelta(days=1)}, "starts_on", "before enrollment opens"),
    ],
)
def test_cohort_clean_names_the_field_in_error(overrides, field, message):
    cohort = Cohort(program=ProgramFactory(), **cohort_values(**overrides))
    with pytest.raises(ValidationError) as error:
        cohort.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_cohort_names_are_unique_per_program_ignoring_case():
    cohort = CohortFactory(name="Spring")
    duplicate = Cohort(program=cohort.program, **cohort_values(name="SPRING"))
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has a cohort" in str(error.value.message_dict["name"])
    CohortFactory(name="Spring")  # another program may reuse the name


def test_program_names_are_unique_ignoring_case():
    ProgramFactory(name="Reverse mentoring")
    with pytest.raises(ValidationError) as error:
        Program(name="reverse MENTORING", purpose="x", confidentiality_statement="y").full_clean()
    assert "already exists" in str(error.value.message_dict["name"])


@pytest.mark.parametrize(
    ("value", "message"),
    [("24", "list of whole hours"), ([0], "between 1 and"), ([24, 24], "only once"), ([1.5], "whole hours")],
)
def test_reminder_lead_hours_validation(value, message):
    with pytest.raises(ValidationError) as error:
        validate_reminder_lead_hours(value)
    assert message in error.value.messages[0]


def test_transitions_only_go_forward_except_reopening_from_matching():
    cohort = CohortFactory(status=CohortStatus.DRAFT)
    assert cohort.next_statuses == (CohortStatus.ENROLLING,)
    assert not cohort.can_move_to(CohortStatus.ACTIVE)
    cohort.status = CohortStatus.MATCHING
    assert set(cohort.next_statuses) == {CohortStatus.ENROLLING, CohortStatus.ACTIVE}
    cohort.status = CohortStatus.CLOSED
    assert cohort.next_statuses == ()


def test_open_for_enrollment_needs_status_enrolling_and_the_window_to_contain_today():
    open_cohort = CohortFactory()
    CohortFactory(status=CohortStatus.DRAFT)
    CohortFactory(status=CohortStatus.MATCHING)
    past = CohortFactory()
    Cohort.objects.filter(pk=past.pk).update(
        enrollment_opens_on=past.enrollment_opens_on - datetime.timedelta(days=30),
        enrollment_closes_on=past.enrollment_opens_on - datetime.timedelta(days=1),
    )
    assert list(Cohort.objects.open_for_enrollment()) == [open_cohort]
    assert open_cohort.is_open_for_enrollment()


def test_a_person_enrolls_once_per_cohort():
    enrollment = EnrollmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrollmentFactory(cohort=enrollment.cohort, user=enrollment.user)


def test_a_waitlisted_enrollment_needs_a_waitlist_time():
    enrollment = EnrollmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.WAITLISTED)


def test_waitlist_is_served_first_come_first_served():
    cohort = CohortFactory()
    later = EnrollmentFactory(cohort=cohort, status="waitlisted")
    earlier = EnrollmentFactory(cohort=cohort, status="waitlisted")
    Enrollment.objects.filter(pk=earlier.pk).update(waitlisted_at=later.waitlisted_at - datetime.timedelta(hours=1))
    EnrollmentFactory(cohort=cohort, status="approved")
    assert list(Enrollment.objects.filter(cohort=cohort).waitlist()) == [earlier, later]


def test_place_holding_enrollments_are_applied_and_approved():
    cohort = CohortFactory()
    for status in EnrollmentStatus.values:
        EnrollmentFactory(cohort=cohort, status=status)
    assert sorted(cohort.enrollments.holding_places().values_list("status", flat=True)) == ["applied", "approved"]
    assert sorted(cohort.enrollments.current().values_list("status", flat=True)) == [
        "applied",
        "approved",
        "waitlisted",
    ]


def test_people_may_withdraw_themselves_only_until_matching_starts():
    enrollment = EnrollmentFactory()
    assert enrollment.can_withdraw_self
    enrollment.cohort.status = CohortStatus.MATCHING
    assert not enrollment.can_withdraw_self


def test_invitations_get_a_long_random_token_and_are_unique_per_cohort_and_email():
    invitation = InvitationFactory(email="Sam@Northwind.example")
    assert len(invitation.token) >= 40
    assert InvitationFactory().token != invitation.token
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(cohort=invitation.cohort, email="sam@northwind.example")


def test_deleting_a_program_with_cohorts_is_refused():
    cohort = CohortFactory()
    with pytest.raises(ProtectedError):
        cohort.program.delete()


def test_deleting_a_user_removes_their_enrollments():
    enrollment = EnrollmentFactory(user=UserFactory())
    enrollment.user.delete()
    assert not Enrollment.objects.exists()
