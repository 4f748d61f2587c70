"""The program console's cohort page leads to the cohort's pairs and sessions pages once it has pairs."""

import pytest
from django.urls import reverse

from tests.factories import ActiveCohortFactory, CohortFactory, EnrollmentFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def links_on_cohort_page(client, cohort) -> tuple[bool, bool]:
    body = client.get(cohort.get_absolute_url()).content.decode()
    pairs = f'href="{reverse("sessions_log:cohort_pairs", args=[cohort.pk])}"' in body
    sessions = f'href="{reverse("sessions_log:cohort_overview", args=[cohort.pk])}"' in body
    return pairs, sessions


@pytest.mark.parametrize("status", ["matching", "active", "closed"])
def test_a_cohort_with_pairs_links_to_its_pairs_and_sessions(client_for, program_admin, status):
    partnership = PartnershipFactory(cohort=ActiveCohortFactory(status=status))
    assert links_on_cohort_page(client_for(program_admin), partnership.cohort) == (True, True)


@pytest.mark.parametrize("status", ["draft", "enrolling", "matching"])
def test_a_cohort_without_pairs_has_no_such_links(client_for, program_admin, status):
    cohort = CohortFactory(status=status)
    EnrollmentFactory.create_batch(2, cohort=cohort, status="approved")
    assert links_on_cohort_page(client_for(program_admin), cohort) == (False, False)


def test_an_active_cohort_page_asks_once_whether_it_has_pairs(client_for, program_admin, django_assert_num_queries):
    cohort = PartnershipFactory().cohort
    client = client_for(program_admin)
    # session, user, cohort with program, enrollments with profiles and skill counts, pairs exist?, invitations,
    # surveys, required training modules
    with django_assert_num_queries(8):
        assert client.get(cohort.get_absolute_url()).status_code == 200


def test_the_linked_pairs_page_is_404_for_an_unknown_cohort(client_for, program_admin):
    response = client_for(program_admin).get(reverse("sessions_log:cohort_pairs", args=[99999]))
    assert response.status_code == 404


def test_the_sessions_overview_leads_back_to_the_cohort_and_across_to_its_pairs(client_for, program_admin):
    cohort = PartnershipFactory().cohort
    body = client_for(program_admin).get(reverse("sessions_log:cohort_overview", args=[cohort.pk])).content.decode()
    assert f'href="{cohort.get_absolute_url()}"' in body
    assert f'href="{reverse("sessions_log:cohort_pairs", args=[cohort.pk])}"' in body
