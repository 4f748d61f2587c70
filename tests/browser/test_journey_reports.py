"""A leader signs in, opens Reports, a cohort's report (checked with axe) and downloads its CSV."""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.factories import LeaderFactory
from tests.reports.helpers import add_pair, cohort_with_pairs, person

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_leader_reads_a_cohort_report_and_downloads_it(live_server, page, shots, axe_check):
    leader = LeaderFactory(full_name="Laurent Dubois")
    cohort = cohort_with_pairs(5)
    add_pair(cohort, person("Legal", 3), person("HR", 5))  # two small departments: their rows are hidden

    sign_in(page, live_server, leader.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Program reports", level=1)).to_be_visible()
    shots("reports-index")
    axe_check()

    page.get_by_role("link", name=cohort.name, exact=True).click()
    expect(page.get_by_role("heading", name=f"{cohort.name}: cohort report", level=1)).to_be_visible()
    expect(page.get_by_test_id("report-privacy")).to_contain_text("fewer than 5")
    departments = page.get_by_test_id("report-departments")
    expect(departments.get_by_role("row", name="Finance")).to_contain_text("150 min")
    expect(departments.get_by_role("row", name="Legal")).to_contain_text("Figures not shown: a group of fewer than 5")
    shots("cohort-report")
    axe_check()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert ["Participation", "All", "Pairs", "6"] in rows
    assert ["By department", "Legal", "Participants", "not shown"] in rows

    page.get_by_role("link", name=cohort.program.name).click()
    expect(page.get_by_role("heading", name=f"{cohort.program.name}: all cohorts", level=1)).to_be_visible()
    shots("program-report")
    axe_check()
