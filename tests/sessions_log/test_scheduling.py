"""Proposing, answering, moving and cancelling sessions: the rules and their refusals."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.notifications.models import Message
from sessions_log.models import Session, SessionHalf
from sessions_log.services import (
    session_accept,
    session_cancel,
    session_decline,
    session_propose,
    session_propose_other_time,
    session_reschedule,
)
from tests.factories import PartnershipFactory, SessionFactory, UserFactory
from tests.sessions_log.conftest import BASE_URL, in_days

pytestmark = pytest.mark.django_db


def session_messages(session, kind):
    """The outbox messages about ``session`` of this kind (keyed session_<kind>:<session>:<recipient>:<sequence>)."""
    return Message.objects.filter(
        channel="email", kind=f"session_{kind}", key__startswith=f"session_{kind}:{session.pk}:"
    )


def propose(pair, by, start, **kwargs):
    return session_propose(
        partnership=pair, proposed_by=by, start=start, location="Room 4.12", base_url=BASE_URL, **kwargs
    )


def test_proposal_creates_a_session_of_the_cohort_length_with_two_equal_halves(pair, ana, ben):
    session = propose(pair, ana, in_days(2), agenda="Pivot tables, then negotiation.")
    assert session.status == "proposed"
    assert session.duration_minutes == pair.cohort.session_length_minutes == 60
    halves = list(session.halves.order_by("order"))
    assert [(h.mentor, h.mentee, h.planned_minutes) for h in halves] == [(ana, ben, 30), (ben, ana, 30)]


def test_first_mentor_alternates_from_session_to_session(pair, ana, ben):
    firsts = [propose(pair, ana, in_days(day)).halves.get(order=1).mentor for day in (2, 4, 6)]
    assert firsts == [ana, ben, ana]


def test_a_cancelled_session_does_not_count_for_the_alternation(pair, ana, ben):
    first = propose(pair, ana, in_days(2))
    session_cancel(session=first, by=ana, reason="Sick", base_url=BASE_URL)
    assert propose(pair, ana, in_days(4)).halves.get(order=1).mentor == ana


def test_proposal_in_the_past_is_refused_and_nothing_is_written(pair, ana):
    with pytest.raises(ValidationError) as error:
        propose(pair, ana, timezone.now() - datetime.timedelta(hours=1))
    assert "in the past" in str(error.value)
    assert not Session.objects.exists()
    assert not SessionHalf.objects.exists()
    assert not Message.objects.filter(channel="email").exists()


def test_overlap_with_my_own_session_in_another_partnership_is_refused(pair, ana):
    elsewhere = PartnershipFactory(member_a=ana, member_b=UserFactory(), cohort=pair.cohort)
    propose(elsewhere, ana, in_days(2, hour=10))
    with pytest.raises(ValidationError) as error:
        propose(pair, ana, in_days(2, hour=10) + datetime.timedelta(minutes=30))
    assert "You already have a session" in str(error.value)
    assert Session.objects.filter(partnership=pair).count() == 0


def test_overlap_with_the_partners_other_session_is_refused_without_details(pair, ana, ben):
    stranger = UserFactory(full_name="Secret Person")
    propose(PartnershipFactory(member_a=ben, member_b=stranger), ben, in_days(3, hour=9))
    with pytest.raises(ValidationError) as error:
        propose(pair, ana, in_days(3, hour=9) + datetime.timedelta(minutes=59))
    message = str(error.value)
    assert "Ben Okafor already has another session" in message
    assert "Secret" not in message
    assert Session.objects.filter(partnership=pair).count() == 0


def test_back_to_back_sessions_do_not_overlap(pair, ana):
    propose(pair, ana, in_days(2, hour=10))
    assert propose(pair, ana, in_days(2, hour=11)).pk


def test_cancelled_and_declined_sessions_free_their_time(pair, ana, ben):
    cancelled = propose(pair, ana, in_days(2))
    session_cancel(session=cancelled, by=ana, reason="Clash", base_url=BASE_URL)
    declined = propose(pair, ana, in_days(2))
    session_decline(session=declined, by=ben, reason="Away", base_url=BASE_URL)
    assert propose(pair, ana, in_days(2)).status == "proposed"


def test_ended_partnership_cannot_schedule(pair, ana):
    pair.status, pair.ended_at = "ended", timezone.now()
    pair.save()
    with pytest.raises(ValidationError, match="ended"):
        propose(pair, ana, in_days(2))
    assert not Session.objects.exists()


def test_outsider_cannot_propose(pair):
    with pytest.raises(ValidationError):
        propose(pair, UserFactory(), in_days(2))
    assert not Session.objects.exists()


def test_partner_accepts_and_both_get_an_invitation(pair, ana, ben):
    session = propose(pair, ana, in_days(2))
    before = session.sequence
    session = session_accept(session=session, by=ben, base_url=BASE_URL)
    assert session.status == "accepted"
    assert session.sequence > before
    invitations = session_messages(session, "invitation")
    assert {e.recipient for e in invitations} == {ana, ben}
    assert {e.calendar_method for e in invitations} == {"REQUEST"}


def test_proposer_cannot_accept_their_own_proposal(pair, ana):
    session = propose(pair, ana, in_days(2))
    with pytest.raises(ValidationError, match="You proposed this time"):
        session_accept(session=session, by=ana, base_url=BASE_URL)
    session.refresh_from_db()
    assert session.status == "proposed"


def test_decline_needs_a_reason(pair, ana, ben):
    session = propose(pair, ana, in_days(2))
    with pytest.raises(ValidationError, match="reason"):
        session_decline(session=session, by=ben, reason="  ", base_url=BASE_URL)
    session.refresh_from_db()
    assert session.status == "proposed"
    session_decline(session=session, by=ben, reason="On holiday", base_url=BASE_URL)
    session.refresh_from_db()
    assert (session.status, session.decline_reason) == ("declined", "On holiday")
    assert session_messages(session, "declined").get().recipient == ana


def test_counter_proposal_moves_the_time_and_hands_the_answer_back(pair, ana, ben):
    session = propose(pair, ana, in_days(2))
    uid, sequence = session.calendar_uid, session.sequence
    session_propose_other_time(
        session=session, by=ben, start=in_days(3, hour=14), note="Afternoons suit me", base_url=BASE_URL
    )
    session.refresh_from_db()
    assert session.start == in_days(3, hour=14)
    assert session.end == in_days(3, hour=15)
    assert session.proposed_by == ben
    assert session.calendar_uid == uid and session.sequence > sequence
    session_accept(session=session, by=ana, base_url=BASE_URL)
    session.refresh_from_db()
    assert session.status == "accepted"


def test_counter_proposal_ignores_the_session_itself_for_overlaps(pair, ana, ben):
    session = propose(pair, ana, in_days(2, hour=10))
    session_propose_other_time(
        session=session, by=ben, start=in_days(2, hour=10) + datetime.timedelta(minutes=30), base_url=BASE_URL
    )
    session.refresh_from_db()
    assert session.proposed_by == ben


def test_reschedule_keeps_the_uid_raises_the_sequence_and_updates_both_calendars(pair, ana, ben):
    session = SessionFactory(partnership=pair, start=in_days(2), status="accepted", invitation_sent=True)
    uid, sequence = session.calendar_uid, session.sequence
    session_reschedule(session=session, by=ben, start=in_days(5), reason="Travel", base_url=BASE_URL)
    session.refresh_from_db()
    assert (session.start, session.status, session.change_note) == (in_days(5), "accepted", "Travel")
    assert session.calendar_uid == uid and session.sequence == sequence + 1
    updates = session_messages(session, "update")
    assert {e.recipient for e in updates} == {ana, ben}
    assert {e.key.rsplit(":", 1)[1] for e in updates} == {str(session.sequence)}


def test_reschedule_into_the_past_is_refused(pair, ben):
    session = SessionFactory(partnership=pair, start=in_days(2))
    with pytest.raises(ValidationError, match="in the past"):
        session_reschedule(session=session, by=ben, start=in_days(-1), reason="Travel", base_url=BASE_URL)
    session.refresh_from_db()
    assert session.start == in_days(2) and session.sequence == 0


def test_cancel_after_invitation_sends_a_calendar_cancellation_to_both(pair, ana, ben):
    session = SessionFactory(partnership=pair, start=in_days(2), invitation_sent=True)
    session_cancel(session=session, by=ana, reason="Team offsite", base_url=BASE_URL)
    session.refresh_from_db()
    assert (session.status, session.cancelled_by, session.cancelled_late) == ("cancelled", ana, False)
    cancellations = session_messages(session, "cancellation")
    assert {(e.recipient, e.calendar_method) for e in cancellations} == {(ana, "CANCEL"), (ben, "CANCEL")}


def test_cancel_of_a_mere_proposal_tells_only_the_partner_without_calendar(pair, ana, ben):
    session = propose(pair, ana, in_days(2))
    session_cancel(session=session, by=ana, reason="Changed my mind", base_url=BASE_URL)
    cancellation = session_messages(session, "cancellation").get()
    assert (cancellation.recipient, cancellation.calendar_method) == (ben, "")


def test_cancel_within_a_day_counts_as_late(pair, ana):
    session = SessionFactory(partnership=pair, start=timezone.now() + datetime.timedelta(hours=3))
    session_cancel(session=session, by=ana, reason="Sick", base_url=BASE_URL)
    session.refresh_from_db()
    assert session.cancelled_late


def test_a_started_session_cannot_be_cancelled(pair, ana):
    session = SessionFactory(partnership=pair, start=timezone.now() - datetime.timedelta(minutes=5))
    with pytest.raises(ValidationError, match="log it as not held"):
        session_cancel(session=session, by=ana, reason="Sick", base_url=BASE_URL)
    session.refresh_from_db()
    assert session.status == "accepted"
