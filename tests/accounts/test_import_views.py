"""The employee import pages: who may use them, the upload → preview → confirm flow, and bad uploads."""

import csv
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import importing
from accounts.models import EmployeeImport, User
from tests.accounts.import_helpers import PNG, make_csv, person

pytestmark = pytest.mark.django_db

ANA = "ana@northwind.example"
BEN = "ben@northwind.example"
UPLOAD = reverse("accounts:import_upload")


def csv_file(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def previewed(program_admin):
    return importing.employee_import_upload(
        file_name="people.csv", data=make_csv([person(ANA), person(BEN)]), uploaded_by=program_admin
    )


@pytest.fixture
def with_errors(program_admin):
    rows = [person(ANA, full_name="=cmd|' /C calc'!A0", timezone="Europe/Berln"), person(BEN, seniority="9")]
    return importing.employee_import_upload(file_name="bad.csv", data=make_csv(rows), uploaded_by=program_admin)


# --- Who may use the pages ----------------------------------------------------------------------

PAGES = [
    ("get", "accounts:import_upload", False),
    ("post", "accounts:import_upload", False),
    ("get", "accounts:import_template", False),
    ("get", "accounts:import_detail", True),
    ("post", "accounts:import_confirm", True),
    ("post", "accounts:import_cancel", True),
    ("get", "accounts:import_errors_csv", True),
    ("get", "accounts:import_progress", True),
    ("post", "accounts:import_retry", True),
]


def _url(name, needs_pk, employee_import):
    return reverse(name, args=[employee_import.pk]) if needs_pk else reverse(name)


@pytest.mark.parametrize(("method", "name", "needs_pk"), PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, previewed, method, name, needs_pk):
    response = getattr(client, method)(_url(name, needs_pk, previewed))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("method", "name", "needs_pk"), PAGES)
@pytest.mark.parametrize("role", ["employee", "leader"])
def test_employees_and_leaders_are_refused(request, client_for, previewed, role, method, name, needs_pk):
    client = client_for(request.getfixturevalue(role))
    response = getattr(client, method)(_url(name, needs_pk, previewed), {"file": csv_file(make_csv([person(ANA)]))})
    assert response.status_code == 403
    assert not User.objects.filter(email=ANA).exists()
    previewed.refresh_from_db()
    assert previewed.status == EmployeeImport.Status.PREVIEWED


@pytest.mark.parametrize(("name", "needs_pk"), [(n, pk) for m, n, pk in PAGES if m == "get"])
def test_program_admins_see_every_page(client_for, program_admin, previewed, name, needs_pk):
    assert client_for(program_admin).get(_url(name, needs_pk, previewed)).status_code == 200


def test_missing_import_is_404(client_for, program_admin):
    client = client_for(program_admin)
    assert client.get(reverse("accounts:import_detail", args=[999])).status_code == 404
    assert client.post(reverse("accounts:import_confirm", args=[999])).status_code == 404


def test_confirm_and_cancel_need_post(client_for, program_admin, previewed):
    client = client_for(program_admin)
    assert client.get(reverse("accounts:import_confirm", args=[previewed.pk])).status_code == 405
    assert client.get(reverse("accounts:import_cancel", args=[previewed.pk])).status_code == 405


def test_nav_offers_import_to_program_admins_only(client_for, program_admin, employee):
    assert UPLOAD.encode() in client_for(program_admin).get(reverse("home")).content
    assert UPLOAD.encode() not in client_for(employee).get(reverse("home")).content


def test_upload_without_csrf_token_is_refused(program_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(program_admin)
    response = client.post(UPLOAD, {"file": csv_file(make_csv([person(ANA)]))})
    assert response.status_code == 403
    assert not EmployeeImport.objects.exists()


# --- Upload, preview, confirm --------------------------------------------------------------------


def test_upload_shows_a_preview_and_writes_no_people(client_for, program_admin):
    client = client_for(program_admin)
    response = client.post(UPLOAD, {"file": csv_file(make_csv([person(ANA, manager_email=BEN), person(BEN)]))})
    employee_import = EmployeeImport.objects.get()
    assert response.status_code == 302
    assert response.url == employee_import.get_absolute_url()
    assert not User.objects.filter(email__in=[ANA, BEN]).exists()

    page = client.get(response.url)
    assert page.status_code == 200
    assert "accounts/import_preview.html" in [t.name for t in page.templates]
    assert page.context["import"].create_count == 2
    assert b"Import 2 rows" in page.content
    assert ANA.encode() in page.content


def test_confirm_imports_and_the_result_page_explains_how_new_people_sign_in(client_for, program_admin, previewed):
    client = client_for(program_admin)
    response = client.post(reverse("accounts:import_confirm", args=[previewed.pk]), follow=True)
    assert response.status_code == 200
    assert "accounts/import_result.html" in [t.name for t in response.templates]
    assert User.objects.filter(email__in=[ANA, BEN]).count() == 2
    content = response.content.decode()
    assert "Imported: 2 people created, 0 updated, 0 unchanged." in content
    assert "Forgot password?" in content
    assert "single sign-on" in content


def test_confirming_twice_imports_once(client_for, program_admin, previewed):
    client = client_for(program_admin)
    url = reverse("accounts:import_confirm", args=[previewed.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "already imported or cancelled" in response.content.decode()
    assert User.objects.filter(email=ANA).count() == 1


def test_confirm_refuses_when_the_file_no_longer_passes(client_for, program_admin):
    employee_import = importing.employee_import_upload(
        file_name="people.csv", data=make_csv([person(ANA, offered_skills="Tableau:2")]), uploaded_by=program_admin
    )
    from accounts.models import Skill

    Skill.objects.filter(name="Tableau").update(is_retired=True)
    response = client_for(program_admin).post(
        reverse("accounts:import_confirm", args=[employee_import.pk]), follow=True
    )
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "Tableau has been retired" in content
    assert not User.objects.filter(email=ANA).exists()


def test_cancel_leaves_people_alone(client_for, program_admin, previewed):
    response = client_for(program_admin).post(reverse("accounts:import_cancel", args=[previewed.pk]))
    assert response.status_code == 302
    previewed.refresh_from_db()
    assert previewed.status == EmployeeImport.Status.CANCELLED
    assert not User.objects.filter(email=ANA).exists()


def test_preview_of_a_file_with_errors_lists_row_column_and_message_and_offers_no_import(
    client_for, program_admin, with_errors
):
    page = client_for(program_admin).get(with_errors.get_absolute_url())
    content = page.content.decode()
    assert page.context["import"].status == EmployeeImport.Status.INVALID
    assert "“Europe/Berln” is not a known time zone; did you mean Europe/Berlin?" in content
    assert "The seniority band must be a whole number from 1 to 8, not “9”." in content
    assert [(e["row"], e["column"]) for e in page.context["errors"]] == [(2, "timezone"), (3, "seniority")]
    assert reverse("accounts:import_confirm", args=[with_errors.pk]) not in content
    assert reverse("accounts:import_errors_csv", args=[with_errors.pk]) in content


def test_confirm_of_a_file_with_errors_imports_nothing(client_for, program_admin, with_errors):
    client_for(program_admin).post(reverse("accounts:import_confirm", args=[with_errors.pk]))
    assert not User.objects.filter(email__in=[ANA, BEN]).exists()


def test_errors_csv_escapes_formula_cells(client_for, program_admin):
    value = '=HYPERLINK("http://evil.example","x")'
    employee_import = importing.employee_import_upload(
        file_name="bad.csv", data=make_csv([person(ANA, timezone=value)]), uploaded_by=program_admin
    )
    response = client_for(program_admin).get(reverse("accounts:import_errors_csv", args=[employee_import.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["row", "column", "message", "value"]
    assert lines[1][0:2] == ["2", "timezone"]
    assert lines[1][3] == "'" + value
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)


def test_names_are_html_escaped_on_the_preview(client_for, program_admin):
    employee_import = importing.employee_import_upload(
        file_name="x.csv",
        data=make_csv([person(ANA, full_name="<script>alert(1)</script>")]),
        uploaded_by=program_admin,
    )
    content = client_for(program_admin).get(employee_import.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_example_file_passes_the_import_checks(client_for, program_admin):
    response = client_for(program_admin).get(reverse("accounts:import_template"))
    plan = importing.check_file(response.content.replace(b"example.com", b"northwind.example"))
    assert plan.is_valid, plan.errors
    assert plan.counts()["create"] == 2


def test_history_lists_uploads_at_a_fixed_query_count(client_for, program_admin, django_assert_num_queries):
    client = client_for(program_admin)
    for i in range(3):
        importing.employee_import_upload(file_name=f"f{i}.csv", data=make_csv([person(ANA)]), uploaded_by=program_admin)
    # session; user; imports with uploader and committer
    with django_assert_num_queries(3):
        first = client.get(UPLOAD)
    for i in range(12):
        importing.employee_import_upload(file_name=f"g{i}.csv", data=make_csv([person(ANA)]), uploaded_by=program_admin)
    with django_assert_num_queries(3):
        second = client.get(UPLOAD)
    assert len(first.context["history"]) == 3
    assert len(second.context["history"]) == 15


def test_preview_page_costs_the_same_for_few_and_many_errors(client_for, program_admin, django_assert_num_queries):
    client = client_for(program_admin)
    few = importing.employee_import_upload(
        file_name="few.csv", data=make_csv([person("x")] * 1), uploaded_by=program_admin
    )
    many = importing.employee_import_upload(
        file_name="many.csv", data=make_csv([person(f"x{i}") for i in range(300)]), uploaded_by=program_admin
    )
    # session; user; the import; an earlier import of the same file
    with django_assert_num_queries(4):
        client.get(few.get_absolute_url())
    with django_assert_num_queries(4):
        page = client.get(many.get_absolute_url())
    assert len(page.context["errors"]) == 200
    assert "…and 100 more" in page.content.decode()


# --- Bad uploads: a message, status 400 or 413, nothing stored, never a 500 ---------------------


def bad_upload(client, data: bytes, name: str = "people.csv"):
    response = client.post(UPLOAD, {"file": csv_file(data, name)})
    assert response.status_code == 400
    assert not EmployeeImport.objects.exists()
    return response.context["form"].errors["file"][0]


def test_png_upload_is_refused(client_for, program_admin):
    assert "PNG image, not a CSV file" in bad_upload(client_for(program_admin), PNG, "photo.png")


def test_zip_upload_is_refused(client_for, program_admin):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("people.csv", make_csv([person(ANA)]))
    assert "ZIP archive" in bad_upload(client_for(program_admin), buffer.getvalue(), "people.zip")


def test_empty_upload_is_refused(client_for, program_admin):
    assert "The file is empty" in bad_upload(client_for(program_admin), b"")


def test_wrong_encoding_upload_is_refused(client_for, program_admin):
    data = make_csv([person(ANA, full_name="Zoë")]).decode().encode("latin-1")
    assert "not UTF-8" in bad_upload(client_for(program_admin), data)


def test_wrong_delimiter_upload_is_refused(client_for, program_admin):
    assert "separated by tabs" in bad_upload(client_for(program_admin), make_csv([person(ANA)], delimiter="\t"))


def test_missing_header_upload_is_refused(client_for, program_admin):
    data = make_csv([person(ANA)], header=["email", "full_name"])
    assert "missing the required columns" in bad_upload(client_for(program_admin), data)


def test_post_without_a_file_asks_for_one(client_for, program_admin):
    response = client_for(program_admin).post(UPLOAD, {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_50_mb_upload_is_refused_with_a_message_before_its_body_is_read(client_for, program_admin, monkeypatch):
    from django.http import multipartparser

    def must_not_parse(self):
        raise AssertionError("the oversized body was parsed")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", must_not_parse)
    big = make_csv([person(ANA)]) + b"x" * (50 * 1024 * 1024)
    response = client_for(program_admin).post(UPLOAD, {"file": csv_file(big)})
    assert response.status_code == 413
    assert "the largest file accepted is 10.0 MB" in response.content.decode()
    assert "50.0 MB" in response.content.decode()
    assert not EmployeeImport.objects.exists()


def test_file_just_over_the_limit_is_refused(client_for, program_admin, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    data = make_csv([person(f"p{i}@northwind.example") for i in range(20)])
    assert len(data) > 1000
    assert "the largest file accepted is" in bad_upload(client_for(program_admin), data)


def test_random_bytes_and_mangled_csv_never_give_a_500(client_for, program_admin):
    client = client_for(program_admin)
    rng = random.Random(20260503)
    good = make_csv([person(ANA, manager_email=BEN), person(BEN)])
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) for _ in range(15)]
    for _ in range(25):
        mangled = bytearray(good)
        for _ in range(rng.randrange(1, 8)):
            mangled[rng.randrange(len(mangled))] = rng.choice(b'",;\r\n\t"=:>x\xff\x00')
        samples.append(bytes(mangled))
    for data in samples:
        response = client.post(UPLOAD, {"file": csv_file(data)})
        assert response.status_code in (302, 400), (data, response.status_code)


def test_over_long_and_odd_values_are_errors_on_the_preview_never_a_500(client_for, program_admin):
    """Before: a seniority of "²" (a digit to str.isdigit(), not to int()) was a 500."""
    long_email = "a" * 282 + "@northwind.example"
    rows = [
        person(long_email, full_name="Long Address"),
        person(ANA, full_name="x" * 300, department="y" * 300, job_title="z" * 300, manager_email=long_email),
        person(BEN, seniority="²", offered_skills="Python:²", timezone="Europe/" + "x" * 293),
    ]
    response = client_for(program_admin).post(UPLOAD, {"file": csv_file(make_csv(rows))}, follow=True)
    assert response.status_code == 200
    employee_import = EmployeeImport.objects.get()
    assert employee_import.status == EmployeeImport.Status.INVALID
    assert sorted((e["row"], e["column"]) for e in employee_import.errors) == [
        (2, "email"),
        (3, "department"),
        (3, "full_name"),
        (3, "job_title"),
        (3, "manager_email"),
        (4, "offered_skills"),
        (4, "seniority"),
        (4, "timezone"),
    ]
    assert "The full name is longer than 150 characters." in response.text
    assert not User.objects.filter(email__in=[ANA, BEN]).exists()
