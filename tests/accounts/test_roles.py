import pytest
from django.urls import reverse
from django.utils.http import urlencode

from accounts.selectors import people_with_roles
from tests.factories import SkillProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_program_admin_grants_and_removes_roles(client_for, program_admin, employee):
    client = client_for(program_admin)
    url = reverse("accounts:roles_edit", args=[employee.pk])
    client.post(url, {"is_program_admin": "on", "is_leader": "on"})
    employee.refresh_from_db()
    assert employee.is_program_admin and employee.is_leader
    client.post(url, {"is_leader": "on"})
    employee.refresh_from_db()
    assert not employee.is_program_admin and employee.is_leader


def test_program_admin_cannot_remove_their_own_admin_role(client_for, program_admin):
    response = client_for(program_admin).post(
        reverse("accounts:roles_edit", args=[program_admin.pk]), {"is_leader": "on"}, follow=True
    )
    program_admin.refresh_from_db()
    assert program_admin.is_program_admin
    assert "cannot remove your own program admin role" in response.text


def test_new_role_shows_in_navigation(client_for, program_admin, employee, client):
    client_for(program_admin).post(reverse("accounts:roles_edit", args=[employee.pk]), {"is_program_admin": "on"})
    client.force_login(employee)
    assert reverse("accounts:catalogue") in client.get(reverse("home")).text


def test_people_page_searches_by_name_email_or_department(client_for, program_admin):
    SkillProfileFactory(user=UserFactory(full_name="Zed Zimmer"), department="Logistics")
    client = client_for(program_admin)
    assert "Zed Zimmer" in client.get(reverse("accounts:people"), {"q": "logist"}).text
    assert "Zed Zimmer" not in client.get(reverse("accounts:people"), {"q": "nobody-like-this"}).text


def test_people_page_costs_the_same_queries_for_ten_times_the_people(
    client_for, program_admin, django_assert_num_queries
):
    client = client_for(program_admin)
    UserFactory.create_batch(4)
    # session + user, count for the paginator, the page of people with their profiles (one join)
    with django_assert_num_queries(4):
        client.get(reverse("accounts:people"))
    UserFactory.create_batch(40)
    with django_assert_num_queries(4):
        client.get(reverse("accounts:people"))


def test_selector_lists_admins_first():
    UserFactory(full_name="Aaron")
    admin = UserFactory(full_name="Zoe", is_program_admin=True)
    assert people_with_roles().first() == admin


def test_saving_roles_with_huge_filter_fields_saves_and_returns_to_a_sane_url(client_for, program_admin, employee):
    """Before: the filter was copied whole into the redirect, which Django refuses past 16,384 characters (400),
    after the roles were saved."""
    response = client_for(program_admin).post(
        reverse("accounts:roles_edit", args=[employee.pk]),
        {"is_leader": "on", "q": "  " + "é" * 50_000 + "  ", "page": "9" * 50_000},
    )
    employee.refresh_from_db()
    assert employee.is_leader
    assert response.status_code == 302
    # the search as the people page reads it (its first 100 characters); a page number that is no page is dropped
    assert response["Location"] == reverse("accounts:people") + "?" + urlencode({"q": "é" * 100})


def test_saving_roles_keeps_the_search_and_page_the_admin_came_from(client_for, program_admin, employee):
    response = client_for(program_admin).post(
        reverse("accounts:roles_edit", args=[employee.pk]), {"is_leader": "on", "q": " Erin ", "page": "2"}
    )
    assert response["Location"] == reverse("accounts:people") + "?q=Erin&page=2"
