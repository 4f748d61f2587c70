"""A program admin sets up a program and a cohort, imports employees from a CSV (one bad row, fixed, imported
again), opens enrollment; an employee the import updated enrolls; the admin approves."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import EmployeeImport, User
from mentoring.programs.models import Cohort, Enrollment
from tests.browser.helpers import sign_in, sign_out
from tests.factories import ProgramAdminFactory, SkillProfileFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


HEADER = "email,full_name,department,job_title,seniority,manager_email,timezone,offered_skills,wanted_skills"


def employees_csv(folder, ana_email: str, *, ben_timezone: str):
    """Ana is already in Twoway (the import updates her); Laurent and Ben are new."""
    path = folder / "northwind-people.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                f"{ana_email},Ana Costa,Finance,Data Analyst,2,laurent.dubois@northwind.example,Europe/Lisbon,"
                "SQL:4; Power BI:4,Public speaking:2>4",
                "laurent.dubois@northwind.example,Laurent Dubois,Operations,Chief Operating Officer,8,,Europe/Paris,"
                "Negotiation:5,Generative AI tools:1>3",
                f"ben.okafor@northwind.example,Ben Okafor,Sales,Sales Director,7,,{ben_timezone},"
                "Public speaking:5,SQL:1>3",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_admin_sets_up_a_cohort_imports_employees_and_an_employee_enrolls(
    live_server, page, shots, axe_check, tmp_path
):
    page.set_default_timeout(10_000)
    admin = ProgramAdminFactory(full_name="Helena Ruiz")
    employee = UserFactory(full_name="Ana Costa", timezone="UTC")
    SkillProfileFactory(user=employee)
    today = datetime.date.today()

    sign_in(page, live_server, admin.email)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Program admin").click()
    nav.get_by_role("link", name="Programs", exact=True).click()
    expect(page.get_by_role("heading", name="Programs", exact=True)).to_be_visible()
    axe_check()
    shots("programs-empty")

    page.get_by_role("link", name="Create the first program").click()
    page.get_by_label("Name").fill("Reverse mentoring 2027")
    page.get_by_label("Purpose").fill("Juniors and seniors teach each other.")
    page.get_by_label("Confidentiality statement").fill("What is said in a session stays there.")
    page.get_by_label("Session length (minutes)").fill("45")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_text("Use an even number of minutes")).to_be_visible()
    axe_check()
    shots("program-form-error")

    page.get_by_label("Session length (minutes)").fill("60")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("heading", name="Reverse mentoring 2027")).to_be_visible()
    axe_check()
    shots("program-page")

    page.get_by_role("link", name="New cohort").click()
    page.locator("#id_name").fill("Pilot")
    page.get_by_label("Enrollment opens on").fill(today.isoformat())
    page.get_by_label("Enrollment closes on").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Starts on").fill((today + datetime.timedelta(days=20)).isoformat())
    page.get_by_label("Ends on").fill((today + datetime.timedelta(days=200)).isoformat())
    page.get_by_label("Capacity").fill("1")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_text("Enrollment cannot close before it opens.")).to_be_visible()
    axe_check()
    shots("cohort-form-error")

    page.get_by_label("Enrollment closes on").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_text("created as a draft")).to_be_visible()

    # The employees come from the HR system's export: one row has a misspelt time zone.
    nav.get_by_role("button", name="Program admin").click()
    nav.get_by_role("link", name="Import employees").click()
    expect(page.get_by_role("heading", name="Import employees")).to_be_visible()
    axe_check()
    shots("import-upload")
    page.get_by_label("CSV file").set_input_files(employees_csv(tmp_path, employee.email, ben_timezone="Europe/Londn"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("This file cannot be imported yet.")).to_be_visible()
    error_row = page.get_by_role("row", name="timezone")
    expect(error_row).to_contain_text("4")  # the header is row 1: Ben is row 4
    expect(error_row).to_contain_text("“Europe/Londn” is not a known time zone; did you mean Europe/London?")
    expect(page.get_by_role("button", name="Import", exact=False)).to_have_count(0)
    assert not User.objects.filter(email="ben.okafor@northwind.example").exists()
    axe_check()
    shots("import-preview-with-an-error")

    # Fixed in the spreadsheet and uploaded again: now there is something to confirm.
    page.get_by_role("link", name="upload it again").click()
    page.get_by_label("CSV file").set_input_files(employees_csv(tmp_path, employee.email, ben_timezone="Europe/London"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Import this file?")).to_be_visible()
    expect(page.get_by_text("2 people will be created and 1 updated")).to_be_visible()
    axe_check()
    shots("import-preview")
    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_text("Imported: 2 people created, 1 updated, 0 unchanged.")).to_be_visible()
    axe_check()
    shots("import-result")
    assert EmployeeImport.objects.filter(status="committed").count() == 1
    employee.refresh_from_db()
    assert employee.timezone == "Europe/Lisbon" and employee.profile.department == "Finance"
    assert User.objects.get(email="ben.okafor@northwind.example").profile.manager is None

    nav.get_by_role("button", name="Program admin").click()
    nav.get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("link", name="Reverse mentoring 2027").click()
    page.get_by_role("link", name="Pilot").click()
    page.get_by_role("button", name="Open enrollment").click()
    expect(page.get_by_text("The cohort is now enrolling.")).to_be_visible()
    axe_check()
    shots("cohort-enrolling")
    sign_out(page)

    sign_in(page, live_server, employee.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My programs").click()
    page.get_by_role("link", name="Enroll in Pilot").click()
    page.get_by_label("Your goals for this program").fill("Learn how leaders decide.")
    page.get_by_label("Your availability").fill("Tuesday mornings")
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("Please accept the confidentiality statement to take part.")).to_be_visible()
    axe_check()
    shots("enroll-error")
    page.get_by_label("I accept the confidentiality statement above").check()
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("You are enrolled.")).to_be_visible()
    axe_check()
    shots("my-enrollment")
    sign_out(page)

    sign_in(page, live_server, admin.email)
    page.goto(live_server.url + Cohort.objects.get().get_absolute_url())
    expect(page.get_by_test_id("roster").get_by_role("cell", name="Ana Costa person")).to_be_visible()
    axe_check()
    shots("cohort-with-applicant")
    page.get_by_role("button", name="Approve Ana Costa").click()
    expect(page.get_by_text("Ana Costa is approved.")).to_be_visible()
    assert Enrollment.objects.get().status == "approved"
    shots("cohort-approved")
