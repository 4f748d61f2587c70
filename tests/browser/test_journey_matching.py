"""A program admin runs matching from the cohort page, breaks one pair, locks another, re-runs (following the
progress bar while a worker matches), compares the runs and publishes (following the pairs a worker publishes); a
partner signs in and reads why they were matched on their pair's page."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from matching import selectors, services, tasks
from matching.models import MatchRun
from matching.services import runs
from mentoring.programs.models import Cohort
from tests.browser.helpers import sign_in, sign_out
from tests.factories import ProgramAdminFactory
from tests.matching.cohort_helpers import add_person, matching_cohort

pytestmark = pytest.mark.django_db(transaction=True)


def pilot():
    """Ana-Ben and Chloé-Dan are the best pairs; Fay could partner Chloé (less well); Eve wants what nobody offers."""
    cohort = matching_cohort(name="Pilot")
    people = {
        "ana": add_person(cohort, "Ana Costa", offers={"SQL": 4}, wants={"Negotiation": 1}, department="Finance"),
        "ben": add_person(
            cohort, "Ben Okafor", offers={"Negotiation": 5}, wants={"SQL": 1}, department="Sales", seniority=7
        ),
        "chloe": add_person(
            cohort, "Chloé Martin", offers={"Python": 4}, wants={"Storytelling": 1}, department="Engineering"
        ),
        "dan": add_person(
            cohort, "Dan Brown", offers={"Storytelling": 5}, wants={"Python": 1}, department="Marketing", seniority=6
        ),
        "fay": add_person(
            cohort, "Fay Lopez", offers={"Storytelling": 3}, wants={"Python": 2}, department="Operations"
        ),
        "eve": add_person(cohort, "Eve Adams", offers={"SQL": 3}, wants={"Tableau": 1}, department="Sales"),
    }
    return cohort, people


def test_admin_runs_adjusts_reruns_and_publishes_and_a_partner_reads_why(
    live_server, page, shots, axe_check, monkeypatch
):
    page.set_default_timeout(15_000)
    admin = ProgramAdminFactory(full_name="Helena Ruiz")
    cohort, people = pilot()

    sign_in(page, live_server, admin.email)
    page.goto(live_server.url + cohort.get_absolute_url())
    expect(page.get_by_role("heading", name="Pilot")).to_be_visible()
    page.get_by_test_id("run-matching").get_by_role("button", name="Run matching").click()

    expect(page.get_by_role("heading", name="Run #1")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Run #1: 4 of 6 people paired. Review it.")).to_be_visible()
    pairs = page.get_by_test_id("proposal-pairs")
    expect(pairs.get_by_role("row", name="Ana Costa ⇄ Ben Okafor")).to_be_visible()
    expect(pairs.get_by_role("row", name="Chloé Martin ⇄ Dan Brown")).to_be_visible()
    unmatched = page.get_by_test_id("unmatched")
    expect(unmatched).to_contain_text("Nobody in this cohort offers what Eve Adams wants: Tableau")
    expect(unmatched).to_contain_text("Fay Lopez")
    expect(page.get_by_test_id("supply-demand")).to_contain_text("Storytelling")
    pairs.get_by_role("row", name="Ana Costa ⇄ Ben Okafor").get_by_text("Why").click()
    expect(pairs.get_by_text("Ana Costa teaches Ben Okafor SQL (level 4 to 1)").first).to_be_visible()
    axe_check()
    shots("proposal-run-1")

    # Chloé and Dan sit in the same project meetings every day: break them; keep Ana and Ben.
    page.get_by_role("button", name="Break Chloé Martin and Dan Brown").click()
    expect(page.get_by_role("status").filter(has_text="Broke Chloé Martin ⇄ Dan Brown")).to_be_visible()
    expect(page.locator('[data-total="matched"]')).to_have_text("2 of 6")
    page.get_by_role("button", name="Lock Ana Costa and Ben Okafor").click()
    expect(page.get_by_role("status").filter(has_text="later runs keep this pair")).to_be_visible()
    rules = page.get_by_test_id("pair-rules")
    expect(rules.get_by_role("row", name="Ana Costa ⇄ Ben Okafor")).to_contain_text("locked together")
    expect(rules.get_by_role("row", name="Chloé Martin ⇄ Dan Brown")).to_contain_text("never paired")
    axe_check()
    shots("proposal-after-break-and-lock")

    # A bad hand-made pair is refused in place: the same person twice.
    by_hand = page.get_by_role("region", name="Pair two people by hand")
    by_hand.get_by_label("First person").select_option(label="Eve Adams")
    by_hand.get_by_label("Second person").select_option(label="Eve Adams")
    by_hand.get_by_role("button", name="Pair them").click()
    expect(page.get_by_role("region", name="Pair two people by hand")).to_contain_text("Choose two different people.")
    axe_check()

    # Re-run as a large cohort would: queued for a worker, with a progress bar that follows it.
    monkeypatch.setattr(runs, "INLINE_MAX_PEOPLE", 0)
    monkeypatch.setattr(runs, "launch", lambda run: None)  # the "worker" below picks it up
    page.get_by_role("button", name="Re-run, keeping locks and exclusions").click()
    expect(page.get_by_role("heading", name="Run #2")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Progress of run #2")).to_be_visible()
    expect(page.get_by_test_id("run-stage")).to_contain_text("Queued")
    axe_check()
    shots("run-2-queued")
    second = MatchRun.objects.get(cohort=cohort, number=2)
    services.match_run_execute(run_id=second.pk)  # the worker
    expect(page.get_by_test_id("proposal-pairs")).to_be_visible()  # the page reloaded itself
    pairs = page.get_by_test_id("proposal-pairs")
    expect(pairs.get_by_role("row", name="Ana Costa ⇄ Ben Okafor")).to_contain_text("locked")
    expect(pairs.get_by_role("row", name="Chloé Martin ⇄ Fay Lopez")).to_be_visible()
    expect(page.get_by_test_id("unmatched")).to_contain_text("Dan Brown")
    shots("proposal-run-2")

    page.get_by_role("link", name="Run #1", exact=True).last.click()
    expect(page.get_by_role("heading", name="Run #1 and run #2")).to_be_visible()
    expect(page.get_by_test_id("only-second")).to_contain_text("Chloé Martin ⇄ Fay Lopez")
    axe_check()
    shots("compare-runs")
    page.get_by_role("link", name="Run #2").first.click()

    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish run #2?")).to_be_visible()
    axe_check()
    shots("publish-confirm")
    # Publishing is a Celery task: queued for a worker, and the run page counts the pairs it has published.
    queued = []
    monkeypatch.setattr(tasks.publish_run, "apply_async", lambda kwargs: queued.append(kwargs))  # the "worker" below
    page.get_by_role("button", name="Publish and notify the partners").click()
    expect(page.get_by_role("status").filter(has_text="Run #2 is publishing 2 pairs in the background")).to_be_visible()
    expect(page.get_by_role("heading", name="Publishing 2 pairs")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Progress of run #2")).to_be_visible()
    expect(page.get_by_test_id("run-stage")).to_have_text("Publishing… 0 of 2 pairs, waiting for a worker")
    expect(page.get_by_role("link", name="Publish…")).to_have_count(0)  # the proposal can't change meanwhile
    axe_check()
    shots("run-2-publishing-queued")
    assert queued == [{"run_id": second.pk, "base_url": live_server.url + "/"}]
    # Halfway, the worker's count (kept in the cache: its transaction is invisible until it commits).
    cache.set(selectors.publish_progress_key(second.pk), {"done": 1, "total": 2})
    expect(page.get_by_test_id("run-stage")).to_have_text("Publishing… 1 of 2 pairs")
    expect(page.get_by_role("progressbar", name="Progress of run #2")).to_have_attribute("aria-valuenow", "50")
    shots("run-2-publishing-halfway")
    tasks.publish_run.apply(kwargs=queued[0])  # the worker: publish it all, in one transaction
    expect(page.get_by_role("status").filter(has_text="Run #2 is published: 2 partnerships")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Published: these pairs are partnerships now")).to_be_visible()
    axe_check()
    shots("run-2-published")
    page.get_by_role("link", name="the cohort's matching page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching · Pilot Active")
    expect(page.get_by_test_id("published-pairs")).to_contain_text("Chloé Martin ⇄ Fay Lopez")
    axe_check()
    shots("cohort-matching-after-publishing")
    assert Cohort.objects.get(pk=cohort.pk).status == "active"
    sign_out(page)

    # Fay reads why she was matched with Chloé.
    sign_in(page, live_server, people["fay"].email)
    page.get_by_role("link", name="You and Chloé Martin").click()
    why = page.get_by_role("region", name="Why you were matched")
    why.get_by_text("How the match was scored").click()
    expect(why.get_by_text("Score:", exact=False)).to_be_visible()
    expect(why).to_contain_text("Chloé Martin teaches Fay Lopez Python (level 4 to 2)")
    expect(why).to_contain_text("Fay Lopez teaches Chloé Martin Storytelling (level 3 to 1)")
    axe_check()
    shots("partner-reads-why")
