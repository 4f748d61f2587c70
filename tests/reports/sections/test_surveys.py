"""Survey results in the reports: NPS, statements and skill growth as aggregates with small-group suppression,
comments for program admins only, the CSV, and a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Skill
from mentoring.reports.sections.surveys import survey_results
from tests.factories import (
    ActiveCohortFactory,
    AssessmentFactory,
    AssessmentResponseFactory,
    PartnershipFactory,
    SkillFactory,
)
from tests.reports.helpers import read_csv

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def surveyed_cohort(answers: list[dict], *, pairs: int | None = None, cohort=None, kind="midpoint"):
    """A cohort whose partners answer its survey: one response per dict (factory defaults for the rest),
    from enough pairs for everyone (or ``pairs`` pairs, so some partners do not answer)."""
    cohort = cohort or ActiveCohortFactory()
    people = []
    for _ in range(pairs or (len(answers) + 1) // 2):
        people += PartnershipFactory(cohort=cohort).members
    survey = AssessmentFactory(cohort=cohort, kind=kind)
    for person, values in zip(people, answers, strict=False):
        AssessmentResponseFactory(assessment=survey, respondent=person, **values)
    return cohort


def midpoint(cohort, **kwargs):
    return survey_results([cohort], **kwargs)[0]


def texts(cells) -> list[str]:
    return [str(c) for c in cells]


HIDDEN = "not shown"
# 16 answers, each recommendation group with at least five people: 5 promoters, 5 passives, 6 detractors.
EVERY_GROUP = [{"nps": s} for s in [10, 10, 9, 9, 9, 8, 8, 7, 7, 7, 6, 5, 4, 3, 0, 0]]


# --- The figures --------------------------------------------------------------------------------------------


def test_the_response_rate_counts_everyone_with_a_partner(db):
    cohort = surveyed_cohort([{}] * 5, pairs=4)
    result = midpoint(cohort)
    assert (result.answered.text, result.asked, result.rate) == ("5", 8, 62)


def test_someone_who_answered_and_then_left_still_counts_as_asked():
    cohort = surveyed_cohort([{}] * 5, pairs=3)
    respondent = cohort.assessments.get().responses.first().respondent
    cohort.enrollments.filter(user=respondent).update(status="withdrawn")
    result = midpoint(cohort)
    assert (result.answered.text, result.asked) == ("5", 6)


def test_the_net_promoter_score_is_promoters_minus_detractors_once_every_group_is_shown():
    result = midpoint(surveyed_cohort(EVERY_GROUP))
    assert str(result.nps) == "-6"  # (5 - 6) / 16, with its sign
    assert [(bar.label, str(bar.count), bar.percent) for bar in result.nps_groups] == [
        ("Promoters (9–10)", "5", 31),
        ("Passives (7–8)", "5", 31),
        ("Detractors (0–6)", "6", 38),
    ]
    by_score = {bar.label: str(bar.count) for bar in result.nps_scores}
    assert set(by_score.values()) == {HIDDEN}  # no score was given by five people; 1, 2 by nobody, alike


def test_the_score_is_hidden_beside_a_hidden_group():
    scores = [10, 9, 9, 9, 9, 8, 7, 6, 3, 0]  # 5 promoters, 2 passives, 3 detractors
    result = midpoint(surveyed_cohort([{"nps": s} for s in scores]))
    # With 10 answers, +20 and 5 promoters shown, the passives and detractors would be 2 and 3.
    assert result.nps.suppressed and result.nps.value == 20
    assert [str(bar.count) for bar in result.nps_groups] == ["5", HIDDEN, HIDDEN]


def test_a_group_shown_beside_one_hidden_score_hides_another_score_of_the_group():
    scores = [10] * 5 + [9] * 2 + [7] * 5 + [8] * 5 + [0] * 5  # promoters 7 = five 10s and two 9s
    result = midpoint(surveyed_cohort([{"nps": s} for s in scores]))
    by_score = {bar.label: str(bar.count) for bar in result.nps_scores}
    assert str(result.nps_groups[0].count) == "7" and by_score["9"] == HIDDEN
    assert by_score["10"] == HIDDEN  # or 7 - 5 would give the 9s away


def test_each_statement_has_its_distribution_and_its_average_once_every_answer_is_shown():
    answers = [{"met_as_agreed": 5}] * 6 + [{"met_as_agreed": 2}] * 5
    met = midpoint(surveyed_cohort(answers)).statements[0]
    assert met.statement == "My partner and I met as we agreed."
    assert texts(met.answers) == [HIDDEN, "5", HIDDEN, HIDDEN, "6"]
    assert met.average.suppressed and met.average.value == 3.6
    spread = [{"met_as_agreed": a} for a in (1, 2, 3, 4, 5) for _ in range(5)]
    met = midpoint(surveyed_cohort(spread)).statements[0]
    assert (str(met.average), texts(met.answers)) == ("3.0", ["5"] * 5)


def test_answers_nobody_gave_read_like_answers_a_few_gave():
    answers = [{"met_as_agreed": 5}] * 6 + [{"met_as_agreed": 2}] * 4
    met = midpoint(surveyed_cohort(answers)).statements[0]
    assert texts(met.answers) == [HIDDEN] * 4 + ["6"]


def test_a_single_small_answer_hides_the_next_smallest_too():
    answers = [{"met_as_agreed": a} for a, n in ((1, 2), (2, 5), (3, 6), (4, 7), (5, 8)) for _ in range(n)]
    met = midpoint(surveyed_cohort(answers)).statements[0]
    assert texts(met.answers) == [HIDDEN, HIDDEN, "6", "7", "8"]


def test_with_fewer_than_five_answers_nothing_but_the_count_is_shown():
    result = midpoint(surveyed_cohort([{"nps": 10, "comment": "Great"}] * 4))
    assert result.answered.text == "4"
    assert str(result.nps) == HIDDEN and result.nps.value == 100
    assert all(row.average.suppressed for row in result.statements)
    assert result.suppressed_anything


def test_skill_growth_shows_skills_five_people_rated_and_counts_the_others():
    sql, python = Skill.objects.get(name="SQL"), SkillFactory(name="Rare skill")
    answers = [{"ratings": [(sql, 1, 3)]}] * 4 + [{"ratings": [(sql, 2, 3), (python, 1, 2)]}]
    result = midpoint(surveyed_cohort(answers))
    assert (result.rated_people, result.ratings) == (5, 6)
    assert (str(result.start), str(result.now), str(result.growth)) == ("1.2", "2.8", "+1.7 levels")
    assert [(s.name, str(s.people), str(s.start), str(s.now), str(s.growth)) for s in result.skills] == [
        ("SQL", "5", "1.2", "3.0", "+1.8 levels")
    ]
    assert result.skills_hidden == 1


def test_skill_growth_of_fewer_than_five_people_is_hidden():
    sql = Skill.objects.get(name="SQL")
    result = midpoint(surveyed_cohort([{"ratings": [(sql, 1, 4)]}] * 3 + [{}] * 3))
    assert result.growth.suppressed and result.skills == [] and result.skills_hidden == 1


def test_a_survey_not_yet_open_has_no_results():
    cohort = surveyed_cohort([], pairs=2)
    cohort.assessments.update(opens_on=TODAY + DAY, closes_on=TODAY + 5 * DAY)
    result = midpoint(cohort)
    assert result.surveys and not result.opened and result.asked == 0


def test_a_program_rolls_its_cohorts_up_by_kind():
    first = surveyed_cohort([{"nps": 10}] * 3, pairs=3)
    second = surveyed_cohort([{"nps": 0}] * 2, cohort=ActiveCohortFactory(program=first.program))
    end = AssessmentFactory(cohort=first, kind="end")
    for response in first.assessments.get(kind="midpoint").responses.all():
        AssessmentResponseFactory(assessment=end, respondent=response.respondent, nps=5)
    midpoints, ends = survey_results(list(first.program.cohorts.all()))
    assert (midpoints.answered.text, midpoints.asked, midpoints.nps.value) == ("5", 8, 20)
    assert len(midpoints.surveys) == 2 and second.assessments.get() in midpoints.surveys
    assert (ends.answered.text, ends.asked, str(ends.nps)) == ("3", 6, HIDDEN)


# --- Comments ---------------------------------------------------------------------------------------------


def test_program_admins_get_the_comments_sorted_without_names_once_five_answered():
    answers = [{"comment": c} for c in ("Zebra crossing", "", "Apples", "More time", "")]
    result = midpoint(surveyed_cohort(answers), with_comments=True)
    assert result.comments == ["Apples", "More time", "Zebra crossing"]
    assert result.comments_withheld == 0
    assert midpoint(surveyed_cohort(answers)).comments is None  # a reader without the right gets none


def test_comments_are_withheld_while_fewer_than_five_answered():
    result = midpoint(surveyed_cohort([{"comment": "Hello"}] * 4), with_comments=True)
    assert result.comments == [] and result.comments_withheld == 4


def test_a_small_cohorts_comments_stay_hidden_in_the_program_roll_up():
    big = surveyed_cohort([{"comment": "Big cohort"}] * 5)
    surveyed_cohort([{"comment": "Small cohort"}] * 2, cohort=ActiveCohortFactory(program=big.program))
    result = survey_results(list(big.program.cohorts.all()), with_comments=True)[0]
    assert result.comments == ["Big cohort"] * 5 and result.comments_withheld == 2


# --- Query counts -------------------------------------------------------------------------------------------


def test_the_results_cost_the_same_queries_for_ten_times_the_answers(django_assert_num_queries):
    sql = Skill.objects.get(name="SQL")
    small = surveyed_cohort([{"ratings": [(sql, 1, 2)], "comment": "ok"}] * 6)
    big = surveyed_cohort([{"ratings": [(sql, 1, 2)], "comment": "ok"}] * 60)
    surveyed_cohort([{}] * 5, cohort=big, kind="end")
    for cohort in (small, big):
        # the surveys with who was asked and answered, the answers' counts, the skill ratings: 3
        with django_assert_num_queries(3):
            survey_results([cohort])
        # the same and the comments of surveys enough people answered: 4
        with django_assert_num_queries(4):
            survey_results([cohort], with_comments=True)


def test_the_report_pages_cost_the_same_queries_for_ten_times_the_answers(
    client_for, leader, program_admin, django_assert_num_queries
):
    small, big = surveyed_cohort([{}] * 6), surveyed_cohort([{"comment": "ok"}] * 60)
    for person, comments in ((leader, 0), (program_admin, 1)):
        client = client_for(person)
        client.get(reverse("reports:index"))
        for cohort in (small, big):
            # session + user (2), the cohort (1), the report (10), the survey results (3), comments (admins)
            with django_assert_num_queries(16 + comments):
                assert client.get(reverse("reports:cohort", args=[cohort.pk])).status_code == 200


# --- The pages and the CSV ------------------------------------------------------------------------------------


def test_the_cohort_report_shows_the_results_and_names_nobody(client_for, leader, program_admin):
    cohort = surveyed_cohort([{"nps": 10, "comment": "SECRET-comment"}] * 5)
    people = [r.respondent for r in cohort.assessments.get().responses.select_related("respondent")]
    for person in (leader, program_admin):
        page = client_for(person).get(reverse("reports:cohort", args=[cohort.pk])).text
        assert 'data-testid="report-survey-midpoint"' in page
        assert "<strong>5</strong> of 6 participants answered (83 %)" in page
        assert "not shown: some groups have fewer than 5 people" in page  # 5 promoters and nobody else
        for respondent in people:
            assert respondent.full_name not in page and respondent.email not in page
    assert "SECRET-comment" in client_for(program_admin).get(reverse("reports:cohort", args=[cohort.pk])).text
    leader_page = client_for(leader).get(reverse("reports:cohort", args=[cohort.pk])).text
    assert "SECRET-comment" not in leader_page and "Comments are read by the program team only." in leader_page


def test_the_report_explains_comments_withheld_from_a_small_survey(client_for, program_admin):
    cohort = surveyed_cohort([{"comment": "Too few of us"}] * 3)
    page = client_for(program_admin).get(reverse("reports:cohort", args=[cohort.pk])).text
    assert "Too few of us" not in page
    assert "3 comments are not shown: fewer than 5 people have answered this survey" in page


def test_the_csv_holds_the_survey_results_but_never_comments(client_for, leader, program_admin):
    sql = Skill.objects.get(name="SQL")
    cohort = surveyed_cohort([{"nps": 10, "comment": "SECRET-comment", "ratings": [(sql, 1, 3)]}] * 5)
    for person in (leader, program_admin):
        response = client_for(person).get(reverse("reports:cohort_csv", args=[cohort.pk]))
        rows = read_csv(response)
        assert ["Mid-point survey", "All", "Answered", "5"] in rows
        assert ["Mid-point survey", "All", "Response rate (%)", "83"] in rows
        assert ["Mid-point survey", "All", "Net Promoter Score (-100 to 100)", HIDDEN] in rows
        assert ["Mid-point survey", "Recommendation groups", "Promoters (9–10)", "5"] in rows
        assert ["Mid-point survey", "Recommendation groups", "Passives (7–8)", HIDDEN] in rows
        assert ["Mid-point survey", "My partner and I met as we agreed.", "Average (1-5)", HIDDEN] in rows
        assert ["Mid-point survey", "Skill growth: SQL", "Average change (levels)", "2.0"] in rows
        assert not any("SECRET" in cell for row in rows for cell in row)


def test_the_csv_writes_not_shown_for_hidden_survey_cells_and_every_cell_is_formula_safe(client_for, leader):
    formula = SkillFactory(name="=HYPERLINK(1)")
    answers = [{**a, "ratings": [(formula, 1, 2)]} for a in EVERY_GROUP[:5]] + EVERY_GROUP[5:]
    rows = read_csv(client_for(leader).get(reverse("reports:cohort_csv", args=[surveyed_cohort(answers).pk])))
    assert ["Mid-point survey", "Recommendation score (0-10)", "10", HIDDEN] in rows
    # csv_safe quotes whatever starts like a formula, a negative score included (as the rest of the CSV does)
    assert ["Mid-point survey", "All", "Net Promoter Score (-100 to 100)", "'-6"] in rows
    assert ["Mid-point survey", "Skill growth: =HYPERLINK(1)", "People", "5"] in rows  # the name is never first
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_cohort_without_surveys_says_so_and_adds_nothing_to_the_csv(client_for, leader):
    cohort = ActiveCohortFactory()
    page = client_for(leader).get(reverse("reports:cohort", args=[cohort.pk])).text
    assert "Not scheduled for this cohort." in page
    rows = read_csv(client_for(leader).get(reverse("reports:cohort_csv", args=[cohort.pk])))
    assert not any(row[0].endswith("survey") for row in rows)
