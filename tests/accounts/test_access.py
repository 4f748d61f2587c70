"""Every accounts view, tried by every role."""

import pytest
from django.urls import reverse

from accounts.models import Skill, SkillCategory
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db

ADMIN_GET_PAGES = ["accounts:catalogue", "accounts:skill_create", "accounts:skill_merge", "accounts:people"]
ADMIN_POST_ONLY = ["accounts:skill_retire", "accounts:category_create", "accounts:roles_edit"]


def admin_urls(skill_pk: int, user_pk: int):
    args = {"accounts:skill_retire": [skill_pk], "accounts:roles_edit": [user_pk], "accounts:skill_edit": [skill_pk]}
    names = [*ADMIN_GET_PAGES, "accounts:skill_edit", *ADMIN_POST_ONLY]
    return [(name, reverse(name, args=args.get(name, []))) for name in names]


def test_anonymous_is_sent_to_login_everywhere(client, employee):
    skill = SkillFactory()
    for _name, url in admin_urls(skill.pk, employee.pk):
        response = client.post(url) if _name in ADMIN_POST_ONLY else client.get(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_non_admins_get_403_on_admin_pages(client_for, request, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    skill = SkillFactory()
    for name, url in admin_urls(skill.pk, user.pk):
        response = client.post(url, {"is_program_admin": "on"}) if name in ADMIN_POST_ONLY else client.get(url)
        assert response.status_code == 403, url
    user.refresh_from_db()
    assert not user.is_program_admin


def test_program_admin_reaches_every_admin_page(client_for, program_admin):
    client = client_for(program_admin)
    skill = SkillFactory()
    for name, url in admin_urls(skill.pk, program_admin.pk):
        if name in ADMIN_POST_ONLY:
            continue
        assert client.get(url).status_code == 200, url


def test_employee_navigation_hides_admin_menu(client_for, employee):
    page = client_for(employee).get(reverse("home"))
    assert page.status_code == 200
    assert 'data-nav="admin"' not in page.text
    assert reverse("accounts:catalogue") not in page.text
    assert reverse("accounts:profile") in page.text


def test_program_admin_navigation_shows_admin_menu(client_for, program_admin):
    page = client_for(program_admin).get(reverse("home"))
    assert 'data-nav="admin"' in page.text
    assert reverse("accounts:catalogue") in page.text
    assert reverse("accounts:people") in page.text


def test_leader_navigation_hides_admin_menu(client_for, leader):
    page = client_for(leader).get(reverse("home"))
    assert 'data-nav="admin"' not in page.text


def test_django_admin_is_for_superusers_only(client_for, program_admin, client, django_user_model):
    assert client_for(program_admin).get("/django-admin/").status_code == 302
    superuser = django_user_model.objects.create_superuser(email="root@northwind.example", password="x" * 12)
    client.force_login(superuser)
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/accounts/user/").status_code == 200


def test_home_is_public_and_health_check_answers(client):
    assert client.get(reverse("home")).status_code == 200
    health = client.get(reverse("healthz"))
    assert health.status_code == 200
    assert health.json()["status"] == "ok"


def test_leaders_home_explains_the_role_while_no_report_exists(client_for, leader, employee, program_admin):
    assert 'data-testid="leader-card"' in client_for(leader).get(reverse("home")).text
    assert 'data-testid="leader-card"' not in client_for(employee).get(reverse("home")).text
    assert 'data-testid="leader-card"' not in client_for(program_admin).get(reverse("home")).text


def test_program_admins_home_leads_to_the_employee_import(client_for, program_admin, employee):
    home = reverse("home")
    assert f'href="{reverse("accounts:import_upload")}"' in client_for(program_admin).get(home).text
    assert f'href="{reverse("accounts:import_upload")}"' not in client_for(employee).get(home).text


@pytest.mark.parametrize("role", ["employee", "leader", "program_admin"])
def test_everyone_signed_in_reaches_their_own_profile_pages(client_for, request, role):
    client = client_for(request.getfixturevalue(role))
    for name in ("accounts:profile", "accounts:profile_edit"):
        assert client.get(reverse(name)).status_code == 200, name


def test_admin_pages_for_unknown_objects_are_404(client_for, program_admin):
    client = client_for(program_admin)
    assert client.get(reverse("accounts:skill_edit", args=[99999])).status_code == 404
    assert client.post(reverse("accounts:skill_retire", args=[99999]), {"retire": "1"}).status_code == 404
    assert client.post(reverse("accounts:roles_edit", args=[99999]), {"is_leader": "on"}).status_code == 404


def test_empty_posts_to_admin_forms_never_give_a_500_and_write_nothing(client_for, program_admin):
    client = client_for(program_admin)
    skill = SkillFactory(name="Negotiation basics")
    before = (Skill.objects.count(), SkillCategory.objects.count())
    for name, args in (
        ("accounts:skill_create", []),
        ("accounts:skill_edit", [skill.pk]),
        ("accounts:skill_merge", []),
        ("accounts:category_create", []),
    ):
        assert client.post(reverse(name, args=args), {}).status_code in (200, 302, 400), name
    assert (Skill.objects.count(), SkillCategory.objects.count()) == before
    skill.refresh_from_db()
    assert skill.name == "Negotiation basics"
