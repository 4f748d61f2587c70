"""A new employee signs up, verifies their e-mail and fills in a skill profile, as a person would."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import SkillProfile, User

pytestmark = pytest.mark.django_db(transaction=True)


# The browser says it is in Lisbon: sign-up picks that up, so the profile starts in the right time zone.
@pytest.mark.browser_context_args(timezone_id="Europe/Lisbon")
def test_new_employee_signs_up_verifies_and_fills_a_skill_profile(live_server, page, shots, axe_check, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.ALLOWED_SIGNUP_DOMAINS = ["northwind.example"]
    page.set_default_timeout(10_000)

    page.goto(live_server.url)
    axe_check()
    shots("welcome")
    page.get_by_role("link", name="Sign up with your work e-mail").click()

    # A private address is refused with a clear message.
    page.get_by_label("Full name").fill("Ana Costa")
    page.get_by_label("Email").fill("ana@gmail.com")
    page.locator("#id_password1").fill("a-long-passphrase!")
    page.locator("#id_password2").fill("a-long-passphrase!")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_text("Sign up with your company e-mail address")).to_be_visible()
    shots("signup-refused-domain")

    page.get_by_label("Email").fill("ana@northwind.example")
    page.locator("#id_password1").fill("a-long-passphrase!")
    page.locator("#id_password2").fill("a-long-passphrase!")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    shots("verify-your-email")

    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    page.goto(live_server.url + path)
    shots("confirm-email")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Hello, Ana Costa")).to_be_visible()
    axe_check()
    shots("home-after-verification")

    page.get_by_role("link", name="Complete my profile").click()
    page.get_by_label("Job title").fill("Data Analyst")
    page.get_by_label("Department").fill("Finance")
    page.get_by_label("Seniority band").select_option(label="2 · Associate")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    page.get_by_label("Location").fill("Lisbon")
    page.get_by_label("Short bio").fill("I build the finance dashboards.")
    offered = page.locator("[data-formset=offered]")
    offered.get_by_label("Skill").first.select_option(label="SQL")
    offered.get_by_label("Your level").first.select_option(label="4 · Advanced")
    offered.get_by_role("button", name="+ Add another skill").click()
    offered.get_by_label("Skill").nth(1).select_option(label="Power BI")
    offered.get_by_label("Your level").nth(1).select_option(label="5 · Expert")
    wanted = page.locator("[data-formset=wanted]")
    wanted.get_by_label("Skill").first.select_option(label="Negotiation")
    wanted.get_by_label("Your level now").first.select_option(label="3 · Practitioner")
    # The bad input: aiming below where you already are.
    wanted.get_by_label("Level you aim for").first.select_option(label="2 · Beginner")
    page.get_by_label("Tuesday").check()
    axe_check()
    shots("profile-filled-with-a-mistake")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Aim above your current level")).to_be_visible()
    expect(page.get_by_text("Nothing was saved yet")).to_be_visible()
    shots("profile-error-shown")
    assert not SkillProfile.objects.filter(user__email="ana@northwind.example").exists()

    page.locator("[data-formset=wanted]").get_by_label("Level you aim for").first.select_option(label="4 · Advanced")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your skill profile is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ana Costa")).to_be_visible()
    expect(page.get_by_text("Power BI")).to_be_visible()
    expect(page.get_by_text("from 3 · Practitioner to 4 · Advanced")).to_be_visible()
    axe_check()
    shots("profile-saved")

    user = User.objects.get(email="ana@northwind.example")
    assert sorted(user.offered_skills.values_list("skill__name", flat=True)) == ["Power BI", "SQL"]
    assert user.timezone == "Europe/Lisbon"
    assert len(list(shots.folder.iterdir())) == 8
