"""The outside review's attacks on small-group suppression, each run against the pages and the CSV a leader gets.

Each test does what the reviewer did: read what is published and add or subtract it (``worked_out``) to recover a
figure that is hidden, or compare two downloads. They do not read how the report hides anything.
"""

from fractions import Fraction

import pytest
from django.urls import reverse

from tests.factories import (
    ActiveCohortFactory,
    AssessmentFactory,
    AssessmentResponseFactory,
    CheckInFactory,
    EnrollmentFactory,
    PartnershipFactory,
)
from tests.reports.helpers import add_pair, cohort_with_pairs, csv_figures, person, worked_out

pytestmark = pytest.mark.django_db

RATINGS = ["5 · very useful", "4 · useful", "3 · somewhat", "2 · a little", "1 · not useful"]


def cohort_csv(client, cohort) -> dict:
    return csv_figures(client.get(reverse("reports:cohort_csv", args=[cohort.pk])))


def breakdown(total: tuple, parts: list[tuple]) -> dict:
    """A total is the sum of its parts."""
    return {total: 1, **dict.fromkeys(parts, -1)}


# --- Finding 1: with one non-empty group the total is the hidden cell ----------------------------------------


def test_with_every_participant_in_one_small_department_no_total_gives_its_size_away(client_for, leader):
    cohort = ActiveCohortFactory()
    add_pair(cohort, person("Finance", 2), person("Finance", 6))
    EnrollmentFactory(cohort=cohort, user=person("Finance", 3), status="approved")  # 3 participants, all Finance
    client = client_for(leader)
    figures = cohort_csv(client, cohort)
    finance = [key for key in figures if key[0] == "By department"]
    assert {key[1] for key in finance} == {"Finance"}
    equations = [
        breakdown(
            ("Participation", "All", "Participants (approved or alumni)"),
            [("By department", "Finance", "Participants")],
        ),
        breakdown(
            ("Participation", "All", "Participants (approved or alumni)"),
            [("Participation", "Enrollments", "Approved"), ("Participation", "Enrollments", "Alumni")],
        ),
        breakdown(("Participation", "All", "Matched people"), [("By department", "Finance", "Matched people")]),
        breakdown(("Sessions", "All", "Minutes in held sessions"), [("By department", "Finance", "Minutes taught")]),
        breakdown(("Sessions", "All", "Minutes in held sessions"), [("By department", "Finance", "Minutes learned")]),
    ]
    assert worked_out(equations, figures) == {}
    page = client.get(reverse("reports:cohort", args=[cohort.pk])).content.decode()
    assert 'Participants</p><p class="fs-4 mb-0">3</p>' not in page  # the headline card


# --- Finding 2: an average beside hidden cells gives them away ------------------------------------------------


def test_a_statements_average_and_the_recommendation_score_do_not_give_hidden_answers_away(client_for, leader):
    cohort = ActiveCohortFactory()
    people = [member for _ in range(4) for member in PartnershipFactory(cohort=cohort).members]
    survey = AssessmentFactory(cohort=cohort)
    # 6 answers: "met as agreed" 5 five times and 2 once; recommendation 10, 10, 9, 9, 9 and 0.
    for who, met, nps in zip(people, [5, 5, 5, 5, 5, 2], [10, 10, 9, 9, 9, 0], strict=False):
        AssessmentResponseFactory(assessment=survey, respondent=who, met_as_agreed=met, nps=nps)
    client = client_for(leader)
    figures = cohort_csv(client, cohort)
    statement, section = "My partner and I met as we agreed.", "Mid-point survey"
    answered = (section, "All", "Answered")
    answers = [key for key in figures if key[:2] == (section, statement) and key[2] != "Average (1-5)"]
    average = figures[section, statement, "Average (1-5)"]
    equations = [breakdown(answered, answers)]
    if average != "not shown" and average.replace(".", "").isdigit():
        # the average times the answers is the sum of each answer times how many gave it
        equations.append({answered: -Fraction(average), **{key: i + 1 for i, key in enumerate(answers)}})
    groups = [key for key in figures if key[:2] == (section, "Recommendation groups")]
    equations.append(breakdown(answered, groups))
    score = (section, "All", "Net Promoter Score (-100 to 100)")
    if figures[score].lstrip("-").isdigit():
        # the score is 100 × (promoters - detractors) / answered
        equations.append({score: Fraction(figures[answered]), groups[0]: -100, groups[2]: 100})
    assert worked_out(equations, figures) == {}


# --- Finding 3: the CSV before and after one new check-in -----------------------------------------------------


def test_one_new_check_in_rated_in_a_hidden_cell_changes_nothing_but_the_count_of_check_ins(client_for, leader):
    cohort = cohort_with_pairs(5)  # ratings 4 (Finance) and 5 (Sales) by five people each; nobody rated 1
    pair = cohort.partnerships.select_related("member_a").first()
    session = pair.sessions.first()
    session.checkins.filter(author=pair.member_a).delete()  # Finance's check-in on that session is still to come
    client = client_for(leader)
    before = cohort_csv(client, cohort)
    CheckInFactory(session=session, author=pair.member_a, usefulness=1)
    after = cohort_csv(client, cohort)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {("Satisfaction", "All", "Check-ins"): ("9", "10")}


# --- Found on the way: other sums a reader could use ----------------------------------------------------------


def test_the_pairs_within_balance_and_the_shares_do_not_give_a_hidden_share_away(client_for, leader):
    cohort = ActiveCohortFactory()
    for minutes in [(30, 30)] * 3 + [(39, 21)] * 5 + [(45, 15)] * 5 + [(50, 10)]:  # 50, 65, 75 and 83 %
        add_pair(cohort, person("Finance", 2), person("Sales", 6), sessions=(minutes,))
    figures = cohort_csv(client_for(leader), cohort)
    buckets = [key for key in figures if key[:2] == ("Teaching balance", "Larger partner's share")]
    equations = [
        breakdown(("Teaching balance", "All", "Pairs with held sessions"), buckets),
        {("Teaching balance", "All", "Pairs within 60/40"): 1, buckets[0]: -1},  # the first share is the within
    ]
    assert worked_out(equations, figures) == {}


def test_the_pace_does_not_give_a_small_group_away_through_the_pairs_with_held_sessions(client_for, leader):
    cohort = ActiveCohortFactory(cadence="weekly")
    for n_sessions in (1, 1, 1, 1, 1, 0, 0):  # 5 pairs met, 2 not yet
        add_pair(cohort, person("Finance", 2), person("Sales", 6), sessions=[(30, 30)] * n_sessions)
    cohort.partnerships.filter(pk__in=cohort.partnerships.values("pk")[:2]).update(started_at=cohort.created_at)
    figures = cohort_csv(client_for(leader), cohort)
    pace = [key for key in figures if key[:2] == ("Sessions", "Pace")]
    equations = [
        breakdown(("Participation", "All", "Pairs"), pace),
        breakdown(("Teaching balance", "All", "Pairs with held sessions"), pace[:2]),  # on pace and behind met
    ]
    assert worked_out(equations, figures) == {}


def test_a_recommendation_group_does_not_give_its_scores_away(client_for, leader):
    cohort = ActiveCohortFactory()
    people = [member for _ in range(11) for member in PartnershipFactory(cohort=cohort).members]
    survey = AssessmentFactory(cohort=cohort)
    for who, nps in zip(people, [10] * 5 + [9] * 2 + [8] * 5 + [7] * 5 + [0] * 5, strict=False):
        AssessmentResponseFactory(assessment=survey, respondent=who, nps=nps)
    figures = cohort_csv(client_for(leader), cohort)
    section = "Mid-point survey"
    group = {"Promoters (9–10)": ("9", "10"), "Passives (7–8)": ("7", "8"), "Detractors (0–6)": tuple("0123456")}
    equations = [
        breakdown(
            (section, "Recommendation groups", name), [(section, "Recommendation score (0-10)", s) for s in scores]
        )
        for name, scores in group.items()
    ]
    assert worked_out(equations, figures) == {}


def test_the_index_does_not_show_an_average_the_cohorts_report_hides(client_for, leader):
    cohort = cohort_with_pairs(5)  # 4.5 from ratings 4 and 5 only
    client = client_for(leader)
    index = client.get(reverse("reports:index")).content.decode()
    row = index[index.index(reverse("reports:cohort", args=[cohort.pk])) :]
    assert "4.5" not in row[: row.index("</tr>")]
    assert cohort_csv(client, cohort)["Satisfaction", "All", "Average usefulness (1-5)"] == "not shown"
