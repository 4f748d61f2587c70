"""Two partners, each in their own browser, sign their agreement (an edit by one asks the other to sign again) and
set goals; one proposes a session, the other accepts; each picks the topic of the half they are mentee in; they
log the session, both fill in check-ins, and the teaching balance shows 50/50. The program team sees only the
pair's signed state and its totals.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Skill
from mentoring.partnerships.models import Agreement
from sessions_log.models import CheckIn, Session
from tests.browser.helpers import go_home, sign_in
from tests.factories import (
    PartnershipFactory,
    ProgramAdminFactory,
    SkillProfileFactory,
    UserFactory,
    WantedSkillFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_partners_agree_meet_log_and_check_in_and_see_a_balanced_split(live_server, page, browser, shots, axe_check):
    ana, ben = UserFactory(full_name="Ana Costa"), UserFactory(full_name="Ben Okafor")
    for person in (ana, ben):
        SkillProfileFactory(user=person)
    WantedSkillFactory(user=ben, skill=Skill.objects.get(name="SQL"), current_level=1, target_level=3)
    partnership = PartnershipFactory(member_a=ana, member_b=ben)
    admin = ProgramAdminFactory(full_name="Helena Ruiz")

    # Each person in their own browser context: Ana in `page`, Ben and later the program admin in their own.
    ben_context = browser.new_context(viewport={"width": 1280, "height": 900})
    bens = ben_context.new_page()
    for each in (page, bens):
        each.set_default_timeout(10_000)
    sign_in(page, live_server, ana.email)
    sign_in(bens, live_server, ben.email)

    # Ana writes the agreement: saving signs it for her.
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

    # Ben cannot sign before writing his own outcomes; writing them makes a new version he signs.
    go_home(bens)
    bens.get_by_role("link", name="Sign the agreement").click()
    bens.get_by_label("I accept this agreement and its confidentiality pledge").check()
    bens.get_by_role("button", name="Sign version 1").click()
    expect(bens.get_by_text("Add your own desired outcomes before you sign")).to_be_visible()
    bens.get_by_role("link", name="Edit the agreement").click()
    bens.get_by_label("Your desired outcomes").fill("Answer my own sales questions in Power BI.")
    bens.get_by_label("I accept this agreement and its confidentiality pledge, and sign it").check()
    bens.get_by_role("button", name="Save and sign").click()
    expect(bens.get_by_text("Agreement saved and signed by you.")).to_be_visible()

    # Ana sees what changed since she signed, and signs again.
    go_home(page)
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

    # Ana proposes a session for tomorrow at 10:00 her time; the form first refuses a time in the past.
    page.get_by_role("link", name="Propose a session").click()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label(re.compile(r"^\s*Date")).fill(yesterday.isoformat())
    page.get_by_label(re.compile(r"^\s*Time")).fill("10:00")
    page.get_by_label("Place or video link").fill("Room 4.12")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("That time is in the past.")).to_be_visible()
    axe_check()
    shots("session-form-past")
    # She offers three times: tomorrow at 10:00, 14:00 and 16:00 her time; each shows on Ben's clock (the same zone).
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page.get_by_label(re.compile(r"^\s*Date")).fill(tomorrow)
    for n, time in ((2, "14:00"), (3, "16:00")):
        page.get_by_label(re.compile(rf"^\s*{'Second' if n == 2 else 'Third'} date")).fill(tomorrow)
        page.get_by_label(re.compile(rf"^\s*{'Second' if n == 2 else 'Third'} time")).fill(time)
        page.get_by_label(re.compile(rf"^\s*{'Second' if n == 2 else 'Third'} time")).dispatch_event("change")
        expect(page.locator(f"#partner-clock-{n}")).to_contain_text(f"{time} for you is {time} for Ben Okafor")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("You offered 3 times; waiting for Ben Okafor to pick one.")).to_be_visible()
    axe_check()
    shots("session-proposed")
    session = Session.objects.get(partnership=partnership)

    # Ben answers from his home page's next action: he picks the second time, and then the topic of the half he is
    # mentee in.
    go_home(bens)
    bens.get_by_role("link", name="Respond to a proposed time").click()
    expect(bens.get_by_text("Ana Costa offered 3 times")).to_be_visible()
    bens.get_by_role("radio").nth(1).check()
    bens.get_by_role("button", name="Accept the time I picked").click()
    expect(bens.get_by_text("Accepted.")).to_be_visible()
    session.refresh_from_db()
    assert session.start == session.offered_times.order_by("start")[1].start
    bens.get_by_role("link", name="Choose your topic").click()
    bens.get_by_label("One of the skills you want to learn").select_option(label="SQL")
    bens.get_by_role("button", name="Save").click()
    expect(bens.get_by_text("Topic saved.")).to_be_visible()
    axe_check(on=bens)
    shots("session-accepted-ben", on=bens)

    # Ana picks hers in her own words.
    page.reload()
    expect(page.get_by_role("row", name="First half")).to_contain_text("SQL")
    page.get_by_role("link", name="Choose your topic").click()
    page.get_by_label("Or in your own words").fill("Speaking without slides")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Topic saved.")).to_be_visible()

    # A legitimate test step instead of waiting: the session has taken place, so move its hour into the past.
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    Session.objects.filter(pk=session.pk).update(start=start, end=start + datetime.timedelta(minutes=60))

    # Ana logs it as held with the planned equal halves, then fills in her check-in.
    page.reload()
    page.get_by_role("link", name="Log what happened").click()
    page.get_by_label("Yes, we met").check()
    expect(page.get_by_label("First half: Ana Costa mentors Ben Okafor")).to_have_value("30")
    page.get_by_label("Second half: Ben Okafor mentors Ana Costa").fill("")
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_text("Give the minutes of this half (0 if it did not happen).")).to_be_visible()
    axe_check()
    shots("session-log-error")
    page.get_by_label("Second half: Ben Okafor mentors Ana Costa").fill("30")
    page.get_by_role("button", name="Save the log").click()
    expect(page.get_by_text("Logged as held. Now fill in your check-in while it is fresh.")).to_be_visible()
    page.get_by_role("button", name="Send the check-in").click()
    expect(page.get_by_text("Choose how useful the session was, from 1 to 5.")).to_be_visible()
    axe_check()
    shots("check-in-error")
    page.get_by_text("5", exact=True).click()
    page.get_by_label("What I learned").fill("How Ben opens a pitch.")
    page.get_by_label("What I taught").fill("Joins on our CRM tables.")
    page.get_by_label("Present my analysis at the quarterly review (%)").fill("35")
    page.get_by_role("button", name="Send the check-in").click()
    expect(page.get_by_text("Thank you: your check-in is saved.")).to_be_visible()

    # Ben fills in his from the home page's next action.
    go_home(bens)
    bens.get_by_role("link", name="Check-in due").click()
    bens.get_by_text("4", exact=True).click()
    bens.get_by_label("What I learned").fill("Where our pipeline data lives.")
    bens.get_by_role("button", name="Send the check-in").click()
    expect(bens.get_by_text("Thank you: your check-in is saved.")).to_be_visible()
    assert sorted(CheckIn.objects.values_list("usefulness", flat=True)) == [4, 5]

    # Each taught for half the time: the balance says so on both pair pages.
    page.get_by_role("link", name="You and Ben Okafor").click()
    balance = page.locator("#balance")
    expect(balance).to_contain_text("From the minutes logged in 1 held session")
    expect(balance.get_by_role("img", name="Mentoring minutes: you 50%, Ben Okafor 50%")).to_be_visible()
    expect(balance.get_by_role("row", name="You")).to_contain_text("30 min")
    expect(page.locator("#sessions")).to_contain_text("Speaking without slides")
    axe_check()
    shots("pair-page-balanced")
    bens.get_by_role("link", name="You and Ana Costa").click()
    expect(
        bens.locator("#balance").get_by_role("img", name="Mentoring minutes: you 50%, Ana Costa 50%")
    ).to_be_visible()
    shots("pair-page-balanced-ben", on=bens)
    ben_context.close()

    # The program team sees that the pair has signed and met, not what it agreed or wrote.
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    admins = admin_context.new_page()
    admins.set_default_timeout(10_000)
    sign_in(admins, live_server, admin.email)
    admins.goto(live_server.url + partnership.cohort.get_absolute_url())
    admins.get_by_role("link", name="Pairs", exact=True).click()
    pairs = admins.get_by_test_id("cohort-pairs")
    expect(pairs).to_contain_text("Signed by both")
    expect(pairs.get_by_role("row", name="Ana Costa ⇄ Ben Okafor")).to_contain_text("Within 60/40")
    expect(admins.get_by_text("Answer my own sales questions")).to_have_count(0)
    axe_check(on=admins)
    shots("cohort-pairs", on=admins)
    admins.get_by_role("link", name="Sessions and check-ins").click()
    expect(admins.get_by_text("Average 4.5 / 5 from 2 check-ins.")).to_be_visible()
    expect(admins.get_by_text("How Ben opens a pitch.")).to_have_count(0)
    axe_check(on=admins)
    shots("cohort-sessions", on=admins)
    admin_context.close()
