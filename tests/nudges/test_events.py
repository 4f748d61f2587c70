"""Nudges that answer events: the people a published run left unmatched, and the summary when a cohort closes."""

import datetime

import pytest

from matching import services as matching_services
from matching.models import MatchUnmatched
from mentoring.notifications.models import Message
from mentoring.nudges.selectors import nudge_key
from mentoring.nudges.unmatched import for_participant
from mentoring.programs.services import cohort_close
from tests.factories import GoalFactory, PartnershipFactory, UserFactory
from tests.matching.cohort_helpers import four_people, matching_cohort, publish_now
from tests.nudges.helpers import DAY, held_session, moment, sweep

pytestmark = pytest.mark.django_db


# --- Unmatched at publishing ---------------------------------------------------------------------------------------


def test_publishing_tells_the_unmatched_person_why_and_what_happens_next_once(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    run = matching_services.match_run_start(cohort=cohort, started_by=program_admin)
    publish_now(run, program_admin)
    message = Message.objects.filter(channel="email").get(kind="unmatched_at_publishing")
    assert message.recipient_id == people["eve"].pk
    assert message.key == nudge_key("unmatched_at_publishing", run.pk, people["eve"].pk)
    assert "Nobody in this cohort offers the skills you want to learn." in message.body
    assert "What happens next: you stay enrolled" in message.body
    assert "https://twoway.example/me/profile/edit/" in message.body
    # The daily sweep finds the run published and its unmatched told: nothing more.
    assert sweep(moment())["unmatched_at_publishing"] == 0
    assert Message.objects.filter(channel="email", kind="unmatched_at_publishing").count() == 1


def test_the_sweep_tells_the_unmatched_of_a_run_whose_publishing_told_nobody(program_admin):
    cohort = matching_cohort()
    people = four_people(cohort)
    run = matching_services.match_run_start(cohort=cohort, started_by=program_admin)
    publish_now(run, program_admin)
    Message.objects.filter(
        channel="email", kind="unmatched_at_publishing"
    ).delete()  # as if the receiver had not been there
    assert sweep(moment())["unmatched_at_publishing"] == 1
    assert Message.objects.filter(channel="email").get(kind="unmatched_at_publishing").recipient_id == people["eve"].pk


def test_nobody_else_is_named_to_the_unmatched_person():
    ana, ben = UserFactory(full_name="Ana Costa"), UserFactory(full_name="Ben Okafor")
    row = MatchUnmatched(
        user=ana,
        reason="all 2 people who could pair with Ana Costa are already paired with someone who scores higher or who "
        "had no other partner; Closest options: Ben Okafor (40 points with Ana Costa) is paired with Cleo.",
        suggestions=[
            "3 people who may pair with Ana Costa can teach Ana Costa; if Ana Costa can offer one of the skills they "
            "want, they become partners: Excel (wanted by 2 of them).",
            "Pair them by hand with Ben Okafor.",
            "Raising the cohort's time-zone limit above 8 h would give Ana Costa 2 possible partners.",
        ],
    )
    reason, suggestions = for_participant(row, others={"Ana Costa", "Ben Okafor", "Cleo"})
    assert reason == "Everyone who could have been your partner was paired with someone they fitted even better."
    assert suggestions == [
        "3 people who may pair with you can teach you; if you can offer one of the skills they want, you could pair: "
        "Excel (wanted by 2 of them)."
    ]
    assert "Ben" not in reason + " ".join(suggestions)
    assert ben.pk


# --- Cohort closing -----------------------------------------------------------------------------------------------


def test_closing_a_cohort_sends_each_partner_what_their_pair_did(settings):
    settings.SITE_URL = "https://twoway.example"
    now = moment()
    pair = PartnershipFactory()
    held_session(end=now - 10 * DAY, pair=pair, halves=(30, 25))  # A mentors 30, B mentors 25
    held_session(end=now - 3 * DAY, pair=pair, halves=(30, 30), halves__first_mentor=pair.member_b)
    GoalFactory(partnership=pair, owner=pair.member_a, title="Write my first SQL join", progress=70)
    cohort_close(cohort=pair.cohort)
    to_a = Message.objects.filter(channel="email").get(kind="cohort_summary", recipient=pair.member_a)
    assert "Sessions held: 2" in to_a.body
    assert f"You taught {pair.member_b.display_name}: 60 minutes" in to_a.body
    assert f"{pair.member_b.display_name} taught you: 55 minutes" in to_a.body
    assert "- Write my first SQL join: 70%" in to_a.body
    assert "Alumni stay reachable" in to_a.body
    assert "what you have learned: https://twoway.example/\n" in to_a.body  # no alumni page yet: the home page
    assert f"https://twoway.example/partnerships/{pair.pk}/" in to_a.body
    to_b = Message.objects.filter(channel="email").get(kind="cohort_summary", recipient=pair.member_b)
    assert "You taught" in to_b.body and ": 55 minutes" in to_b.body


def test_closing_sends_no_summary_to_a_pair_that_ended_before_or_a_withdrawn_person():
    pair = PartnershipFactory()
    ended = PartnershipFactory(cohort=pair.cohort, status="ended", ended_at=moment() - datetime.timedelta(days=9))
    pair.cohort.enrollments.filter(user=pair.member_b).update(status="withdrawn")
    cohort_close(cohort=pair.cohort)
    assert list(
        Message.objects.filter(channel="email", kind="cohort_summary").values_list("recipient_id", flat=True)
    ) == [pair.member_a_id]
    assert ended.pk
