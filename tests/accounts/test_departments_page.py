"""The Departments page (program admins): head counts, rename, merge, bad input and who may use it."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.models import SkillProfile
from tests.factories import SkillProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:departments")
MERGE = reverse("accounts:department_merge")


def rename_url(name: str) -> str:
    return reverse("accounts:department_rename") + "?" + urlencode({"name": name})


def people_in(name: str, count: int = 1) -> list[SkillProfile]:
    return [SkillProfileFactory(user=UserFactory(), department=name) for _ in range(count)]


def departments() -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in SkillProfile.objects.values_list("department", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return counts


@pytest.fixture
def admin_client(client_for, program_admin):
    return client_for(program_admin)


@pytest.fixture
def sales_and_hr():
    people_in("Sales", 3)
    people_in("HR", 2)
    people_in("Human Resources", 1)


# --- Who may use it --------------------------------------------------------------------------------------

REQUESTS = [("get", LIST, {}), ("get", MERGE, {}), ("post", MERGE, {"source": "HR", "target": "Human Resources"})]


def every_request():
    return [*REQUESTS, ("get", rename_url("HR"), {}), ("post", rename_url("HR"), {"new_name": "People"})]


def test_anonymous_visitors_are_sent_to_sign_in(client, sales_and_hr):
    for method, url, data in every_request():
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login"))
    assert departments() == {"Sales": 3, "HR": 2, "Human Resources": 1}


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_employees_and_leaders_are_refused(request, client_for, sales_and_hr, role):
    client = client_for(request.getfixturevalue(role))
    for method, url, data in every_request():
        assert getattr(client, method)(url, data).status_code == 403, url
    assert departments() == {"Sales": 3, "HR": 2, "Human Resources": 1}


def test_program_admins_find_it_from_the_menu_and_the_people_page(admin_client):
    assert LIST in admin_client.get(reverse("home")).text
    assert LIST in admin_client.get(reverse("accounts:people")).text


def test_employees_are_not_offered_the_page(client_for, employee):
    assert LIST not in client_for(employee).get(reverse("home")).text


# --- The list --------------------------------------------------------------------------------------------


def test_the_list_shows_each_department_with_its_head_count(admin_client, sales_and_hr):
    SkillProfileFactory(user=UserFactory(), department="")
    response = admin_client.get(LIST)
    assert response.status_code == 200
    assert [(d.name, d.people) for d in response.context["departments"]] == [
        ("HR", 2),
        ("Human Resources", 1),
        ("Sales", 3),
    ]
    assert response.context["unnamed"] == 1
    assert "1 skill profile names no department." in response.text
    assert reverse("accounts:department_rename") + "?name=Human%20Resources" in response.text


def test_the_list_without_departments_says_so(admin_client):
    response = admin_client.get(LIST)
    assert "Nobody has named a department yet." in response.text
    assert "Merging needs two departments." in response.text


@pytest.mark.parametrize("scale", [1, 10])
def test_the_list_costs_the_same_queries_for_ten_times_the_people_and_departments(
    admin_client, django_assert_num_queries, scale
):
    for i in range(3 * scale):
        people_in(f"Department {i}", 2)
    # session, user, the departments with their head counts (one grouped query)
    with django_assert_num_queries(3):
        response = admin_client.get(LIST)
    assert len(response.context["departments"]) == 3 * scale


# --- Rename ----------------------------------------------------------------------------------------------


def test_renaming_moves_everyone_in_the_department(admin_client, sales_and_hr):
    response = admin_client.post(rename_url("Sales"), {"new_name": "  Sales  and Marketing "}, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Sales is now called Sales and Marketing: 3 people." in response.text
    assert departments() == {"Sales and Marketing": 3, "HR": 2, "Human Resources": 1}


def test_renaming_may_change_only_the_capitals(admin_client):
    people_in("human resources", 2)
    admin_client.post(rename_url("human resources"), {"new_name": "Human Resources"})
    assert departments() == {"Human Resources": 2}


def test_the_rename_page_shows_the_current_name_and_head_count(admin_client, sales_and_hr):
    response = admin_client.get(rename_url("Sales"))
    assert response.status_code == 200
    assert "Rename Sales" in response.text
    assert "3 people are in this department" in response.text
    assert 'value="Sales"' in response.text


@pytest.mark.parametrize(
    ("new_name", "message"),
    [
        ("", "This field is required."),
        ("    ", "This field is required."),
        ("x" * 121, "at most 120 characters"),
        ("Sales", "That is already its name."),
        ("human resources", "“Human Resources” is another department already; merge HR into it instead."),
        ("SALES ", "“Sales” is another department already; merge HR into it instead."),
    ],
)
def test_a_bad_new_name_is_a_field_error_and_changes_nothing(admin_client, sales_and_hr, new_name, message):
    name = "Sales" if new_name == "Sales" else "HR"
    response = admin_client.post(rename_url(name), {"new_name": new_name})
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text and "is-invalid" in response.text
    assert departments() == {"Sales": 3, "HR": 2, "Human Resources": 1}


def test_renaming_a_department_nobody_is_in_is_404(admin_client, sales_and_hr):
    assert admin_client.get(rename_url("Marketing")).status_code == 404
    assert admin_client.post(rename_url("Marketing"), {"new_name": "Brand"}).status_code == 404
    assert admin_client.get(reverse("accounts:department_rename")).status_code == 404


# --- Merge -----------------------------------------------------------------------------------------------


def test_merging_moves_everyone_into_the_other_department(admin_client, sales_and_hr):
    response = admin_client.post(MERGE, {"source": "HR", "target": "Human Resources"}, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "HR is merged into Human Resources: 2 people moved." in response.text
    assert departments() == {"Sales": 3, "Human Resources": 3}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"source": "HR", "target": "HR"}, "target", "Choose two different departments."),
        ({"source": "", "target": "HR"}, "source", "This field is required."),
        ({"source": "HR", "target": "Marketing"}, "target", "Select a valid choice."),
        ({"source": "Nobody", "target": "HR"}, "source", "Select a valid choice."),
    ],
)
def test_a_bad_merge_is_a_field_error_and_changes_nothing(admin_client, sales_and_hr, data, field, message):
    response = admin_client.post(MERGE, data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert message in response.text
    assert departments() == {"Sales": 3, "HR": 2, "Human Resources": 1}


def test_the_merge_page_offers_the_departments_in_use(admin_client, sales_and_hr):
    response = admin_client.get(MERGE)
    assert response.status_code == 200
    assert '<option value="Human Resources">Human Resources</option>' in response.text
