"""An employee's programs lead to their partnership in each cohort once they are paired."""

import pytest
from django.urls import reverse

from mentoring.programs.models import Enrollment
from tests.factories import CohortFactory, EnrollmentFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    return PartnershipFactory(member_a=UserFactory(full_name="Ana Costa"), member_b=UserFactory(full_name="Ben Okafor"))


def test_my_programs_links_each_paired_enrollment_to_its_partnership(client_for, pair):
    other = PartnershipFactory()  # another pair in another cohort: never shown to Ana
    page = client_for(pair.member_a).get(reverse("programs:mine")).text
    assert f'href="{reverse("partnerships:detail", args=[pair.pk])}"' in page
    assert reverse("partnerships:detail", args=[other.pk]) not in page


def test_my_programs_has_no_partnership_link_before_matching(client_for, employee):
    EnrollmentFactory(user=employee, cohort=CohortFactory(status="enrolling"))
    assert "Your partnership" not in client_for(employee).get(reverse("programs:mine")).text


def test_the_enrollment_page_names_the_partner_and_links_to_the_pair(client_for, pair):
    enrollment = Enrollment.objects.get(user=pair.member_b, cohort=pair.cohort)
    page = client_for(pair.member_b).get(enrollment.get_absolute_url()).text
    assert 'data-testid="enrollment-partnership"' in page
    assert f'<a href="{reverse("partnerships:detail", args=[pair.pk])}">You and Ana Costa</a>' in page


def test_an_unpaired_enrollment_page_shows_no_partnership(client_for, pair):
    loner = EnrollmentFactory(cohort=pair.cohort, status="approved")
    page = client_for(loner.user).get(loner.get_absolute_url()).text
    assert 'data-testid="enrollment-partnership"' not in page
    assert reverse("partnerships:detail", args=[pair.pk]) not in page


def test_my_programs_still_costs_six_queries_when_paired(client_for, pair, django_assert_num_queries):
    client = client_for(pair.member_a)
    # session, user, my enrollments with waitlist places, my partnership in each cohort, open cohorts, invitations
    with django_assert_num_queries(6):
        assert client.get(reverse("programs:mine")).status_code == 200
