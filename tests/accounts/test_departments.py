"""One spelling per department: the rule, the migration's merge, and every path that writes a department."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.urls import reverse

from accounts import importing
from accounts.departments import (
    DepartmentSpellings,
    choose_spelling,
    clean_department,
    department_key,
    department_spelling,
    merge_department_variants,
)
from accounts.models import SkillProfile, User
from matching.scoring import department_key as engine_department_key
from tests.accounts.import_helpers import HEADER, make_csv, person
from tests.accounts.test_profile import profile_data
from tests.factories import SkillProfileFactory, UserFactory

ANA = "ana@northwind.example"
BEN = "ben@northwind.example"
CY = "cy@northwind.example"


def in_department(name: str) -> SkillProfile:
    return SkillProfileFactory(user=UserFactory(), department=name)


def departments() -> list[str]:
    return sorted(SkillProfile.objects.values_list("department", flat=True))


# --- The rule --------------------------------------------------------------------------------------------


def test_cleaning_trims_and_collapses_whitespace():
    assert clean_department("  Sales \t and\n  Marketing ") == "Sales and Marketing"
    assert clean_department("   ") == clean_department(None) == ""


def test_the_key_ignores_capitals_and_spaces_like_the_matching_engine():
    for a, b in [("Sales", " SALES "), ("Sales  Ops", "sales ops"), ("Straße", "STRASSE")]:
        assert department_key(a) == department_key(b) == engine_department_key(a) == engine_department_key(b)
    assert department_key("Sales") != department_key("Sales Ops")


def test_accounts_and_the_matching_engine_share_one_department_rule():
    assert engine_department_key is department_key


def test_the_most_used_spelling_wins_and_a_tie_goes_to_the_first_alphabetically():
    assert choose_spelling({"sales": 3, "Sales": 2}) == "sales"
    assert choose_spelling({"sales": 2, "SALES": 2, "Sales": 2}) == "SALES"


def test_a_typed_department_takes_the_spelling_in_use_and_a_new_one_keeps_its_first_spelling():
    spellings = DepartmentSpellings({"Sales": 4, "sales": 1, "": 7})
    assert spellings.spelling("  sales ") == "Sales"
    assert spellings.spelling("SALES") == "Sales"
    assert spellings.spelling("Human  Resources") == "Human Resources"
    assert spellings.spelling("HUMAN RESOURCES") == "Human Resources"
    assert spellings.spelling("  ") == ""


@pytest.mark.django_db
def test_one_persons_own_entry_does_not_hold_the_spelling_they_are_correcting():
    only = in_department("it")
    assert department_spelling("IT", profile=only) == "IT"
    in_department("it")
    assert department_spelling("IT", profile=only) == "it"


@pytest.mark.django_db
def test_looking_up_a_spelling_is_one_query_and_an_empty_value_none(django_assert_num_queries):
    in_department("Sales")
    with django_assert_num_queries(1):
        assert department_spelling("sales") == "Sales"
    with django_assert_num_queries(0):
        assert department_spelling("  ") == ""


# --- The data migration ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_merges_variants_into_the_most_common_spelling():
    for name in ["Sales", "Sales", "sales ", "SALES", "Finance", "finance", "  IT  ", "Human  Resources", ""]:
        in_department(name)

    renames = merge_department_variants(SkillProfile)

    assert renames == {
        "sales ": "Sales",
        "SALES": "Sales",
        "finance": "Finance",  # one each: "Finance" comes first alphabetically
        "  IT  ": "IT",
        "Human  Resources": "Human Resources",
    }
    assert departments() == ["", "Finance", "Finance", "Human Resources", "IT", "Sales", "Sales", "Sales", "Sales"]


@pytest.mark.django_db
def test_the_merge_costs_one_query_plus_one_update_per_variant_whatever_the_head_count(django_assert_num_queries):
    for _ in range(20):
        in_department("Sales")
        in_department("sales")
    in_department("SALES")
    # the spellings with their counts; one UPDATE for "sales" (20 people) and one for "SALES"
    with django_assert_num_queries(3):
        merge_department_variants(SkillProfile)
    # 20 each: the tie goes to "Sales"
    assert set(departments()) == {"Sales"}


@pytest.mark.django_db
def test_the_migration_runs_the_merge():
    in_department("Sales")
    in_department("sales")
    migration = importlib.import_module("accounts.migrations.0004_merge_department_variants")
    migration.merge_variants(global_apps, None)
    assert departments() == ["Sales", "Sales"]


# --- Every write path ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_profile_form_stores_the_spelling_in_use(client_for, employee):
    in_department("Sales")
    response = client_for(employee).post(
        reverse("accounts:profile_edit"), profile_data(**{"profile-department": " sales "})
    )
    assert response.status_code == 302
    assert employee.profile.department == "Sales"


@pytest.mark.django_db
def test_the_profile_form_suggests_the_departments_in_use(client_for, employee):
    in_department("Sales")
    page = client_for(employee).get(reverse("accounts:profile_edit")).text
    assert 'list="department-options"' in page
    assert '<datalist id="department-options"><option value="Sales"></option></datalist>' in page


@pytest.mark.django_db
def test_the_profile_form_refuses_a_department_of_only_spaces(client_for, employee):
    response = client_for(employee).post(
        reverse("accounts:profile_edit"), profile_data(**{"profile-department": "   "})
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not SkillProfile.objects.filter(user=employee).exists()


@pytest.mark.django_db
def test_django_admin_stores_the_spelling_in_use(client, django_user_model):
    in_department("Sales")
    profile = in_department("Finance")
    superuser = django_user_model.objects.create_superuser(email="root@northwind.example", password="x" * 12)
    client.force_login(superuser)
    url = reverse("admin:accounts_skillprofile_change", args=[profile.pk])
    data = {
        "user": profile.user_id,
        "job_title": "Analyst",
        "department": "SALES  ",
        "seniority": "3",
        "meeting_mode": "either",
        "preferred_weekdays": "[]",
        "preferred_times": "[]",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.department == "Sales"


@pytest.mark.django_db
def test_the_import_stores_the_spelling_in_use_and_the_first_spelling_of_a_new_department(program_admin):
    in_department("Sales")
    rows = [
        person(ANA, department="sales"),
        person(BEN, department="Customer  Success"),
        person(CY, department="customer success"),
    ]
    employee_import = importing.employee_import_upload(
        file_name="people.csv", data=make_csv(rows), uploaded_by=program_admin
    )
    assert employee_import.preview["department_notes"] == [
        {"from": "sales", "to": "Sales", "rows": 1, "spaces_only": False},
        {"from": "Customer  Success", "to": "Customer Success", "rows": 1, "spaces_only": True},
        {"from": "customer success", "to": "Customer Success", "rows": 1, "spaces_only": False},
    ]
    importing.employee_import_commit(employee_import=employee_import, committed_by=program_admin)
    stored = dict(User.objects.filter(email__in=[ANA, BEN, CY]).values_list("email", "profile__department"))
    assert stored == {ANA: "Sales", BEN: "Customer Success", CY: "Customer Success"}


@pytest.mark.django_db
def test_importing_a_known_department_in_other_capitals_changes_nobody(program_admin):
    SkillProfileFactory(user=UserFactory(email=ANA, full_name="Ana"), department="Sales", job_title="Analyst")
    plan = importing.check_file(make_csv([person(ANA, full_name="Ana", department="SALES")], header=HEADER[:7]))
    assert [(r.action, r.changes, r.department) for r in plan.rows] == [("unchanged", [], "Sales")]


@pytest.mark.django_db
def test_the_import_preview_says_which_departments_took_the_spelling_in_use(client_for, program_admin):
    in_department("Sales")
    client = client_for(program_admin)
    rows = [person(ANA, department="sales"), person(BEN, department="SALES"), person(CY, department="Sales  Ops")]
    upload = importing.employee_import_upload(file_name="people.csv", data=make_csv(rows), uploaded_by=program_admin)
    page = client.get(upload.get_absolute_url()).text
    assert "will be written the way they are already spelt" in page
    assert '“<span class="text-pre">sales</span>” → <strong>Sales</strong> (1 row)' in page
    assert '“<span class="text-pre">SALES</span>” → <strong>Sales</strong> (1 row)' in page
    assert (
        '“<span class="text-pre">Sales  Ops</span>” → <strong>Sales Ops</strong> (1 row; extra spaces removed)' in page
    )


@pytest.mark.django_db
def test_the_import_preview_has_no_department_note_when_everything_is_spelt_as_in_use(client_for, program_admin):
    in_department("Finance")
    upload = importing.employee_import_upload(
        file_name="people.csv", data=make_csv([person(ANA)]), uploaded_by=program_admin
    )
    assert upload.preview["department_notes"] == []
    assert 'data-testid="department-notes"' not in client_for(program_admin).get(upload.get_absolute_url()).text


@pytest.mark.django_db
def test_the_import_command_stores_the_spelling_in_use_and_says_so(tmp_path, capsys):
    in_department("Sales")
    path = tmp_path / "people.csv"
    path.write_bytes(make_csv([person(ANA, department="  SALES"), person(BEN, department="sales")]))
    call_command("import_employees", str(path))
    out = capsys.readouterr().out
    assert "Departments written as already spelt: “SALES” → Sales (1 row); “sales” → Sales (1 row)" in out
    assert set(User.objects.filter(email__in=[ANA, BEN]).values_list("profile__department", flat=True)) == {"Sales"}
