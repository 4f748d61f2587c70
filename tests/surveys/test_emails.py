"""When a survey opens, everyone who may answer it gets exactly one e-mail with a link; nobody else does."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.notifications.services import message_claim, messages_muted, outbox_sweep
from mentoring.notifications.tasks import deliver_message
from mentoring.surveys.services import (
    assessment_close_now,
    assessment_emails_queue,
    assessment_open_now,
    assessment_response_save,
    assessment_schedule,
)
from mentoring.surveys.tasks import send_assessment_emails
from tests.factories import (
    AssessmentFactory,
    AssessmentResponseFactory,
    EnrollmentFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
BASE = "https://twoway.example"


@pytest.fixture
def pair():
    return PartnershipFactory()


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def queue(django_capture_on_commit_callbacks, **kwargs) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return assessment_emails_queue(base_url=BASE, **kwargs)


def test_an_open_survey_e_mails_each_partner_once_with_a_link(pair, mailoutbox, django_capture_on_commit_callbacks):
    survey = AssessmentFactory(cohort=pair.cohort)
    assert queue(django_capture_on_commit_callbacks) == 2
    assert recipients(mailoutbox) == sorted([pair.member_a.email, pair.member_b.email])
    message = mailoutbox[0]
    assert "mid-point survey" in message.subject and pair.cohort.name in message.subject
    assert f"{BASE}/programs/surveys/{survey.pk}/" in message.body
    assert f'href="{BASE}/programs/surveys/{survey.pk}/"' in message.alternatives[0][0]
    assert "Your partner never sees your answers" in message.body

    assert queue(django_capture_on_commit_callbacks) == 0  # beat again: nothing new, nothing resent
    assert len(mailoutbox) == 2
    assert list(Message.objects.filter(channel="email").values_list("state", flat=True)) == ["sent", "sent"]


def test_sending_a_claimed_e_mail_again_sends_nothing(pair, mailoutbox):
    AssessmentFactory(cohort=pair.cohort)
    assessment_emails_queue(base_url=BASE)  # the doorbell waits for a commit that never comes
    email = Message.objects.filter(channel="email").get(recipient=pair.member_a)
    assert deliver_message.delay(message_id=email.pk).get() == "sent"
    assert deliver_message.delay(message_id=email.pk).get() == "not claimed"
    assert recipients(mailoutbox) == [pair.member_a.email]


def test_only_people_who_may_answer_are_e_mailed(pair, mailoutbox, django_capture_on_commit_callbacks):
    cohort = pair.cohort
    ended = PartnershipFactory(cohort=cohort, status="ended", ended_at=timezone.now())
    EnrollmentFactory(cohort=cohort, status="approved")  # never matched
    EnrollmentFactory(cohort=cohort, status="applied")
    withdrawn = PartnershipFactory(cohort=cohort)
    cohort.enrollments.filter(user=withdrawn.member_a).update(status="withdrawn")
    PartnershipFactory()  # another cohort's pair
    UserFactory()
    AssessmentFactory(cohort=cohort)
    queue(django_capture_on_commit_callbacks)
    expected = [pair.member_a, pair.member_b, ended.member_a, ended.member_b, withdrawn.member_b]
    assert recipients(mailoutbox) == sorted(p.email for p in expected)


def test_someone_who_already_answered_is_not_e_mailed(pair, mailoutbox, django_capture_on_commit_callbacks):
    survey = AssessmentFactory(cohort=pair.cohort)
    AssessmentResponseFactory(assessment=survey, respondent=pair.member_a)
    queue(django_capture_on_commit_callbacks)
    assert recipients(mailoutbox) == [pair.member_b.email]


def test_someone_paired_while_the_survey_is_open_is_e_mailed_on_the_next_run(
    pair, mailoutbox, django_capture_on_commit_callbacks
):
    AssessmentFactory(cohort=pair.cohort)
    queue(django_capture_on_commit_callbacks)
    late = PartnershipFactory(cohort=pair.cohort)
    assert queue(django_capture_on_commit_callbacks) == 2
    assert recipients(mailoutbox[2:]) == sorted([late.member_a.email, late.member_b.email])


def test_surveys_not_yet_open_or_closed_e_mail_nobody(pair, mailoutbox, django_capture_on_commit_callbacks):
    AssessmentFactory(cohort=pair.cohort, opens_on=TODAY + DAY, closes_on=TODAY + 9 * DAY)
    # closed by date
    AssessmentFactory(cohort=pair.cohort, kind="end", opens_on=TODAY - 9 * DAY, closes_on=TODAY - DAY)
    other = PartnershipFactory()
    AssessmentFactory(cohort=other.cohort, closed_at=timezone.now())  # closed early
    assert queue(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_a_survey_that_closes_before_its_e_mail_goes_out_sends_nothing(pair, mailoutbox):
    survey = AssessmentFactory(cohort=pair.cohort)
    assessment_emails_queue(base_url=BASE)  # the doorbell waits for a commit that never comes
    assessment_close_now(assessment=survey)
    for email in Message.objects.filter(channel="email"):
        assert deliver_message.delay(message_id=email.pk).get() == "not claimed"
    assert mailoutbox == []
    assert set(Message.objects.filter(channel="email").values_list("state", flat=True)) == {"cancelled"}


def test_someone_who_answers_before_the_e_mail_goes_out_is_not_e_mailed(pair, mailoutbox):
    survey = AssessmentFactory(cohort=pair.cohort)
    assessment_emails_queue(base_url=BASE)
    answers = {"nps": 9, "met_as_agreed": 4, "learned_used": 4, "taught_used": 4, "two_way_better": 5, "comment": ""}
    assessment_response_save(assessment=survey, respondent=pair.member_a, answers=answers, skill_levels={})
    for email in Message.objects.filter(channel="email"):
        deliver_message.delay(message_id=email.pk)
    assert recipients(mailoutbox) == [pair.member_b.email]


def test_an_e_mail_not_sent_by_the_end_of_the_closing_day_is_dropped(pair, mailoutbox):
    AssessmentFactory(cohort=pair.cohort, opens_on=TODAY - DAY, closes_on=TODAY)
    assessment_emails_queue(base_url=BASE)  # the doorbell is lost
    tomorrow = datetime.datetime.combine(TODAY + DAY, datetime.time(0, 1), timezone.get_default_timezone())
    assert outbox_sweep(now=tomorrow) == 0
    assert message_claim(message_id=Message.objects.filter(channel="email").first().pk, now=tomorrow) is None
    assert set(Message.objects.filter(channel="email").values_list("state", flat=True)) == {"cancelled"}
    assert mailoutbox == []


def test_opening_now_e_mails_at_once(pair, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        survey = assessment_schedule(
            cohort=pair.cohort,
            kind="midpoint",
            opens_on=TODAY + 5 * DAY,
            closes_on=TODAY + 15 * DAY,
            by=None,
            base_url=BASE,
        )
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assessment_open_now(assessment=survey, base_url=BASE)
    assert len(mailoutbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        send_assessment_emails.delay()  # what beat runs: the same people are not e-mailed twice
    assert len(mailoutbox) == 2


def test_a_survey_scheduled_to_open_today_e_mails_at_once(pair, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assessment_schedule(
            cohort=pair.cohort, kind="midpoint", opens_on=TODAY, closes_on=TODAY + 9 * DAY, by=None, base_url=BASE
        )
    assert len(mailoutbox) == 2


def test_nothing_is_recorded_or_sent_while_e_mail_is_muted(pair, mailoutbox, django_capture_on_commit_callbacks):
    AssessmentFactory(cohort=pair.cohort)
    with messages_muted():
        assert queue(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == [] and not Message.objects.filter(channel="email").exists()


def test_beat_runs_the_survey_e_mails_every_fifteen_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["assessment-emails"]
    assert entry == {"task": "mentoring.surveys.tasks.send_assessment_emails", "schedule": 900.0}
