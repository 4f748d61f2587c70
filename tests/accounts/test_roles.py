import pytest
from django.urls import reverse

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
