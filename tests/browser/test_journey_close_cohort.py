"""A program admin closes an active cohort: the cohort page leads to a page that says what closing does; a wrong
name changes nothing; the cohort's name closes it."""

import pytest
from playwright.sync_api import expect

from mentoring.programs.models import CohortStatus
from tests.browser.helpers import sign_in
from tests.factories import ActiveCohortFactory, PartnershipFactory, ProgramAdminFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_reads_what_closing_does_and_closes_the_cohort_by_typing_its_name(live_server, page, shots, axe_check):
    admin = ProgramAdminFactory()
    cohort = ActiveCohortFactory(name="Spring 2027", program__name="Reverse mentoring")
    for _ in range(3):
        SessionFactory(partnership=PartnershipFactory(cohort=cohort), invitation_sent=True)
    sign_in(page, live_server, admin.email)

    page.goto(live_server.url + cohort.get_absolute_url())
    shots("cohort-active")
    page.get_by_role("link", name="Close the cohort…").click()
    expect(page.get_by_role("heading", name="Close Spring 2027?")).to_be_visible()
    effects = page.get_by_test_id("closing-effects")
    expect(effects).to_contain_text("3 pairs end.")
    expect(effects).to_contain_text("3 sessions still to come are cancelled")
    expect(effects).to_contain_text("6 people")
    expect(effects).to_contain_text("6 approved participants become alumni")
    axe_check()
    shots("cohort-close")

    page.get_by_label("Type the cohort's name to confirm").fill("Spring 2026")
    page.get_by_role("button", name="Close the cohort").click()
    expect(page.get_by_text("That is not this cohort's name")).to_be_visible()
    axe_check()
    shots("cohort-close-wrong-name")
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.ACTIVE

    page.get_by_label("Type the cohort's name to confirm").fill("spring 2027")
    page.get_by_role("button", name="Close the cohort").click()
    expect(page.get_by_text("The cohort is now closed.")).to_be_visible()
    shots("cohort-closed")
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.CLOSED
