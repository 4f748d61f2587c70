"""A program admin schedules a cohort's mid-point survey to open today; a participant (in her own browser, then at
phone width) sees it on her home page, answers it after fixing the questions she skipped, and can change it; the
admin closes it and reads the results in the cohort report, comments included, without anyone's name."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Skill
from mentoring.surveys.models import AssessmentResponse
from tests.browser.helpers import go_home, sign_in
from tests.factories import (
    ActiveCohortFactory,
    AssessmentResponseFactory,
    PartnershipFactory,
    ProgramAdminFactory,
    UserFactory,
    WantedSkillFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, question: str, answer: int) -> None:
    """Click the button of one answer (its radio input sits under the button)."""
    group = page.get_by_role("group", name=question)
    group.locator(f"input[value='{answer}'] + label").click()


def test_an_admin_runs_a_survey_a_participant_answers_and_the_report_shows_totals(
    live_server, page, browser, shots, axe_check
):
    admin = ProgramAdminFactory(full_name="Helena Ruiz")
    ana = UserFactory(full_name="Ana Costa")
    WantedSkillFactory(user=ana, skill=Skill.objects.get(name="SQL"), current_level=1, target_level=3)
    cohort = ActiveCohortFactory(name="Pilot")
    PartnershipFactory(cohort=cohort, member_a=ana, member_b=UserFactory(full_name="Ben Okafor"))
    others = [p for _ in range(2) for p in PartnershipFactory(cohort=cohort).members]
    page.set_default_timeout(10_000)

    # The program admin schedules the mid-point survey from the cohort page, to open today.
    sign_in(page, live_server, admin.email)
    page.goto(live_server.url + cohort.get_absolute_url())
    surveys = page.get_by_test_id("cohort-surveys")
    expect(surveys).to_contain_text("Not scheduled")
    axe_check()
    surveys.get_by_role("link", name="Schedule the mid-point survey").click()
    expect(page.get_by_role("heading", name="Schedule the mid-point survey", level=1)).to_be_visible()
    today = timezone.localdate()
    page.get_by_label("Opens on").fill(today.isoformat())
    page.get_by_label("Closes on").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("The survey cannot close before it opens.")).to_be_visible()
    shots("admin-schedule-error")
    axe_check()
    page.get_by_label("Closes on").fill((today + datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("The mid-point survey is open until")).to_be_visible()
    expect(page.get_by_test_id("cohort-surveys")).to_contain_text("0 of 6 participants answered (0 %)")
    shots("admin-cohort-surveys")

    survey = cohort.assessments.get()
    for person in others[:4]:
        AssessmentResponseFactory(assessment=survey, respondent=person, comment=f"Comment from {person.pk}")

    # Ana, in her own browser, finds the survey on her home page.
    ana_context = browser.new_context(viewport={"width": 1280, "height": 900})
    anas = ana_context.new_page()
    anas.set_default_timeout(10_000)
    sign_in(anas, live_server, ana.email)
    card = anas.get_by_test_id("survey-card")
    expect(card).to_contain_text("Your mid-point survey is open — 10 days left")
    shots("participant-home", on=anas)
    axe_check(on=anas)
    card.get_by_role("link", name="Answer the survey").click()
    expect(anas.get_by_role("heading", name="Mid-point survey", level=1)).to_be_visible()
    axe_check(on=anas)

    # She skips questions: each says what is missing, and nothing is saved.
    choose(anas, "How likely are you to recommend this mentoring program to a colleague?*", 9)
    anas.get_by_role("button", name="Send my answers").click()
    expect(anas.get_by_text("Some questions need an answer")).to_be_visible()
    expect(anas.get_by_text("Choose how much you agree.").first).to_be_visible()
    expect(anas.get_by_text("Rate where you stand now, from 1 to 5.")).to_be_visible()
    shots("participant-form-errors", on=anas)
    axe_check(on=anas)
    assert not AssessmentResponse.objects.filter(respondent=ana).exists()

    choose(anas, "How likely are you to recommend this mentoring program to a colleague?*", 9)
    for statement in (
        "My partner and I met as we agreed.*",
        "I learned something I now use at work.*",
        "I taught my partner something they now use.*",
        "Teaching each other worked better than one-way mentoring would have.*",
    ):
        choose(anas, statement, 4)
    choose(anas, "SQL*", 2)
    anas.get_by_label("Anything else you would like the program team to know?").fill("Please keep the program.")
    shots("participant-form-filled", on=anas)
    anas.set_viewport_size({"width": 390, "height": 844})
    shots("participant-form-phone", on=anas)
    axe_check(on=anas)
    anas.set_viewport_size({"width": 1280, "height": 900})
    anas.get_by_role("button", name="Send my answers").click()
    expect(anas.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    saved = AssessmentResponse.objects.get(respondent=ana)
    assert (saved.nps, saved.met_as_agreed, saved.skill_ratings.get().level) == (9, 4, 2)

    # She changes her mind: the form comes back filled in.
    go_home(anas)
    expect(anas.get_by_test_id("survey-answered")).to_contain_text("You answered the mid-point survey")
    anas.get_by_role("link", name="Change my answers").click()
    expect(anas.get_by_role("group", name="SQL*").get_by_role("radio", name="2")).to_be_checked()
    choose(anas, "How likely are you to recommend this mentoring program to a colleague?*", 10)
    anas.get_by_role("button", name="Save changes").click()
    expect(anas.get_by_text("Thank you: your answers are saved.")).to_be_visible()
    assert AssessmentResponse.objects.get(respondent=ana).nps == 10

    # The admin closes it and reads the results: totals, and comments without names.
    page.reload()
    expect(page.get_by_test_id("cohort-surveys")).to_contain_text("5 of 6 participants answered (83 %)")
    page.get_by_role("button", name="Close now (mid-point survey)").click()
    expect(page.get_by_text("The mid-point survey is closed.")).to_be_visible()
    page.goto(live_server.url + f"/reports/cohorts/{cohort.pk}/")
    results = page.get_by_test_id("report-survey-midpoint")
    # Five answers cannot fill the three recommendation groups: the score waits until each has five people.
    expect(results.get_by_test_id("nps")).to_contain_text("not shown: some groups have fewer than 5 people")
    expect(results.get_by_test_id("survey-comments")).to_contain_text("Please keep the program.")
    expect(results).not_to_contain_text("Ana Costa")
    results.scroll_into_view_if_needed()
    shots("admin-report")
    axe_check()

    # Closed: Ana reads her answers and can no longer change them.
    anas.reload()
    expect(anas.get_by_test_id("my-answers")).to_contain_text("10 out of 10")
    expect(anas.get_by_role("button", name="Save changes")).to_have_count(0)
    shots("participant-closed", on=anas)
    axe_check(on=anas)
    ana_context.close()
