"""Each rule's boundaries: the moment before, the moment itself, and after it stops (or once is enough)."""

import datetime

import pytest
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.nudges.selectors import nudge_key
from mentoring.programs.models import Enrollment
from tests.factories import (
    AgreementFactory,
    AssessmentFactory,
    AssessmentResponseFactory,
    CohortFactory,
    EnrollmentFactory,
    GoalFactory,
    OfferedSkillFactory,
    PartnershipFactory,
    SessionFactory,
    SkillProfileFactory,
    WantedSkillFactory,
)
from tests.nudges.helpers import DAY, MINUTE, held_session, keys, moment, recipients, sweep

pytestmark = pytest.mark.django_db


# --- Log your session: a day after an accepted session's end, once ------------------------------------------------


def _accepted(end, pair=None):
    pair = pair or PartnershipFactory(started_at=end - 30 * DAY)
    return SessionFactory(partnership=pair, status="accepted", start=end - datetime.timedelta(hours=1), end=end)


def test_log_reminder_not_the_minute_before_a_day_has_passed():
    now = moment()
    _accepted(now - DAY + MINUTE)
    assert sweep(now)["session_log_due"] == 0


def test_log_reminder_a_day_after_to_both_partners_once():
    now = moment()
    session = _accepted(now - DAY)
    assert sweep(now)["session_log_due"] == 2
    assert sweep(now + DAY)["session_log_due"] == 0
    assert keys("session_log_due") == sorted(
        nudge_key("session_log_due", session.pk, member.pk) for member in session.partnership.members
    )
    assert (
        f"/sessions/{session.pk}/log/" in Message.objects.filter(channel="email", kind="session_log_due").first().body
    )


def test_no_log_reminder_for_a_logged_session():
    now = moment()
    held_session(end=now - DAY)
    assert sweep(now)["session_log_due"] == 0


# --- Cadence: two days past the agreed cadence with nothing scheduled ----------------------------------------------


def test_cadence_counts_from_the_last_session_with_the_agreements_cadence():
    now = moment()
    session = held_session(end=now - 9 * DAY)
    AgreementFactory(partnership=session.partnership, cadence="weekly")  # the cohort says every two weeks
    # Weekly: due 7 + 2 days after the last session's start (an hour before its end).
    assert sweep(now - datetime.timedelta(hours=1) - MINUTE)["cadence_lapsed"] == 0
    assert sweep(now)["cadence_lapsed"] == 2
    assert sweep(now + DAY)["cadence_lapsed"] == 0
    assert keys("cadence_lapsed")[0].endswith(f":{session.pk}")
    assert (
        f"/sessions/partnerships/{session.partnership_id}/new/"
        in Message.objects.filter(channel="email", kind="cadence_lapsed")[0].body
    )


def test_cadence_falls_back_to_the_cohort_and_counts_from_the_match():
    now = moment()
    pair = PartnershipFactory(started_at=now - 16 * DAY, cohort__cadence="biweekly")
    assert sweep(now - MINUTE)["cadence_lapsed"] == 0
    assert sweep(now)["cadence_lapsed"] == 2
    assert keys("cadence_lapsed") == sorted(nudge_key("cadence_lapsed", pair.pk, m.pk, 0) for m in pair.members)


def test_no_cadence_reminder_while_a_session_is_scheduled_and_a_new_lapse_is_nudged_again():
    now = moment()
    pair = PartnershipFactory(started_at=now - 40 * DAY, cohort__cadence="weekly")
    upcoming = SessionFactory(partnership=pair, start=now + DAY)
    assert sweep(now)["cadence_lapsed"] == 0
    upcoming.status, upcoming.start, upcoming.end = "held", now - DAY, now - DAY + datetime.timedelta(hours=1)
    upcoming.save()
    assert sweep(now + 8 * DAY)["cadence_lapsed"] == 2  # 9 days after it: a new lapse, a new occurrence


# --- Agreement: seven days after the match, unsigned -------------------------------------------------------------


def test_agreement_reminder_seven_days_after_the_match_to_whoever_has_not_signed():
    now = moment()
    pair = PartnershipFactory(started_at=now - 7 * DAY)
    AgreementFactory(partnership=pair, signed_by=[pair.member_a])
    assert sweep(now - MINUTE)["agreement_unsigned"] == 0
    assert sweep(now)["agreement_unsigned"] == 1
    assert recipients("agreement_unsigned") == [pair.member_b_id]
    assert sweep(now + DAY)["agreement_unsigned"] == 0
    assert (
        f"/partnerships/{pair.pk}/#agreement"
        in Message.objects.filter(channel="email").get(kind="agreement_unsigned").body
    )


def test_a_pair_without_an_agreement_is_asked_to_write_it():
    now = moment()
    PartnershipFactory(started_at=now - 8 * DAY)
    assert sweep(now)["agreement_unsigned"] == 2
    assert "no agreement yet" in Message.objects.filter(channel="email", kind="agreement_unsigned")[0].body


# --- Goals: after the second held session, none set --------------------------------------------------------------


def test_goals_reminder_after_the_second_held_session_not_the_first():
    now = moment()
    first = held_session(end=now - 10 * DAY)
    GoalFactory(partnership=first.partnership, owner=first.partnership.member_a)
    assert sweep(now)["goals_unset"] == 0
    held_session(end=now - 3 * DAY, pair=first.partnership)
    assert sweep(now)["goals_unset"] == 1
    assert recipients("goals_unset") == [first.partnership.member_b_id]
    assert sweep(now + DAY)["goals_unset"] == 0


# --- Surveys: two days before closing, unanswered ----------------------------------------------------------------


def test_survey_reminder_two_days_before_it_closes_to_those_who_have_not_answered():
    now = moment()
    today = timezone.localdate(now)
    pair = PartnershipFactory()
    survey = AssessmentFactory(cohort=pair.cohort, opens_on=today - 5 * DAY, closes_on=today + 3 * DAY)
    AssessmentResponseFactory(assessment=survey, respondent=pair.member_a)
    assert sweep(now)["survey_closing"] == 0
    assert sweep(now + DAY)["survey_closing"] == 1
    assert recipients("survey_closing") == [pair.member_b_id]
    assert sweep(now + 2 * DAY)["survey_closing"] == 0
    assert f"/programs/surveys/{survey.pk}/" in Message.objects.filter(channel="email").get(kind="survey_closing").body


def test_no_survey_reminder_after_it_closed_early():
    now = moment()
    today = timezone.localdate(now)
    pair = PartnershipFactory()
    AssessmentFactory(cohort=pair.cohort, opens_on=today - 5 * DAY, closes_on=today + DAY, closed_at=now)
    assert sweep(now)["survey_closing"] == 0


# --- Profile: three days before enrollment closes, incomplete (programs' own reminder) ----------------------------


def test_profile_reminder_three_days_before_enrollment_closes_once():
    now = moment()
    today = timezone.localdate(now)
    cohort = CohortFactory(enrollment_closes_on=today + 4 * DAY)
    incomplete = EnrollmentFactory(cohort=cohort)
    complete = EnrollmentFactory(cohort=cohort)
    SkillProfileFactory(user=complete.user)
    OfferedSkillFactory(user=complete.user)
    WantedSkillFactory(user=complete.user)
    assert sweep(now)["profile_reminder"] == 0
    assert sweep(now + DAY)["profile_reminder"] == 1
    assert recipients("profile_reminder") == [incomplete.user_id]
    assert sweep(now + 2 * DAY)["profile_reminder"] == 0  # once in the window, though another day
    assert Enrollment.objects.get(pk=incomplete.pk).profile_reminder_sent_on == today + DAY


def test_profile_reminder_skips_whoever_a_program_admin_reminded_in_the_window():
    now = moment()
    today = timezone.localdate(now)
    cohort = CohortFactory(enrollment_closes_on=today + 2 * DAY)
    EnrollmentFactory(cohort=cohort, profile_reminder_sent_on=today - DAY)
    assert sweep(now)["profile_reminder"] == 0


# --- Never to ended pairs, withdrawn people or closed cohorts ------------------------------------------------------


def _everything_due(now):
    """One pair with a nudge of every partnership rule due now."""
    pair = PartnershipFactory(started_at=now - 20 * DAY)
    held_session(end=now - DAY, pair=pair)
    held_session(end=now - 18 * DAY, pair=pair)
    _accepted(now - 2 * DAY, pair=pair)
    return pair


def test_a_pair_with_everything_due_gets_every_nudge():
    now = moment()
    _everything_due(now)
    written = sweep(now)
    assert {
        kind: written[kind] for kind in ("checkin_due", "session_log_due", "agreement_unsigned", "goals_unset")
    } == {
        "checkin_due": 2,
        "session_log_due": 2,
        "agreement_unsigned": 2,
        "goals_unset": 2,
    }


def test_an_ended_pair_gets_no_nudge():
    now = moment()
    pair = _everything_due(now)
    PartnershipFactory._meta.model.objects.filter(pk=pair.pk).update(status="ended", ended_at=now)
    sweep(now)
    assert not Message.objects.filter(channel="email").exists()


def test_a_withdrawn_participant_gets_no_nudge_but_their_partner_does():
    now = moment()
    pair = _everything_due(now)
    Enrollment.objects.filter(user=pair.member_a).update(status="withdrawn")
    sweep(now)
    assert set(Message.objects.filter(channel="email").values_list("recipient_id", flat=True)) == {pair.member_b_id}


def test_a_closed_cohort_gets_no_nudge():
    now = moment()
    pair = _everything_due(now)
    pair.cohort.__class__.objects.filter(pk=pair.cohort_id).update(status="closed")
    sweep(now)
    assert not Message.objects.filter(channel="email").exists()


def test_only_the_survey_closing_soon_is_reminded_of_not_the_cohorts_other_one():
    now = moment()
    today = timezone.localdate(now)
    pair = PartnershipFactory()
    AssessmentFactory(cohort=pair.cohort, kind="midpoint", opens_on=today - 5 * DAY, closes_on=today + 10 * DAY)
    soon = AssessmentFactory(cohort=pair.cohort, kind="end", opens_on=today - DAY, closes_on=today + 2 * DAY)
    assert sweep(now)["survey_closing"] == 2
    assert keys("survey_closing") == sorted(nudge_key("survey_closing", soon.pk, m.pk) for m in pair.members)
    assert "The end survey" in Message.objects.filter(channel="email", kind="survey_closing")[0].body
