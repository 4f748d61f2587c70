"""The cohort page at scale: one page of 50 people at a time, filtered by name, department and status, for the
same queries however many people enrolled."""

import pytest

from mentoring.programs.selectors import MISSING_SKILLS_SHOWN
from tests.factories import CohortFactory, EnrollmentFactory, SkillProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, program_admin):
    return client_for(program_admin)


def enroll(cohort, n, *, department="Finance", status="approved", name="Person"):
    for i in range(n):
        user = UserFactory(full_name=f"{name} {i:03d}")
        SkillProfileFactory(user=user, department=department)
        EnrollmentFactory(cohort=cohort, user=user, status=status)


def names(response) -> list[str]:
    return [row.user.full_name for row in response.context["page"]]


def test_the_second_page_shows_the_people_after_the_first_fifty(admin_client):
    cohort = CohortFactory(capacity=500)
    enroll(cohort, 60)
    first = admin_client.get(cohort.get_absolute_url())
    second = admin_client.get(cohort.get_absolute_url() + "?page=2")
    assert len(names(first)) == 50 and len(names(second)) == 10
    assert not set(names(first)) & set(names(second))
    page = first.content.decode()
    assert "People 1–50 of 60." in page and "page=2" in page
    assert "People 51–60 of 60." in second.content.decode()


def test_filters_by_name_department_and_status_and_keep_them_in_the_page_links(admin_client):
    cohort = CohortFactory(capacity=500)
    enroll(cohort, 55, department="Sales", status="applied", name="Seller")
    enroll(cohort, 3, department="Finance", name="Banker")
    assert names(admin_client.get(cohort.get_absolute_url() + "?search=banker")) == [
        "Banker 000",
        "Banker 001",
        "Banker 002",
    ]
    assert len(names(admin_client.get(cohort.get_absolute_url() + "?department=finance"))) == 3
    applied = admin_client.get(cohort.get_absolute_url() + "?status=applied&department=Sales")
    assert applied.context["page"].paginator.count == 55
    assert "department=Sales&amp;status=applied&amp;page=2" in applied.content.decode()
    nobody = admin_client.get(cohort.get_absolute_url() + "?search=nobody-by-this-name")
    assert "Nobody matches the filters." in nobody.content.decode()


def test_the_missing_skills_list_names_the_first_twenty_and_counts_the_rest(admin_client):
    cohort = CohortFactory(capacity=500)
    enroll(cohort, 25)  # nobody offers or wants a skill
    response = admin_client.get(cohort.get_absolute_url())
    assert len(response.context["missing_shown"]) == MISSING_SKILLS_SHOWN == 20
    assert "And 5 more" in response.content.decode()


def test_a_page_of_a_filtered_roster_costs_the_same_queries_for_ten_times_the_people(
    admin_client, django_assert_num_queries
):
    cohort = CohortFactory(capacity=1000)
    for n in (6, 60):
        enroll(cohort, n, department="Sales", name=f"Group of {n}")
        # session, user, cohort with program, enrollments with profiles and skill counts, pending invitations,
        # its surveys with their response counts, its required training (mentoring.community): 7
        with django_assert_num_queries(7):
            response = admin_client.get(cohort.get_absolute_url() + "?department=Sales&page=2")
        assert response.status_code == 200
    assert response.context["page"].paginator.count == 66
