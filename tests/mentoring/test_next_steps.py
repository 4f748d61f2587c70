"""Home and enrollment pages tell a person what is next, without pointing at steps already taken."""

import pytest
from django.urls import reverse

from tests.factories import CohortFactory, EnrollmentFactory

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
