"""Participation: enrollments, participants and pairs, by department and by band; its fixed query count."""

import pytest

from accounts.importing import employee_import_run
from accounts.models import User
from mentoring.reports.sections.participation import participation
from tests.accounts.import_helpers import make_csv
from tests.accounts.import_helpers import person as import_person
from tests.factories import ActiveCohortFactory, EnrollmentFactory
from tests.reports.helpers import add_pair, cohort_with_pairs, person

pytestmark = pytest.mark.django_db


def by_label(rows) -> dict:
    return {row.label: row for row in rows}


def test_participation_counts_enrollments_by_status_and_matched_people():
    cohort = cohort_with_pairs(3)
    EnrollmentFactory(cohort=cohort, status="waitlisted")
    EnrollmentFactory(cohort=cohort, status="withdrawn")
    EnrollmentFactory(cohort=cohort, status="approved")
    p = participation([cohort])
    assert {status: cell.text for status, cell in p.enrollments.items()} == {
        "applied": "0",
        "approved": "7",
        "waitlisted": "1",
        "withdrawn": "1",
        "alumni": "0",
    }
    assert [c.text for c in (p.participants, p.matched_people, p.pairs, p.pairs_active)] == ["7", "6", "3", "3"]


def test_departments_with_five_people_show_their_figures_and_smaller_ones_do_not():
    cohort = cohort_with_pairs(5)  # 5 in Finance, 5 in Sales
    add_pair(cohort, person("Legal", 3), person("HR", 5))  # 1 in Legal, 1 in HR
    rows = by_label(participation([cohort]).by_department)
    assert rows["Finance"].participants.value == 5 and not rows["Finance"].hidden
    assert rows["Finance"].minutes_taught.text == "150 min"
    assert rows["Finance"].average_usefulness.text == "4.0"
    assert rows["Legal"].hidden and rows["Legal"].minutes_taught.suppressed and rows["HR"].hidden
    assert not rows["Sales"].hidden


def test_one_small_department_hides_the_next_smallest_too():
    cohort = cohort_with_pairs(5)  # 5 in Finance, 5 in Sales
    add_pair(cohort, person("Sales", 3), person("Legal", 5))  # Sales 6, Legal 1
    rows = by_label(participation([cohort]).by_department)
    assert [label for label, row in rows.items() if row.hidden] == ["Finance", "Legal"]


def test_a_hidden_group_hides_every_figure_of_its_row_and_reads_like_any_other_hidden_group():
    cohort = cohort_with_pairs(5)
    add_pair(cohort, person("Sales", 3), person("Legal", 5))
    rows = by_label(participation([cohort]).by_department)
    finance, legal = rows["Finance"], rows["Legal"]  # 5 people hidden as the complement, 1 person
    assert [c.text for c in vars(finance).values() if hasattr(c, "text")] == ["not shown"] * 5
    assert [c.text for c in vars(finance).values() if hasattr(c, "text")] == [
        c.text for c in vars(legal).values() if hasattr(c, "text")
    ]


def test_with_a_single_department_the_totals_it_would_give_away_are_hidden():
    cohort = ActiveCohortFactory()
    add_pair(cohort, person("Finance", 2), person("Finance", 6))
    EnrollmentFactory(cohort=cohort, user=person("Finance", 3), status="approved")  # 3 participants, all Finance
    p = participation([cohort])
    assert [row.label for row in p.by_department] == ["Finance"] and p.by_department[0].hidden
    assert p.participants.suppressed and p.enrollments["approved"].suppressed  # approved + alumni = participants
    assert p.matched_people.suppressed and p.held_minutes.suppressed
    assert p.participants.value == 3  # kept for the report's own sums


def test_a_group_matched_by_fewer_than_five_hides_its_minutes_with_its_matched_count():
    cohort = cohort_with_pairs(5)  # 5 in Finance, 5 in Sales, all matched
    add_pair(cohort, person("IT", 3), person("IT", 5))
    for _ in range(4):  # IT: 6 take part, 2 matched
        EnrollmentFactory(cohort=cohort, user=person("IT", 2), status="approved")
    rows = by_label(participation([cohort]).by_department)
    it, finance = rows["IT"], rows["Finance"]
    assert it.participants.text == "6" and it.matched.suppressed and it.minutes_taught.suppressed
    # Finance's matched people are the next smallest: hidden with their minutes, its head count still shown.
    assert finance.participants.text == "5" and finance.matched.suppressed and finance.minutes_learned.suppressed
    assert rows["Sales"].matched.text == "5" and rows["Sales"].minutes_taught.text == "150 min"


def test_spellings_of_one_department_are_one_row_of_the_report():
    # Written through the import (and the profile form, which shares the rule): before, "Sales",
    # "sales " and "SALES" were three rows of fewer than 5 people each.
    rows = [
        import_person(f"s{i}@northwind.example", department=name)
        for i, name in enumerate(["Sales", "sales ", "SALES", "Sales", " sales", *["Finance"] * 5])
    ]
    employee_import_run(file_name="people.csv", data=make_csv(rows))
    cohort = ActiveCohortFactory()
    for user in User.objects.filter(profile__isnull=False):
        EnrollmentFactory(cohort=cohort, user=user, status="approved")
    by_department = by_label(participation([cohort]).by_department)
    assert list(by_department) == ["Finance", "Sales"]
    assert by_department["Sales"].participants.value == 5 and not by_department["Sales"].hidden


def test_participation_costs_the_same_queries_for_ten_times_the_people(django_assert_num_queries):
    small, big = cohort_with_pairs(2), cohort_with_pairs(20)
    for cohort in (small, big):
        # enrollments by status, department, band and matched; held minutes by the mentor's and mentee's
        # department and band; ratings by the author's department and band; the pairs by state: 4
        with django_assert_num_queries(4):
            participation([cohort])
    assert participation([big]).pairs.value == 20
