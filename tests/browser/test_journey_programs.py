"""A program admin sets up a program and a cohort and opens enrollment; an employee enrolls; the admin approves."""

import datetime

import pytest
from playwright.sync_api import expect

from mentoring.models import Cohort, Enrollment
from tests.factories import PASSWORD, ProgramAdminFactory, SkillProfileFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def sign_out(page):
    page.locator("nav .dropdown-menu-end").get_by_role("button", name="Sign out", include_hidden=True).evaluate(
        "button => button.form.submit()"
    )
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()


def test_admin_runs_a_cohort_and_an_employee_enrolls(live_server, page, shots, axe_check):
    page.set_default_timeout(10_000)
    admin = ProgramAdminFactory(full_name="Helena Ruiz")
    employee = UserFactory(full_name="Ana Costa")
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
