"""Two partners write and sign their agreement and set goals; an edit by one asks the other to sign again.

The sessions part of the journey (propose, accept, log with topics, check-ins, a 50/50 balance) follows the
same pair in the sessions app's journey.
"""

import pytest
from playwright.sync_api import expect

from mentoring.models import Agreement
from tests.factories import PASSWORD, PartnershipFactory, ProgramAdminFactory, SkillProfileFactory, UserFactory

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


def test_partners_sign_their_agreement_and_set_goals(live_server, page, shots, axe_check):
    page.set_default_timeout(10_000)
    ana, ben = UserFactory(full_name="Ana Costa"), UserFactory(full_name="Ben Okafor")
    for person in (ana, ben):
        SkillProfileFactory(user=person)
    partnership = PartnershipFactory(member_a=ana, member_b=ben)
    admin = ProgramAdminFactory(full_name="Helena Ruiz")

    # Ana writes the agreement: saving signs it for her.
    sign_in(page, live_server, ana.email)
    page.get_by_role("link", name="Write your agreement").click()
    expect(page.get_by_role("heading", name="Write the agreement with Ben Okafor")).to_be_visible()
    axe_check()
    page.get_by_role("button", name="Save and sign").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    shots("agreement-form-errors")
    page.get_by_label("Your desired outcomes").fill("Speak at the quarterly review without notes.")
    page.get_by_label("Communication channel").fill("Teams chat")
    page.get_by_label("I accept this agreement and its confidentiality pledge, and sign it").check()
    page.get_by_role("button", name="Save and sign").click()
    expect(page.get_by_text("Waiting for Ben Okafor to sign the agreement.")).to_be_visible()

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Title").fill("Present my analysis at the quarterly review")
    page.get_by_label("Progress (%)").fill("150")
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_text("Ensure this value is less than or equal to 100.")).to_be_visible()
    axe_check()
    page.get_by_label("Progress (%)").fill("20")
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_text("Goal added.")).to_be_visible()
    axe_check()
    shots("pair-page-ana")
    sign_out(page)

    # Ben cannot sign before writing his own outcomes; writing them makes a new version he signs.
    sign_in(page, live_server, ben.email)
    page.get_by_role("link", name="Sign the agreement").click()
    page.get_by_label("I accept this agreement and its confidentiality pledge").check()
    page.get_by_role("button", name="Sign version 1").click()
    expect(page.get_by_text("Add your own desired outcomes before you sign")).to_be_visible()
    page.get_by_role("link", name="Edit the agreement").click()
    page.get_by_label("Your desired outcomes").fill("Answer my own sales questions in Power BI.")
    page.get_by_label("I accept this agreement and its confidentiality pledge, and sign it").check()
    page.get_by_role("button", name="Save and sign").click()
    expect(page.get_by_text("Agreement saved and signed by you.")).to_be_visible()
    sign_out(page)

    # Ana sees what changed since she signed, and signs again.
    sign_in(page, live_server, ana.email)
    page.get_by_role("link", name="Review the changes and sign the agreement").click()
    changes = page.get_by_test_id("agreement-changes")
    expect(changes).to_contain_text("Ben Okafor's desired outcomes")
    expect(changes).to_contain_text("Answer my own sales questions in Power BI.")
    axe_check()
    shots("pair-page-changes")
    page.get_by_label("I accept this agreement and its confidentiality pledge").check()
    page.get_by_role("button", name="Sign version 2").click()
    expect(page.get_by_text("You signed the agreement.")).to_be_visible()
    expect(page.get_by_test_id("agreement-nudge")).to_have_count(0)
    agreement = Agreement.objects.get(partnership=partnership)
    assert set(agreement.signatures.filter(version=2).values_list("user__email", flat=True)) == {ana.email, ben.email}
    sign_out(page)

    # The program team sees that the pair has signed, not what it agreed.
    sign_in(page, live_server, admin.email)
    page.goto(live_server.url + f"/partnerships/cohorts/{partnership.cohort_id}/")
    expect(page.get_by_test_id("cohort-pairs")).to_contain_text("Signed by both")
    expect(page.get_by_text("Answer my own sales questions")).to_have_count(0)
    axe_check()
    shots("cohort-pairs")
