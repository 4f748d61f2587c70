"""Home and enrollment pages tell a person what is next, without pointing at steps already taken."""

import pytest
from django.urls import reverse

from mentoring.programs.models import Enrollment
from tests.factories import CohortFactory, EnrollmentFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_home_does_not_offer_a_cohort_the_person_already_enrolled_in(client_for, employee):
    cohort = CohortFactory()
    EnrollmentFactory(user=employee, cohort=cohort, status="applied")
    page = client_for(employee).get(reverse("home")).text
    assert "open for enrollment now" not in page
    assert "See open cohorts" not in page


def test_home_counts_only_the_open_cohorts_the_person_can_still_join(client_for, employee):
    EnrollmentFactory(user=employee, cohort=CohortFactory(), status="applied")
    CohortFactory()
    withdrawn_from = CohortFactory()
    EnrollmentFactory(user=employee, cohort=withdrawn_from, status="withdrawn")
    page = client_for(employee).get(reverse("home")).text
    assert "2 cohorts open for enrollment now." in page
    assert "See open cohorts" in page


def test_an_unpaired_participant_of_an_active_cohort_learns_why_and_what_happens_next(client_for, employee):
    published = PartnershipFactory()  # the cohort's published pair, without this person
    enrollment = EnrollmentFactory(user=employee, cohort=published.cohort, status="approved")
    client = client_for(employee)
    page = client.get(enrollment.get_absolute_url()).text
    assert 'data-testid="enrollment-no-partner"' in page
    assert "No partner this round" in page
    assert "What happens next:" in page
    assert "not paired this round" in client.get(reverse("home")).text


def test_an_approved_participant_waiting_for_matching_is_told_the_partner_comes_by_e_mail(client_for, employee):
    enrollment = EnrollmentFactory(user=employee, cohort=CohortFactory(status="matching"), status="approved")
    page = client_for(employee).get(enrollment.get_absolute_url()).text
    assert "You will get an e-mail as soon as your partner is published" in page
    assert "No partner this round" not in page


def test_a_paired_participant_sees_the_partnership_not_the_no_partner_note(client_for):
    pair = PartnershipFactory()
    enrollment = Enrollment.objects.get(user=pair.member_a, cohort=pair.cohort)
    client = client_for(pair.member_a)
    assert 'data-testid="enrollment-no-partner"' not in client.get(enrollment.get_absolute_url()).text
    assert "not paired this round" not in client.get(reverse("home")).text
