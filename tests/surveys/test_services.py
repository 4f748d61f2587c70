"""Mid-point and end surveys: scheduling rules, opening and closing, who may answer, one answer per person,
answers editable until the survey closes, skill self-ratings against where each person started."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Skill
from accounts.services import skill_merge
from mentoring.surveys import selectors as assessment_selectors
from mentoring.surveys.models import Assessment, AssessmentResponse, AssessmentSkillRating, AssessmentState
from mentoring.surveys.services import (
    assessment_close_now,
    assessment_open_now,
    assessment_response_save,
    assessment_schedule,
)
from tests.factories import (
    ActiveCohortFactory,
    AssessmentFactory,
    AssessmentResponseFactory,
    CohortFactory,
    EnrollmentFactory,
    PartnershipFactory,
    SkillFactory,
    UserFactory,
    WantedSkillFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ANSWERS = {
    "nps": 9,
    "met_as_agreed": 4,
    "learned_used": 5,
    "taught_used": 3,
    "two_way_better": 4,
    "comment": "  More time for the first session, please.  ",
}


@pytest.fixture
def cohort():
    """Active: started 30 days ago, ends in 150 days."""
    return ActiveCohortFactory()


@pytest.fixture
def pair(cohort):
    return PartnershipFactory(cohort=cohort)


@pytest.fixture
def survey(pair):
    return AssessmentFactory(cohort=pair.cohort)


def schedule(cohort, kind="midpoint", opens=TODAY + 10 * DAY, closes=TODAY + 20 * DAY, **kwargs):
    return assessment_schedule(
        cohort=cohort, kind=kind, opens_on=opens, closes_on=closes, by=None, base_url="http://testserver", **kwargs
    )


def answer(survey, person, levels=None, **changes):
    return assessment_response_save(
        assessment=survey, respondent=person, answers={**ANSWERS, **changes}, skill_levels=levels or {}
    )


def field_errors(error: pytest.ExceptionInfo) -> dict[str, str]:
    return {field: " ".join(messages) for field, messages in error.value.message_dict.items()}


# --- The model -------------------------------------------------------------------------------------------


def test_a_cohort_has_at_most_one_survey_of_each_kind(cohort):
    AssessmentFactory(cohort=cohort, kind="midpoint")
    AssessmentFactory(cohort=cohort, kind="end", opens_on=TODAY + 100 * DAY, closes_on=TODAY + 110 * DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentFactory(cohort=cohort, kind="midpoint")


def test_the_database_refuses_a_survey_that_closes_before_it_opens(cohort):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentFactory(cohort=cohort, opens_on=TODAY, closes_on=TODAY - DAY)


def test_the_database_refuses_a_second_answer_from_the_same_person(survey, pair):
    AssessmentResponseFactory(assessment=survey, respondent=pair.member_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentResponseFactory(assessment=survey, respondent=pair.member_a)


@pytest.mark.parametrize(
    ("field", "value"),
    [("nps", 11), ("met_as_agreed", 0), ("two_way_better", 6)],
)
def test_the_database_refuses_answers_out_of_range(survey, pair, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentResponseFactory(assessment=survey, respondent=pair.member_a, **{field: value})


def test_a_survey_is_scheduled_then_open_through_its_closing_day_then_closed(cohort):
    survey = Assessment(cohort=cohort, kind="midpoint", opens_on=TODAY, closes_on=TODAY + 3 * DAY)
    assert survey.state(TODAY - DAY) == AssessmentState.SCHEDULED
    assert survey.state(TODAY) == survey.state(TODAY + 3 * DAY) == AssessmentState.OPEN
    assert survey.state(TODAY + 4 * DAY) == AssessmentState.CLOSED
    survey.closed_at = timezone.now()
    assert survey.state(TODAY) == AssessmentState.CLOSED
    assert survey.closed_on == TODAY


def test_days_left_counts_the_days_after_today(cohort):
    assert AssessmentFactory(cohort=cohort, closes_on=TODAY + 9 * DAY).days_left == 9
    assert AssessmentFactory(cohort=cohort, kind="end", opens_on=TODAY, closes_on=TODAY).days_left == 0


# --- Scheduling ----------------------------------------------------------------------------------------------


def test_an_admin_schedules_both_surveys(cohort):
    midpoint = schedule(cohort)
    end = schedule(cohort, "end", cohort.ends_on - 10 * DAY, cohort.ends_on + 5 * DAY)
    assert (midpoint.kind, midpoint.opens_on, midpoint.closes_on) == ("midpoint", TODAY + 10 * DAY, TODAY + 20 * DAY)
    assert end.state() == AssessmentState.SCHEDULED
    assert Assessment.objects.filter(cohort=cohort).count() == 2


def test_scheduling_again_changes_the_dates_of_the_same_survey(cohort):
    first = schedule(cohort)
    second = schedule(cohort, opens=TODAY + 12 * DAY, closes=TODAY + 30 * DAY)
    assert first.pk == second.pk
    assert Assessment.objects.get().opens_on == TODAY + 12 * DAY


@pytest.mark.parametrize(
    ("kind", "opens", "closes", "field", "message"),
    [
        ("midpoint", 10, 9, "closes_on", "cannot close before it opens"),
        ("midpoint", -1, 9, "opens_on", "Pick today or a later day"),
        ("midpoint", 10, 151, "closes_on", "must close by the cohort's end"),
        ("midpoint", 151, 152, "opens_on", "must open while the cohort runs"),
        ("end", 140, 181, "closes_on", "within 30 days of the cohort's end"),
    ],
)
def test_bad_dates_are_refused_with_the_fields_message(cohort, kind, opens, closes, field, message):
    """The active cohort started 30 days ago and ends in 150 days."""
    with pytest.raises(ValidationError) as error:
        schedule(cohort, kind, TODAY + opens * DAY, TODAY + closes * DAY)
    assert message in field_errors(error)[field]
    assert not Assessment.objects.exists()


def test_a_survey_cannot_open_before_the_cohort_starts():
    cohort = CohortFactory()  # enrolling; starts in 21 days
    with pytest.raises(ValidationError) as error:
        schedule(cohort, opens=TODAY + 5 * DAY, closes=TODAY + 25 * DAY)
    assert "must open while the cohort runs" in field_errors(error)["opens_on"]


def test_the_end_survey_opens_after_the_mid_point_survey_closes(cohort):
    schedule(cohort, opens=TODAY + 10 * DAY, closes=TODAY + 20 * DAY)
    with pytest.raises(ValidationError) as error:
        schedule(cohort, "end", TODAY + 20 * DAY, TODAY + 40 * DAY)
    assert "after the mid-point survey closes" in field_errors(error)["opens_on"]
    end = schedule(cohort, "end", TODAY + 21 * DAY, TODAY + 40 * DAY)
    with pytest.raises(ValidationError) as error:
        schedule(cohort, opens=TODAY + 10 * DAY, closes=end.opens_on)
    assert "before the end survey opens" in field_errors(error)["closes_on"]


def test_once_open_only_the_closing_day_changes(survey):
    with pytest.raises(ValidationError) as error:
        schedule(survey.cohort, opens=TODAY + 2 * DAY, closes=survey.closes_on)
    assert "can no longer change" in field_errors(error)["opens_on"]
    with pytest.raises(ValidationError) as error:
        schedule(survey.cohort, opens=survey.opens_on, closes=TODAY - DAY)
    assert "Close now" in field_errors(error)["closes_on"]
    moved = schedule(survey.cohort, opens=survey.opens_on, closes=TODAY + 30 * DAY)
    assert moved.closes_on == TODAY + 30 * DAY


def test_a_later_closing_day_reopens_a_survey_closed_early(survey):
    assessment_close_now(assessment=survey)
    reopened = schedule(survey.cohort, opens=survey.opens_on, closes=TODAY + 5 * DAY)
    assert reopened.closed_at is None and reopened.state() == AssessmentState.OPEN


# --- Opening and closing by hand ---------------------------------------------------------------------------


def test_opening_now_moves_the_opening_day_to_today(pair):
    survey = schedule(pair.cohort)
    opened = assessment_open_now(assessment=survey, base_url="http://testserver")
    assert opened.opens_on == TODAY and opened.state() == AssessmentState.OPEN


def test_a_cohort_without_pairs_cannot_open_a_survey():
    cohort = ActiveCohortFactory(status="matching")
    survey = schedule(cohort)
    with pytest.raises(ValidationError, match="Nobody in this cohort has a partner yet"):
        assessment_open_now(assessment=survey, base_url="")
    assert Assessment.objects.get().opens_on == TODAY + 10 * DAY


def test_opening_an_open_or_closed_survey_is_refused(survey):
    with pytest.raises(ValidationError, match="already open"):
        assessment_open_now(assessment=survey, base_url="")
    assessment_close_now(assessment=survey)
    with pytest.raises(ValidationError, match="has closed"):
        assessment_open_now(assessment=survey, base_url="")


def test_opening_the_end_survey_now_is_refused_while_the_mid_point_is_open(survey):
    end = schedule(survey.cohort, "end", TODAY + 100 * DAY, TODAY + 110 * DAY)
    with pytest.raises(ValidationError, match="after the mid-point survey closes"):
        assessment_open_now(assessment=end, base_url="")
    assert Assessment.objects.get(pk=end.pk).opens_on == TODAY + 100 * DAY


def test_closing_now_stops_answers_and_only_an_open_survey_closes(survey, pair):
    closed = assessment_close_now(assessment=survey)
    assert closed.state() == AssessmentState.CLOSED
    with pytest.raises(ValidationError, match="closed on"):
        answer(survey, pair.member_a)
    with pytest.raises(ValidationError, match="Only an open survey"):
        assessment_close_now(assessment=survey)


# --- Who may answer -------------------------------------------------------------------------------------------


def test_partners_in_the_cohort_may_answer_and_others_may_not(survey, pair):
    cohort = survey.cohort
    unmatched = EnrollmentFactory(cohort=cohort, status="approved").user
    applicant = EnrollmentFactory(cohort=cohort, status="applied").user
    other_cohort_partner = PartnershipFactory().member_a
    outsider = UserFactory()
    assert assessment_selectors.may_answer(pair.member_a, survey)
    assert assessment_selectors.may_answer(pair.member_b, survey)
    for person in (unmatched, applicant, other_cohort_partner, outsider):
        assert not assessment_selectors.may_answer(person, survey), person
        with pytest.raises(ValidationError, match="Only the cohort's participants"):
            answer(survey, person)
    assert not AssessmentResponse.objects.exists()


def test_a_partner_whose_pair_ended_still_answers_and_a_withdrawn_one_does_not(survey, pair):
    pair.status, pair.ended_at = "ended", timezone.now()
    pair.save()
    assert assessment_selectors.may_answer(pair.member_a, survey)
    pair.cohort.enrollments.filter(user=pair.member_b).update(status="withdrawn")
    assert not assessment_selectors.may_answer(pair.member_b, survey)


def test_alumni_of_a_closed_cohort_answer_its_end_survey(pair):
    cohort = pair.cohort
    end = AssessmentFactory(cohort=cohort, kind="end")
    cohort.status = "closed"
    cohort.save()
    cohort.enrollments.update(status="alumni")
    assert answer(end, pair.member_a).nps == 9


# --- Answering -------------------------------------------------------------------------------------------------


def test_a_participant_answers_once_and_changes_the_answer_until_it_closes(survey, pair):
    first = answer(survey, pair.member_a)
    assert (first.nps, first.learned_used, first.comment) == (9, 5, "More time for the first session, please.")
    second = answer(survey, pair.member_a, nps=3, comment="")
    assert second.pk == first.pk and AssessmentResponse.objects.count() == 1
    second.refresh_from_db()
    assert (second.nps, second.comment) == (3, "")
    assert second.updated_at >= second.created_at


def test_answers_are_refused_before_the_survey_opens_and_after_it_closes(pair):
    survey = AssessmentFactory(cohort=pair.cohort, opens_on=TODAY + DAY, closes_on=TODAY + 5 * DAY)
    with pytest.raises(ValidationError, match="opens on"):
        answer(survey, pair.member_a)
    with pytest.raises(ValidationError, match="closed on"):
        assessment_response_save(
            assessment=survey, respondent=pair.member_a, answers=ANSWERS, skill_levels={}, today=TODAY + 6 * DAY
        )
    on_the_last_day = assessment_response_save(
        assessment=survey, respondent=pair.member_a, answers=ANSWERS, skill_levels={}, today=TODAY + 5 * DAY
    )
    assert on_the_last_day.pk


def test_an_answer_out_of_range_is_a_field_error_and_nothing_is_saved(survey, pair):
    with pytest.raises(ValidationError) as error:
        answer(survey, pair.member_a, nps=11, met_as_agreed=None)
    assert set(field_errors(error)) == {"nps", "met_as_agreed"}
    assert not AssessmentResponse.objects.exists()


# --- Skill self-ratings ----------------------------------------------------------------------------------------


@pytest.fixture
def learner(pair):
    """Member A wants SQL (at 1, wants 3) and Negotiation (at 2, wants 4)."""
    person = pair.member_a
    catalogue = {s.name: s for s in Skill.objects.filter(name__in=["SQL", "Negotiation"])}
    WantedSkillFactory(user=person, skill=catalogue["SQL"], current_level=1, target_level=3)
    WantedSkillFactory(user=person, skill=catalogue["Negotiation"], current_level=2, target_level=4)
    return person


def skill_ids(person) -> dict[str, int]:
    return {w.skill.name: w.skill_id for w in person.wanted_skills.select_related("skill")}


def test_each_wanted_skill_is_rated_against_the_profiles_level_as_its_start(survey, learner):
    ids = skill_ids(learner)
    answer(survey, learner, {ids["SQL"]: 3, ids["Negotiation"]: 2})
    ratings = {r.skill.name: (r.start_level, r.level) for r in AssessmentSkillRating.objects.select_related("skill")}
    assert ratings == {"SQL": (1, 3), "Negotiation": (2, 2)}


def test_every_wanted_skill_needs_a_rating_and_only_those(survey, learner):
    ids = skill_ids(learner)
    with pytest.raises(ValidationError) as error:
        answer(survey, learner, {ids["SQL"]: 3})
    assert field_errors(error) == {f"skill_{ids['Negotiation']}": "Rate where you stand now, from 1 to 5."}
    with pytest.raises(ValidationError, match="only the skills your profile says"):
        answer(survey, learner, {ids["SQL"]: 3, ids["Negotiation"]: 2, SkillFactory().pk: 4})
    assert not AssessmentResponse.objects.exists()


def test_the_start_stays_where_it_was_when_the_profile_changes_later(survey, learner):
    ids = skill_ids(learner)
    answer(survey, learner, {ids["SQL"]: 2, ids["Negotiation"]: 3})
    learner.wanted_skills.filter(skill__name="SQL").update(current_level=2)
    answer(survey, learner, {ids["SQL"]: 3, ids["Negotiation"]: 3})
    end = AssessmentFactory(cohort=survey.cohort, kind="end", opens_on=TODAY, closes_on=TODAY + 5 * DAY)
    answer(end, learner, {ids["SQL"]: 4, ids["Negotiation"]: 4})
    starts = set(AssessmentSkillRating.objects.filter(skill_id=ids["SQL"]).values_list("start_level", "level"))
    assert starts == {(1, 3), (1, 4)}  # the mid-point's start, also at the end


def test_a_skill_no_longer_wanted_loses_its_rating_when_the_answer_changes(survey, learner):
    ids = skill_ids(learner)
    answer(survey, learner, {ids["SQL"]: 2, ids["Negotiation"]: 3})
    learner.wanted_skills.filter(skill__name="Negotiation").delete()
    answer(survey, learner, {ids["SQL"]: 2})
    assert list(AssessmentSkillRating.objects.values_list("skill__name", flat=True)) == ["SQL"]


def test_merging_skills_moves_the_survey_ratings(survey, learner):
    ids = skill_ids(learner)
    mine = answer(survey, learner, {ids["SQL"]: 2, ids["Negotiation"]: 3})
    target = SkillFactory(name="Structured Query Language")
    partners = AssessmentResponseFactory(
        assessment=survey,
        respondent=survey.cohort.partnerships.get().member_b,
        ratings=[(Skill.objects.get(pk=ids["SQL"]), 2, 3), (target, 1, 2)],
    )
    skill_merge(source=Skill.objects.get(pk=ids["SQL"]), target=target)
    assert sorted(AssessmentSkillRating.objects.values_list("response_id", "skill__name", "level")) == sorted(
        [
            (mine.pk, "Negotiation", 3),
            (mine.pk, "Structured Query Language", 2),
            (partners.pk, "Structured Query Language", 2),  # rated both: the target's rating stays
        ]
    )
