"""Program reports: the figures, the small-group suppression and the fixed query count of the selectors."""

import datetime

import pytest

from accounts.importing import employee_import_run
from accounts.models import User
from mentoring.core.privacy import MIN_PAIRS, MIN_PEOPLE
from mentoring.programs.models import Cohort
from mentoring.reports.selectors import (
    REPORT_QUERIES,
    Cell,
    build_report,
    expected_sessions,
    programs_with_headlines,
    suppress,
)
from tests.accounts.import_helpers import make_csv
from tests.accounts.import_helpers import person as import_person
from tests.factories import (
    ActiveCohortFactory,
    CheckInFactory,
    EnrollmentFactory,
    PartnershipFactory,
    SessionFactory,
    SkillFactory,
    SkillProfileFactory,
    UserFactory,
)


def person(department: str, band: int | None):
    user = UserFactory()
    SkillProfileFactory(user=user, department=department, seniority=band)
    return user


def add_pair(cohort, a, b, *, sessions=((30, 30),), ratings=(), teaches=(["SQL"], ["Negotiation"]), skill=None):
    """A pair of ``a`` (member A: mentors the first half) and ``b`` with held sessions of the given half minutes.

    ``ratings`` are (usefulness by A, usefulness by B) for the pair's first session.
    """
    if a.pk > b.pk:  # keep "a" as member A so the first half is theirs
        a, b = b, a
    pair = PartnershipFactory(cohort=cohort, member_a=a, member_b=b, a_teaches_b=teaches[0], b_teaches_a=teaches[1])
    held = []
    for minutes in sessions:
        session = SessionFactory(partnership=pair, held=True, halves=minutes)
        if skill:
            session.halves.update(topic_skill=skill)
        held.append(session)
    for author, usefulness in zip((a, b), ratings, strict=False):
        CheckInFactory(session=held[0], author=author, usefulness=usefulness)
    return pair


def cohort_with_pairs(n_pairs: int, *, cohort=None, department_b="Sales", skill=None):
    """n pairs: a junior (band 2, Finance) mentors for 30 minutes, a senior (band 6) for 30; all rate 4 and 5."""
    cohort = cohort or ActiveCohortFactory()
    for _ in range(n_pairs):
        add_pair(cohort, person("Finance", 2), person(department_b, 6), ratings=(4, 5), skill=skill)
    return cohort


# --- Suppression -------------------------------------------------------------------------------------


def test_the_thresholds_are_five_people_and_three_pairs():
    assert (MIN_PEOPLE, MIN_PAIRS) == (5, 3)


def test_a_cell_describing_fewer_than_five_people_reads_fewer_than_5():
    cells = suppress({"Finance": (4, 4), "Sales": (7, 7), "IT": (9, 9)})
    assert cells["Finance"].suppressed and str(cells["Finance"]) == "fewer than 5"
    assert not cells["IT"].suppressed and str(cells["IT"]) == "9"


def test_exactly_five_people_are_shown():
    cells = suppress({"Finance": (5, 5), "Sales": (6, 6)})
    assert not any(c.suppressed for c in cells.values())


def test_a_single_hidden_cell_hides_the_next_smallest_so_it_cannot_be_subtracted_from_the_total():
    cells = suppress({"Finance": (2, 2), "Sales": (6, 6), "IT": (9, 9)})
    assert [k for k, c in cells.items() if c.suppressed] == ["Finance", "Sales"]


def test_zero_describes_nobody_and_is_shown():
    cells = suppress({"Finance": (0, 0), "Sales": (6, 6)})
    assert not cells["Finance"].suppressed and cells["Finance"].text == "0"


def test_pair_cells_use_the_pair_threshold():
    cells = suppress({"a": (2, 2), "b": (3, 3), "c": (4, 4)}, threshold=MIN_PAIRS, unit="pairs")
    assert str(cells["a"]) == "fewer than 3 pairs"
    assert [k for k, c in cells.items() if c.suppressed] == ["a", "b"]


def test_a_hidden_cell_renders_as_a_note_in_html():
    assert "data-suppressed" in Cell(3, True).__html__()
    assert Cell(12, suffix=" min").__html__() == "12 min"


# --- Figures -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_participation_counts_enrollments_by_status_and_matched_people():
    cohort = cohort_with_pairs(3)
    EnrollmentFactory(cohort=cohort, status="waitlisted")
    EnrollmentFactory(cohort=cohort, status="withdrawn")
    EnrollmentFactory(cohort=cohort, status="approved")
    report = build_report([cohort])
    assert report.enrollments["approved"] == 7
    assert report.enrollments["waitlisted"] == 1
    assert report.enrollments["withdrawn"] == 1
    assert (report.participants, report.matched_people, report.pairs, report.pairs_active) == (7, 6, 3, 3)


@pytest.mark.django_db
def test_departments_with_five_people_show_their_figures_and_smaller_ones_do_not():
    cohort = cohort_with_pairs(5)  # 5 in Finance, 5 in Sales
    add_pair(cohort, person("Legal", 3), person("HR", 5))  # 1 in Legal, 1 in HR
    report = build_report([cohort])
    rows = {row.label: row for row in report.by_department}
    assert rows["Finance"].participants.value == 5 and not rows["Finance"].hidden
    assert rows["Finance"].minutes_taught.text == "150 min"
    assert rows["Finance"].average_usefulness.text == "4.0"
    assert rows["Legal"].hidden and rows["Legal"].minutes_taught.suppressed and rows["HR"].hidden
    assert not rows["Sales"].hidden


@pytest.mark.django_db
def test_one_small_department_hides_the_next_smallest_too():
    cohort = cohort_with_pairs(5)  # 5 in Finance, 5 in Sales
    add_pair(cohort, person("Sales", 3), person("Legal", 5))  # Sales 6, Legal 1
    rows = {row.label: row for row in build_report([cohort]).by_department}
    assert [label for label, row in rows.items() if row.hidden] == ["Finance", "Legal"]


@pytest.mark.django_db
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
    by_department = {row.label: row for row in build_report([cohort]).by_department}
    assert list(by_department) == ["Finance", "Sales"]
    assert by_department["Sales"].participants.value == 5 and not by_department["Sales"].hidden


@pytest.mark.django_db
def test_sessions_are_counted_by_outcome_and_compared_with_the_cadence():
    cohort = cohort_with_pairs(3)
    pair = cohort.partnerships.first()
    SessionFactory(partnership=pair, status="not_held", not_held_reason="no_show", no_show="a")
    SessionFactory(partnership=pair, status="cancelled", cancelled_late=True)
    SessionFactory(partnership=pair)  # accepted, tomorrow
    report = build_report([cohort])
    assert report.sessions["held"] == 3
    assert report.sessions["not_held_no_show"] == 1
    assert report.sessions["cancelled_late"] == 1
    assert report.sessions["upcoming"] == 1
    assert report.held_minutes == 180
    assert report.held_per_pair == 1.0


def test_the_cadence_expects_one_session_per_interval_since_the_start():
    cohort = Cohort(
        status="active", cadence="biweekly", starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 6, 1)
    )
    assert expected_sessions(cohort, datetime.date(2027, 1, 29)) == 2
    assert expected_sessions(cohort, datetime.date(2027, 1, 29), datetime.date(2026, 12, 18)) == 3
    assert expected_sessions(cohort, datetime.date(2028, 1, 1)) == 10  # counted to the end date only
    cohort.status = "enrolling"
    assert expected_sessions(cohort, datetime.date(2027, 1, 29)) == 0


@pytest.mark.django_db
def test_teaching_balance_buckets_pairs_by_the_larger_partners_share():
    cohort = ActiveCohortFactory()
    for _ in range(3):
        add_pair(cohort, person("Finance", 2), person("Sales", 6), sessions=((30, 30),))  # 50 %
    for _ in range(3):
        add_pair(cohort, person("Finance", 2), person("Sales", 6), sessions=((45, 15),))  # 75 %
    add_pair(cohort, person("Finance", 2), person("Sales", 6), sessions=((36, 24),))  # 60 %: still within 60/40
    report = build_report([cohort])
    counts = [bar.count for bar in report.balance_buckets]
    assert counts[0].value == 4 and counts[2].value == 3
    assert report.pairs_within_balance.value == 4 and report.within_balance_percent.text == "57 %"


@pytest.mark.django_db
def test_a_balance_split_with_a_small_side_is_hidden():
    cohort = cohort_with_pairs(3)
    add_pair(cohort, person("Finance", 2), person("Sales", 6), sessions=((50, 10),))
    report = build_report([cohort])
    assert report.pairs_within_balance.suppressed and report.within_balance_percent.suppressed


@pytest.mark.django_db
def test_satisfaction_averages_ratings_and_hides_ratings_given_by_few_people():
    cohort = cohort_with_pairs(5)  # members A rate 4, members B rate 5: five people each
    add_pair(cohort, person("Legal", 3), person("Legal", 5), ratings=(1,))
    report = build_report([cohort])
    assert report.checkins == 11 and report.checkin_people == 11
    assert report.average_usefulness.text == "4.2"  # 46 / 11
    by_rating = {bar.label[0]: bar for bar in report.usefulness}
    assert by_rating["5"].count.value == 5 and by_rating["5"].percent == 45
    assert by_rating["1"].count.suppressed


@pytest.mark.django_db
def test_an_average_rated_by_fewer_than_five_people_is_hidden():
    cohort = cohort_with_pairs(2)
    report = build_report([cohort])
    assert report.checkin_people == 4 and report.average_usefulness.suppressed


@pytest.mark.django_db
def test_reverse_mentoring_counts_pairs_and_minutes_where_the_junior_mentors_the_senior():
    cohort = cohort_with_pairs(5)  # juniors mentor 30 minutes each
    add_pair(cohort, person("Legal", 4), person("Legal", 4))  # same band: not reverse mentoring
    report = build_report([cohort])
    assert report.pairs_with_band_gap == 5
    assert report.reverse_pairs.value == 5 and report.reverse_minutes.text == "150 min"
    assert report.reverse_share.text == "100 %"
    [row] = report.reverse_by_band
    assert row.band.startswith("6") and row.seniors.value == 5 and row.minutes.value == 150


@pytest.mark.django_db
def test_skills_appear_once_three_pairs_exchange_them_and_rarer_ones_are_only_counted():
    cohort = cohort_with_pairs(3, skill=SkillFactory(name="Pivot tables in depth"))
    add_pair(cohort, person("Legal", 3), person("Legal", 5), teaches=(["Mandarin"], ["SQL"]))
    report = build_report([cohort])
    assert [(s.name, s.pairs.value) for s in report.planned_skills] == [("SQL", 4), ("Negotiation", 3)]
    assert report.planned_skills_hidden == 1  # Mandarin
    assert [(s.name, s.pairs.value, s.minutes.value) for s in report.session_skills] == [
        ("Pivot tables in depth", 3, 180)
    ]


@pytest.mark.django_db
def test_a_program_report_rolls_up_its_cohorts():
    first = cohort_with_pairs(2)
    cohort_with_pairs(3, cohort=ActiveCohortFactory(program=first.program))
    report = build_report(first.program.cohorts.all())
    assert report.is_program
    assert (report.pairs, report.matched_people, report.sessions["held"]) == (5, 10, 5)
    assert report.reverse_pairs.value == 5


@pytest.mark.django_db
def test_the_report_costs_the_same_queries_for_ten_times_the_pairs(django_assert_num_queries):
    small = cohort_with_pairs(2)
    big = cohort_with_pairs(20)
    for cohort in (small, big):
        # 0 first pair's date, 1 enrollments, 2 pair aggregate, 3 reverse by band, 4 sessions by outcome,
        # 5 minutes by department/band, 6 ratings, 7 raters, 8 ratings by department, 9 by band,
        # 10 session topic skills, 11 the matches' skill lists.
        with django_assert_num_queries(REPORT_QUERIES):
            build_report([cohort])
    assert build_report([big]).pairs == 20


@pytest.mark.django_db
def test_the_index_costs_the_same_queries_for_ten_times_the_cohorts(django_assert_num_queries):
    cohort_with_pairs(1)
    # programs, their cohorts (prefetch), participants, pairs, held sessions, ratings: 6
    with django_assert_num_queries(6):
        programs_with_headlines()
    for _ in range(10):
        cohort_with_pairs(2)
    with django_assert_num_queries(6):
        result = programs_with_headlines()
    assert len(result) == 11
