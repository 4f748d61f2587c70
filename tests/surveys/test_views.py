"""Survey pages: who reaches each of them, the admin's scheduling form, the participant's form and home card."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.surveys.models import Assessment, AssessmentResponse, AssessmentSkillRating
from tests.factories import (
    ActiveCohortFactory,
    AssessmentFactory,
    AssessmentResponseFactory,
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
    "nps": "8",
    "met_as_agreed": "4",
    "learned_used": "5",
    "taught_used": "3",
    "two_way_better": "4",
    "comment": "Longer first session, please.",
}


@pytest.fixture
def pair():
    return PartnershipFactory(cohort=ActiveCohortFactory())


@pytest.fixture
def survey(pair):
    return AssessmentFactory(cohort=pair.cohort)


def schedule_url(cohort, kind="midpoint"):
    return reverse("surveys:schedule", args=[cohort.pk, kind])


def action_url(survey, action):
    return reverse("surveys:action", args=[survey.pk, action])


def answer_url(survey):
    return reverse("surveys:answer", args=[survey.pk])


# --- Who reaches what -------------------------------------------------------------------------------------


def admin_requests(survey):
    return [
        ("get", schedule_url(survey.cohort)),
        ("post", schedule_url(survey.cohort)),
        ("post", action_url(survey, "open")),
        ("post", action_url(survey, "close")),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, survey):
    login = reverse("account_login")
    for method, url in [*admin_requests(survey), ("get", answer_url(survey)), ("post", answer_url(survey))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(f"{login}?next="), url


@pytest.mark.parametrize("who", ["employee", "leader", "partner"])
def test_only_program_admins_schedule_open_and_close(request, client_for, survey, pair, who):
    person = pair.member_a if who == "partner" else request.getfixturevalue(who)
    client = client_for(person)
    for method, url in admin_requests(survey):
        assert getattr(client, method)(url).status_code == 403, url
    assert Assessment.objects.get().closed_at is None


def test_admin_pages_are_404_for_unknown_cohorts_kinds_surveys_and_actions(client_for, program_admin, survey):
    client = client_for(program_admin)
    assert client.get(reverse("surveys:schedule", args=[99999, "midpoint"])).status_code == 404
    assert client.get(schedule_url(survey.cohort, "final")).status_code == 404
    assert client.post(reverse("surveys:action", args=[99999, "close"])).status_code == 404
    assert client.post(action_url(survey, "delete")).status_code == 404


def test_actions_refuse_get(client_for, program_admin, survey):
    assert client_for(program_admin).get(action_url(survey, "close")).status_code == 405
    assert Assessment.objects.get().closed_at is None


def test_the_survey_is_404_for_everyone_but_the_cohorts_partners(client_for, survey, pair, program_admin, leader):
    unmatched = EnrollmentFactory(cohort=pair.cohort, status="approved").user
    withdrawn = PartnershipFactory(cohort=pair.cohort).member_a
    pair.cohort.enrollments.filter(user=withdrawn).update(status="withdrawn")
    other_cohort = PartnershipFactory().member_a
    for person in (UserFactory(), other_cohort, unmatched, withdrawn, leader, program_admin):
        client = client_for(person)
        assert client.get(answer_url(survey)).status_code == 404, person
        assert client.post(answer_url(survey), ANSWERS).status_code == 404, person
    assert not AssessmentResponse.objects.exists()
    assert client_for(pair.member_b).get(answer_url(survey)).status_code == 200
    assert client_for(pair.member_a).get(reverse("surveys:answer", args=[99999])).status_code == 404


# --- Scheduling in the browser --------------------------------------------------------------------------


def test_the_cohort_page_offers_to_schedule_both_surveys(client_for, program_admin, pair):
    page = client_for(program_admin).get(pair.cohort.get_absolute_url()).text
    assert 'id="surveys"' in page and "Not scheduled" in page
    assert schedule_url(pair.cohort, "midpoint") in page and schedule_url(pair.cohort, "end") in page


def test_the_schedule_form_suggests_dates_and_saves_them(client_for, program_admin, pair):
    client = client_for(program_admin)
    form = client.get(schedule_url(pair.cohort, "end")).context["form"]
    assert form.initial["closes_on"] == pair.cohort.ends_on
    opens, closes = TODAY + 10 * DAY, TODAY + 24 * DAY
    response = client.post(schedule_url(pair.cohort), {"opens_on": opens, "closes_on": closes}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"{pair.cohort.get_absolute_url()}#surveys")
    assert "opens on" in response.text and "Scheduled" in response.text
    survey = Assessment.objects.get()
    assert (survey.kind, survey.opens_on, survey.closes_on, survey.created_by) == (
        "midpoint",
        opens,
        closes,
        program_admin,
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"opens_on": "", "closes_on": ""}, "opens_on", "This field is required."),
        ({"opens_on": "31/02/2027", "closes_on": "2027-03-01"}, "opens_on", "Enter a valid date."),
        ({"opens_on": "+10", "closes_on": "+5"}, "closes_on", "cannot close before it opens"),
        ({"opens_on": "-3", "closes_on": "+5"}, "opens_on", "Pick today or a later day"),
        ({"opens_on": "+10", "closes_on": "+400"}, "closes_on", "must close by the cohort's end"),
        ({"opens_on": "+400", "closes_on": "+410"}, "opens_on", "must open while the cohort runs"),
        ({"opens_on": "0001-01-01", "closes_on": "+5"}, "opens_on", "Pick a date between"),
        ({"opens_on": "+5", "closes_on": "9999-12-31"}, "closes_on", "Pick a date between"),
    ],
)
def test_bad_dates_are_field_errors_and_nothing_is_written(client_for, program_admin, pair, data, field, message):
    def day(value):
        return (TODAY + int(value) * DAY).isoformat() if value[:1] in ("+", "-") else value

    response = client_for(program_admin).post(schedule_url(pair.cohort), {k: day(v) for k, v in data.items()})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Assessment.objects.exists()


def test_an_open_surveys_opening_day_is_shown_but_cannot_change(client_for, program_admin, survey):
    client = client_for(program_admin)
    assert client.get(schedule_url(survey.cohort)).context["form"].fields["opens_on"].disabled
    response = client.post(
        schedule_url(survey.cohort), {"opens_on": (TODAY + 3 * DAY).isoformat(), "closes_on": TODAY + 30 * DAY}
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.opens_on, survey.closes_on) == (TODAY - DAY, TODAY + 30 * DAY)  # the opening day stayed


def test_the_cohort_page_shows_the_response_rate_and_closes_the_survey(client_for, program_admin, survey, pair):
    AssessmentResponseFactory(assessment=survey, respondent=pair.member_a)
    client = client_for(program_admin)
    page = client.get(pair.cohort.get_absolute_url()).text
    assert "<strong>1</strong> of 2 participants answered (50 %)" in page and "Open" in page
    response = client.post(action_url(survey, "close"), follow=True)
    assert "is closed" in response.text
    assert Assessment.objects.get().closed_at is not None
    response = client.post(action_url(survey, "close"), follow=True)
    assert "Only an open survey can be closed." in response.text


def test_open_now_from_the_cohort_page(client_for, program_admin, pair, mailoutbox, django_capture_on_commit_callbacks):
    survey = AssessmentFactory(cohort=pair.cohort, opens_on=TODAY + 5 * DAY, closes_on=TODAY + 9 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(program_admin).post(action_url(survey, "open"), follow=True)
    assert "is open" in response.text
    assert Assessment.objects.get().opens_on == TODAY
    assert len(mailoutbox) == 2


# --- Answering ---------------------------------------------------------------------------------------------


@pytest.fixture
def learner(pair):
    skill = SkillFactory(name="Pivot tables")
    WantedSkillFactory(user=pair.member_a, skill=skill, current_level=2, target_level=4)
    return pair.member_a


def test_a_participant_answers_and_then_changes_the_answers(client_for, survey, learner):
    client = client_for(learner)
    skill_id = learner.wanted_skills.get().skill_id
    page = client.get(answer_url(survey)).text
    assert "How likely are you to recommend this mentoring program to a colleague?" in page
    assert "You started at level 2 and want to reach 4." in page
    response = client.post(answer_url(survey), {**ANSWERS, f"skill_{skill_id}": "3"}, follow=True)
    assert "your answers are saved" in response.text
    saved = AssessmentResponse.objects.get()
    assert (saved.respondent, saved.nps, saved.two_way_better, saved.comment) == (learner, 8, 4, ANSWERS["comment"])
    assert list(AssessmentSkillRating.objects.values_list("start_level", "level")) == [(2, 3)]

    form = client.get(answer_url(survey)).context["form"]
    assert form.initial["nps"] == 8 and form.initial[f"skill_{skill_id}"] == 3
    client.post(answer_url(survey), {**ANSWERS, "nps": "10", f"skill_{skill_id}": "4"})
    assert AssessmentResponse.objects.get().nps == 10
    assert AssessmentSkillRating.objects.get().level == 4


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"nps": ""}, "nps", "Choose a number from 0"),
        ({"nps": "11"}, "nps", "Choose a number from 0"),
        ({"nps": "ten"}, "nps", "Choose a number from 0"),
        ({"met_as_agreed": "0"}, "met_as_agreed", "Choose how much you agree."),
        ({"two_way_better": ""}, "two_way_better", "Choose how much you agree."),
        ({"skill": ""}, "skill", "Rate where you stand now"),
        ({"skill": "6"}, "skill", "Rate where you stand now"),
        ({"comment": "x" * 2001}, "comment", "at most 2000 characters"),
    ],
)
def test_bad_answers_are_field_errors_and_nothing_is_saved(client_for, survey, learner, change, field, message):
    skill_field = f"skill_{learner.wanted_skills.get().skill_id}"
    data = {**ANSWERS, skill_field: "3"}
    data.update({(skill_field if k == "skill" else k): v for k, v in change.items()})
    response = client_for(learner).post(answer_url(survey), data)
    assert response.status_code == 400
    errors = response.context["form"].errors[skill_field if field == "skill" else field]
    assert message in " ".join(errors)
    assert "Nothing was saved yet" in response.text
    assert not AssessmentResponse.objects.exists()


def test_after_it_closes_the_answers_are_read_only(client_for, survey, pair):
    AssessmentResponseFactory(assessment=survey, respondent=pair.member_a, nps=7, comment="Keep it going")
    Assessment.objects.filter(pk=survey.pk).update(closed_at=timezone.now())
    client = client_for(pair.member_a)
    page = client.get(answer_url(survey)).text
    assert "your answers can no longer change" in page and "7 out of 10" in page and "Keep it going" in page
    assert '<form method="post" novalidate>' not in page
    response = client.post(answer_url(survey), {**ANSWERS, "nps": "0"}, follow=True)
    assert "answers can no longer change" in response.text
    assert AssessmentResponse.objects.get().nps == 7


def test_a_survey_not_yet_open_says_when_it_opens_and_takes_no_answer(client_for, pair):
    survey = AssessmentFactory(cohort=pair.cohort, opens_on=TODAY + 3 * DAY, closes_on=TODAY + 9 * DAY)
    client = client_for(pair.member_a)
    assert "This survey opens on" in client.get(answer_url(survey)).text
    response = client.post(answer_url(survey), ANSWERS, follow=True)
    assert f"This survey opens on {survey.opens_on:%d %b %Y}." in response.text
    assert not AssessmentResponse.objects.exists()


def test_a_partner_never_sees_the_other_partners_answers(client_for, survey, pair):
    AssessmentResponseFactory(assessment=survey, respondent=pair.member_a, comment="PRIVATE-my-partner-is-late")
    page = client_for(pair.member_b).get(answer_url(survey)).text
    assert "PRIVATE-my-partner-is-late" not in page
    assert client_for(pair.member_b).get(answer_url(survey)).context["response"] is None


# --- Home page and enrollment page -------------------------------------------------------------------------


def test_the_home_page_asks_a_participant_who_has_not_answered(client_for, pair):
    AssessmentFactory(cohort=pair.cohort, closes_on=TODAY + 9 * DAY)
    page = client_for(pair.member_a).get(reverse("home")).text
    assert "Your mid-point survey is open — 9 days left" in page
    assert 'data-testid="survey-card"' in page


def test_the_home_page_says_when_an_answer_can_still_change(client_for, survey, pair):
    AssessmentResponseFactory(assessment=survey, respondent=pair.member_a)
    page = client_for(pair.member_a).get(reverse("home")).text
    assert 'data-testid="survey-card"' not in page
    assert "You answered the mid-point survey" in page and answer_url(survey) in page


def test_the_home_page_says_nothing_to_others_or_about_closed_surveys(client_for, survey, pair):
    outsider = EnrollmentFactory(cohort=pair.cohort, status="approved").user
    assert 'data-testid="home-surveys"' not in client_for(outsider).get(reverse("home")).text
    Assessment.objects.filter(pk=survey.pk).update(closes_on=TODAY - DAY, opens_on=TODAY - 5 * DAY)
    assert 'data-testid="home-surveys"' not in client_for(pair.member_a).get(reverse("home")).text


def test_the_home_card_on_the_closing_day_says_it_closes_today(client_for, pair):
    AssessmentFactory(cohort=pair.cohort, closes_on=TODAY)
    assert "it closes today" in client_for(pair.member_a).get(reverse("home")).text


@pytest.mark.parametrize("count", [1, 10])
def test_the_home_page_costs_the_same_queries_whatever_the_number_of_open_surveys(
    client_for, django_assert_num_queries, count
):
    me = UserFactory()
    for index in range(count):
        pair = PartnershipFactory(member_a=me, cohort=ActiveCohortFactory())
        survey = AssessmentFactory(cohort=pair.cohort)
        if index % 2:
            AssessmentResponseFactory(assessment=survey, respondent=me)
    client = client_for(me)
    # session, user, profile, offered and wanted skills, open cohorts, the partnerships (with signature
    # and goal-count annotations), one aggregate over their sessions, the enrollments and invitations
    # the programs card lists, and the open surveys (with whether I answered each)
    with django_assert_num_queries(11):
        page = client.get(reverse("home")).text
    assert page.count('data-testid="survey-card"') == count - count // 2
    assert page.count('data-testid="survey-answered"') == count // 2


def test_the_enrollment_page_lists_the_cohorts_surveys(client_for, survey, pair, django_assert_num_queries):
    enrollment = pair.cohort.enrollments.get(user=pair.member_a)
    client = client_for(pair.member_a)
    client.get(enrollment.get_absolute_url())
    # session, user, the enrollment (cohort, program, waitlist place, partnership), my partnerships in the
    # cohort, the surveys I may answer
    with django_assert_num_queries(5):
        page = client.get(enrollment.get_absolute_url()).text
    assert answer_url(survey) in page and "not answered yet" in page


def test_django_admin_lists_who_answered_but_never_the_comment(client_for, survey):
    rita = UserFactory(full_name="Rita Respondent")
    response = AssessmentResponseFactory(assessment=survey, respondent=rita, comment="PRIVATE-comment")
    client = client_for(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        reverse("admin:surveys_assessment_changelist"),
        reverse("admin:surveys_assessment_change", args=[survey.pk]),
        reverse("admin:surveys_assessmentresponse_changelist"),
        reverse("admin:surveys_assessmentresponse_change", args=[response.pk]),
        reverse("admin:notifications_message_changelist"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "PRIVATE-comment" not in page.text, url
    assert "Rita Respondent" in client.get(reverse("admin:surveys_assessmentresponse_changelist")).text


@pytest.mark.parametrize("kind", ["midpoint", "end"])
def test_a_cohort_saved_with_an_absurd_end_still_shows_its_survey_form(client_for, program_admin, kind):
    """A cohort from before dates were bounded may end in 9999: its end survey's grace period must not overflow."""
    cohort = PartnershipFactory(cohort=ActiveCohortFactory(ends_on=datetime.date(9999, 12, 20))).cohort
    client = client_for(program_admin)
    assert client.get(schedule_url(cohort, kind)).status_code == 200
    dates = {"opens_on": (TODAY + DAY).isoformat(), "closes_on": (TODAY + 10 * DAY).isoformat()}
    assert client.post(schedule_url(cohort, kind), dates).status_code == 302
    assert Assessment.objects.get().closes_on == TODAY + 10 * DAY
