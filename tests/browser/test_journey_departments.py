"""A program admin tidies departments from People and roles: merges two, renames one (axe on each page)."""

import pytest
from playwright.sync_api import expect

from accounts.models import SkillProfile
from tests.browser.helpers import sign_in
from tests.factories import ProgramAdminFactory, SkillProfileFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_program_admin_merges_and_renames_departments(live_server, page, shots, axe_check):
    admin = ProgramAdminFactory(full_name="Helena Ruiz")
    for name, count in (("HR", 2), ("Human Resources", 3), ("customer success", 2)):
        for _ in range(count):
            SkillProfileFactory(user=UserFactory(), department=name)

    sign_in(page, live_server, admin.email)
    page.goto(live_server.url + "/me/manage/people/")
    page.get_by_role("link", name="Departments").last.click()
    expect(page.get_by_role("heading", name="Departments", level=1)).to_be_visible()
    expect(page.get_by_role("row", name="HR")).to_contain_text("2")
    shots("departments")
    axe_check()

    page.get_by_label("Merge this department…").select_option("HR")
    page.get_by_label("…into this one").select_option("HR")
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Choose two different departments.")).to_be_visible()
    shots("merge-error")
    axe_check()
    page.get_by_label("…into this one").select_option("Human Resources")
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("HR is merged into Human Resources: 2 people moved.")).to_be_visible()
    expect(page.get_by_role("row", name="Human Resources")).to_contain_text("5")

    page.get_by_role("link", name="Rename customer success").click()
    expect(page.get_by_role("heading", name="Rename customer success", level=1)).to_be_visible()
    page.get_by_label("New name").fill("human resources")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_text("“Human Resources” is another department already")).to_be_visible()
    shots("rename-error")
    axe_check()
    page.get_by_label("New name").fill("Customer  Success ")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_text("customer success is now called Customer Success: 2 people.")).to_be_visible()
    shots("renamed")

    assert sorted(set(SkillProfile.objects.values_list("department", flat=True))) == [
        "Customer Success",
        "Human Resources",
    ]
