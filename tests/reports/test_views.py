"""Program report pages: who may read them, that they never show private text, the CSV export, query counts."""

import pytest
from django.urls import reverse

from tests.factories import (
    ActiveCohortFactory,
    AgreementFactory,
    GoalFactory,
    SessionNoteFactory,
    UserFactory,
)
from tests.reports.helpers import add_pair, cohort_with_pairs, person, read_csv

PRIVATE = {
    "note": "PRIVATE-NOTE-the-reorg-rumour",
    "learned": "PRIVATE-LEARNED-how-to-read-a-balance-sheet",
    "taught": "PRIVATE-TAUGHT-negotiation-tricks",
    "next_time": "PRIVATE-NEXT-bring-real-numbers",
    "outcomes": "PRIVATE-OUTCOME-get-promoted",
    "boundaries": "PRIVATE-BOUNDARY-no-salary-talk",
    "goal": "PRIVATE-GOAL-lead-the-Q3-review",
    "agenda": "PRIVATE-AGENDA-budget",
}


@pytest.fixture
def cohort(db):
    return cohort_with_pairs(5)


def urls(cohort) -> list[str]:
    return [
        reverse("reports:index"),
        reverse("reports:program", args=[cohort.program_id]),
        reverse("reports:program_csv", args=[cohort.program_id]),
        reverse("reports:cohort", args=[cohort.pk]),
        reverse("reports:cohort_csv", args=[cohort.pk]),
    ]


# --- Access ----------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, cohort):
    for url in urls(cohort):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_employees_may_not_read_reports(client_for, employee, cohort):
    client = client_for(employee)
    for url in urls(cohort):
        assert client.get(url).status_code == 403, url


def test_a_partner_in_the_cohort_may_not_read_its_report(client_for, cohort):
    client = client_for(cohort.partnerships.first().member_a)
    assert client.get(reverse("reports:cohort", args=[cohort.pk])).status_code == 403


@pytest.mark.parametrize("role", ["leader", "program_admin"])
def test_leaders_and_program_admins_read_every_report(request, client_for, cohort, role):
    client = client_for(request.getfixturevalue(role))
    for url in urls(cohort):
        assert client.get(url).status_code == 200, url


def test_superusers_read_reports(client_for, cohort):
    client = client_for(UserFactory(is_superuser=True))
    assert client.get(reverse("reports:cohort", args=[cohort.pk])).status_code == 200


def test_unknown_programs_and_cohorts_are_404(client_for, leader):
    client = client_for(leader)
    for name in ("reports:program", "reports:program_csv", "reports:cohort", "reports:cohort_csv"):
        assert client.get(reverse(name, args=[99999])).status_code == 404, name


def test_the_reports_nav_item_shows_for_leaders_and_program_admins_only(client_for, employee, leader, program_admin):
    link = f'href="{reverse("reports:index")}"'
    assert link not in client_for(employee).get("/").content.decode()
    assert link in client_for(leader).get("/").content.decode()
    assert link in client_for(program_admin).get("/").content.decode()


def test_the_leaders_home_card_links_to_the_reports(client_for, leader):
    page = client_for(leader).get("/").content.decode()
    card = page[page.index('data-testid="leader-card"') :]
    assert reverse("reports:index") in card[: card.index("</section>")]
    assert "No report is available yet" not in page


# --- Confidentiality ---------------------------------------------------------------------------------


@pytest.fixture
def cohort_with_private_text(cohort):
    """Every kind of private text, written by the partners of one pair of the cohort."""
    pair = cohort.partnerships.select_related("member_a", "member_b").first()
    session = pair.sessions.first()
    session.agenda = PRIVATE["agenda"]
    session.save(update_fields=["agenda"])
    SessionNoteFactory(session=session, author=pair.member_a, text=PRIVATE["note"])
    checkin = pair.sessions.first().checkins.get(author=pair.member_a)
    for name in ("learned", "taught", "next_time"):
        setattr(checkin, name, PRIVATE[name])
    checkin.shared_with_program_team = True  # even shared answers stay out of reports
    checkin.save()
    AgreementFactory(partnership=pair, outcomes_a=PRIVATE["outcomes"], boundaries=PRIVATE["boundaries"])
    GoalFactory(partnership=pair, title=PRIVATE["goal"], notes=PRIVATE["note"] + "-goal")
    return cohort


@pytest.mark.parametrize("role", ["leader", "program_admin"])
def test_no_report_shows_private_text_names_or_addresses(request, client_for, cohort_with_private_text, role):
    cohort = cohort_with_private_text
    client = client_for(request.getfixturevalue(role))
    people = [p for pair in cohort.partnerships.select_related("member_a", "member_b") for p in pair.members]
    for url in urls(cohort):
        body = client.get(url).content.decode()
        for text in PRIVATE.values():
            assert text not in body, (url, text)
        for member in people:
            assert member.full_name not in body and member.email not in body, (url, member.email)


# --- Pages -------------------------------------------------------------------------------------------------


def test_the_cohort_report_shows_the_figures_and_explains_hidden_cells(client_for, leader, cohort):
    add_pair(cohort, person("Legal", 3), person("HR", 5))
    response = client_for(leader).get(reverse("reports:cohort", args=[cohort.pk]))
    page = response.content.decode()
    assert response.context["report"].participation.pairs.value == 6
    assert "Figures not shown: a group of fewer than 5 people, or hidden with one" in page  # Legal and HR rows
    assert "a figure about fewer than 5 people (or 3 pairs), none included, reads “not shown”" in page
    assert "Finance" in page and "Sales" in page


def test_the_index_lists_every_program_with_its_cohorts(client_for, leader, cohort):
    draft = ActiveCohortFactory(program=cohort.program, status="draft", name="Autumn")
    page = client_for(leader).get(reverse("reports:index")).content.decode()
    assert cohort.program.name in page
    assert reverse("reports:cohort", args=[cohort.pk]) in page
    assert reverse("reports:cohort", args=[draft.pk]) in page and "Draft" in page


# --- CSV -----------------------------------------------------------------------------------------------------


def test_the_csv_export_holds_the_aggregate_tables(client_for, leader, cohort):
    response = client_for(leader).get(reverse("reports:cohort_csv", args=[cohort.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["section", "group", "measure", "value"]
    assert ["Participation", "All", "Pairs", "5"] in rows
    assert ["By department", "Finance", "Minutes taught", "150"] in rows
    assert ["Reverse mentoring", "All", "Pairs where the junior partner mentored", "5"] in rows


def test_the_csv_writes_not_shown_for_hidden_cells(client_for, leader, cohort):
    add_pair(cohort, person("Legal", 3), person("HR", 5))
    rows = read_csv(client_for(leader).get(reverse("reports:cohort_csv", args=[cohort.pk])))
    assert ["By department", "Legal", "Participants", "not shown"] in rows
    assert ["By department", "Legal", "Minutes taught", "not shown"] in rows


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client_for, leader):
    cohort = ActiveCohortFactory()
    for _ in range(5):
        add_pair(cohort, person("=HYPERLINK(1)", 2), person("@SUM", 6))
    rows = read_csv(client_for(leader).get(reverse("reports:cohort_csv", args=[cohort.pk])))
    groups = {row[1] for row in rows}
    assert "'=HYPERLINK(1)" in groups and "'@SUM" in groups
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# --- Query counts ------------------------------------------------------------------------------------------


def test_the_cohort_report_page_costs_the_same_queries_for_ten_times_the_rows(
    client_for, leader, django_assert_num_queries
):
    client = client_for(leader)
    small, big = cohort_with_pairs(2), cohort_with_pairs(20)
    client.get(reverse("reports:cohort", args=[small.pk]))  # warm up the session
    for cohort in (small, big):
        # session + user (2), the cohort with its program (1), the report (10), the survey results (3)
        with django_assert_num_queries(16):
            client.get(reverse("reports:cohort", args=[cohort.pk]))


def test_the_program_report_and_csv_cost_the_same_queries_for_ten_times_the_cohorts(
    client_for, leader, django_assert_num_queries
):
    client = client_for(leader)
    small = cohort_with_pairs(2)
    big = cohort_with_pairs(2)
    for _ in range(9):
        cohort_with_pairs(2, cohort=ActiveCohortFactory(program=big.program))
    client.get(reverse("reports:index"))
    for program_id in (small.program_id, big.program_id):
        # session + user (2), the program (1), its cohorts (1), the report (10), the survey results (3)
        with django_assert_num_queries(17):
            client.get(reverse("reports:program", args=[program_id]))
        with django_assert_num_queries(17):
            client.get(reverse("reports:program_csv", args=[program_id]))


def test_the_index_page_costs_the_same_queries_for_ten_times_the_programs(
    client_for, leader, django_assert_num_queries
):
    client = client_for(leader)
    cohort_with_pairs(1)
    client.get(reverse("reports:index"))
    # session + user (2), programs, cohorts, participants, pairs, held sessions, ratings (6)
    with django_assert_num_queries(8):
        client.get(reverse("reports:index"))
    for _ in range(10):
        cohort_with_pairs(2)
    with django_assert_num_queries(8):
        client.get(reverse("reports:index"))
