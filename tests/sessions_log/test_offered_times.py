"""A proposal across time zones: each time on the partner's clock, a warning outside their working day, up to three
times offered, and the partner picks one (the calendar invitation goes out for that time alone)."""

import datetime
import importlib
import zoneinfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.models import Message
from sessions_log import services
from sessions_log.models import OfferedTime, Session, SessionStatus
from sessions_log.times import partner_time
from tests.factories import LeaderFactory, PartnershipFactory, ProgramAdminFactory, SessionFactory, UserFactory
from tests.sessions_log.conftest import BASE_URL, in_days

pytestmark = pytest.mark.django_db

# A day of next year outside Ramadan, when Morocco keeps UTC+1.
YEAR = datetime.date.today().year + 1
DAY = f"{YEAR}-07-13"


@pytest.fixture
def fatima_and_ravi(db):
    """Ravi (Kolkata, UTC+5:30) proposes to Fatima (Casablanca, UTC+1)."""
    ravi = UserFactory(full_name="Ravi Iyer", timezone="Asia/Kolkata")
    fatima = UserFactory(full_name="Fatima Benali", timezone="Africa/Casablanca")
    return PartnershipFactory(member_a=ravi, member_b=fatima)


def propose_url(pair):
    return reverse("sessions_log:session_propose", args=[pair.pk])


def form(*times, **extra):
    """Up to three (date, time) pairs as the proposal form posts them."""
    data = {"location": "Video call", "agenda": ""}
    for n, (day, time) in enumerate(times, start=1):
        suffix = "" if n == 1 else f"_{n}"
        data[f"date{suffix}"], data[f"time{suffix}"] = day, time
    return {**data, **extra}


def test_a_time_reads_on_both_clocks_computed_from_each_persons_zone(fatima_and_ravi):
    ravi, fatima = fatima_and_ravi.member_a, fatima_and_ravi.member_b
    start = datetime.datetime(YEAR, 7, 13, 3, 30, tzinfo=datetime.UTC)  # 09:00 in Kolkata
    clocks = partner_time(start, 60, viewer=ravi, partner=fatima)
    assert clocks.text == "09:00 for you is 04:30 for Fatima Benali in Casablanca."
    assert clocks.warning.startswith("That is outside 08:00–19:00 for Fatima Benali: 04:30–05:30")


def test_a_time_inside_the_partners_day_has_no_warning_and_a_day_change_is_named(fatima_and_ravi):
    ravi, fatima = fatima_and_ravi.member_a, fatima_and_ravi.member_b
    inside = partner_time(datetime.datetime(YEAR, 7, 13, 9, 0, tzinfo=datetime.UTC), 60, viewer=ravi, partner=fatima)
    assert inside.text == "14:30 for you is 10:00 for Fatima Benali in Casablanca."
    assert inside.warning == ""
    late = datetime.datetime(YEAR, 7, 13, 19, 0, tzinfo=datetime.UTC)  # Wed 00:30 in Kolkata, Tue 20:00 in Casablanca
    clocks = partner_time(late, 60, viewer=ravi, partner=fatima)
    assert clocks.text == f"{clocks.mine:%a} 00:30 for you is {clocks.theirs:%a} 20:00 for Fatima Benali in Casablanca."
    assert clocks.mine.date() != clocks.theirs.date() and clocks.warning


def test_the_form_shows_a_typed_time_on_the_partners_clock_with_the_warning(fatima_and_ravi, client_for):
    client = client_for(fatima_and_ravi.member_a)
    page = client.get(propose_url(fatima_and_ravi))
    assert "Fatima Benali is in Africa/Casablanca" in page.text
    # A form sent back for another reason (no place) still shows each typed time on Fatima's clock.
    response = client.post(propose_url(fatima_and_ravi), form((DAY, "09:00"), (DAY, "14:30"), location=""))
    assert response.status_code == 400
    assert "09:00 for you is 04:30 for Fatima Benali in Casablanca." in response.text
    assert "14:30 for you is 10:00 for Fatima Benali in Casablanca." in response.text
    assert response.text.count('data-testid="partner-warning"') == 1
    assert not Session.objects.exists()


def test_the_partner_clock_answers_each_typed_time(fatima_and_ravi, client_for):
    url = reverse("sessions_log:partner_clock", args=[fatima_and_ravi.pk])
    client = client_for(fatima_and_ravi.member_a)
    response = client.get(url, {"slot": "2", "date_2": DAY, "time_2": "09:00"})
    assert "04:30 for Fatima Benali in Casablanca" in response.text
    assert "Outside working hours." in response.text
    for bad in ({"slot": "2", "date_2": "31-02", "time_2": "09:00"}, {"slot": "7"}, {"date": "9999-12-31"}, {}):
        response = client.get(url, bad)
        assert response.status_code == 200 and "for Fatima" not in response.text


def test_proposing_three_times_offers_them_all_and_warns_without_refusing(fatima_and_ravi, client_for):
    client = client_for(fatima_and_ravi.member_a)
    response = client.post(
        propose_url(fatima_and_ravi), form((DAY, "14:30"), (DAY, "09:00"), (f"{YEAR}-07-14", "15:00")), follow=True
    )
    session = Session.objects.get()
    offered = list(session.offered_times.values_list("start", flat=True))
    assert [f"{t:%d %H:%M}" for t in offered] == ["13 03:30", "13 09:00", "14 09:30"]
    assert session.start == offered[0] and session.status == SessionStatus.PROPOSED
    assert "Outside working hours." in response.text
    assert "That is outside 08:00–19:00 for Fatima Benali: 04:30–05:30 on their clock." in response.text
    assert "pick one of the times" in response.text
    email = Message.objects.filter(channel="email").get(kind="session_proposal")
    assert email.recipient == fatima_and_ravi.member_b and "They offer 3 times" in email.body


@pytest.mark.parametrize(
    ("times", "field", "message"),
    [
        (((DAY, "10:00"), (DAY, "10:00")), "time_2", "You already offer this time."),
        (((DAY, "10:00"), ("2020-01-01", "10:00")), "date_2", "Pick a date between"),
        (((DAY, "10:00"), (DAY, "11:00"), (f"{YEAR + 5}-01-01", "10:00")), "date_3", "Pick a date between"),
        (((DAY, "10:00"), (DAY, "")), "time_2", "Give both a date and a time"),
        (((DAY, "10:00"), (DAY, "25:99")), "time_2", "Enter a valid time."),
    ],
)
def test_bad_offered_times_are_field_errors_and_nothing_is_written(fatima_and_ravi, client_for, times, field, message):
    response = client_for(fatima_and_ravi.member_a).post(propose_url(fatima_and_ravi), form(*times))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert (
        not Session.objects.exists()
        and not OfferedTime.objects.exists()
        and not Message.objects.filter(channel="email").exists()
    )


def test_an_offered_time_in_the_past_is_refused_on_its_field(fatima_and_ravi, client_for):
    # Yesterday on Ravi's own clock: inside the window his form allows, and in the past.
    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    yesterday = (timezone.localdate(timezone=kolkata) - datetime.timedelta(days=1)).isoformat()
    response = client_for(fatima_and_ravi.member_a).post(
        propose_url(fatima_and_ravi), form((DAY, "10:00"), (yesterday, "10:00"))
    )
    assert response.status_code == 400
    assert "in the past" in str(response.context["form"].errors["date_2"])
    assert not Session.objects.exists()


def test_the_service_refuses_more_than_three_times_and_duplicates_whatever_the_caller(fatima_and_ravi):
    ravi = fatima_and_ravi.member_a
    starts = [in_days(3, hour=h) for h in (9, 10, 11, 12)]
    with pytest.raises(ValidationError, match="at most 3 times"):
        services.session_propose(
            partnership=fatima_and_ravi,
            proposed_by=ravi,
            start=starts[0],
            other_starts=starts[1:],
            location="Room",
            base_url=BASE_URL,
        )
    with pytest.raises(ValidationError) as refused:
        services.session_propose(
            partnership=fatima_and_ravi,
            proposed_by=ravi,
            start=starts[0],
            other_starts=[starts[0]],
            location="Room",
            base_url=BASE_URL,
        )
    assert "time_2" in refused.value.message_dict
    assert not Session.objects.exists() and not OfferedTime.objects.exists()


def test_an_offered_time_that_clashes_is_refused_on_its_own_field(fatima_and_ravi):
    ravi = fatima_and_ravi.member_a
    SessionFactory(partnership=fatima_and_ravi, start=in_days(3, hour=11))
    with pytest.raises(ValidationError) as refused:
        services.session_propose(
            partnership=fatima_and_ravi,
            proposed_by=ravi,
            start=in_days(3, hour=9),
            other_starts=[in_days(3, hour=11)],
            location="Room",
            base_url=BASE_URL,
        )
    assert list(refused.value.message_dict) == ["time_2"]
    assert Session.objects.count() == 1


@pytest.fixture
def three_times(fatima_and_ravi):
    return services.session_propose(
        partnership=fatima_and_ravi,
        proposed_by=fatima_and_ravi.member_a,
        start=in_days(3, hour=9),
        other_starts=[in_days(4, hour=10), in_days(5, hour=11)],
        location="Video call",
        base_url=BASE_URL,
    )


def accept_url(session):
    return reverse("sessions_log:session_accept", args=[session.pk])


def test_the_partner_picks_one_and_the_invitation_is_for_that_time_alone(three_times, client_for):
    fatima = three_times.partnership.member_b
    client = client_for(fatima)
    page = client.get(three_times.get_absolute_url())
    assert "offered 3 times: pick the one that suits you" in page.text
    assert page.text.count('name="offered"') == 3
    second = three_times.offered_times.order_by("start")[1]
    response = client.post(accept_url(three_times), {"offered": second.pk})
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.status, session.start) == (SessionStatus.ACCEPTED, second.start)
    assert session.end == second.end
    invitations = Message.objects.filter(channel="email", kind="session_invitation")
    assert invitations.count() == 2
    assert {m.calendar.count("BEGIN:VEVENT") for m in invitations} == {1}
    assert {f"DTSTART:{second.start:%Y%m%dT%H%M%SZ}" in m.calendar for m in invitations} == {True}


def test_picking_twice_is_harmless(three_times, client_for):
    client = client_for(three_times.partnership.member_b)
    third = three_times.offered_times.order_by("start")[2]
    first = client.post(accept_url(three_times), {"offered": third.pk})
    again = client.post(accept_url(three_times), {"offered": third.pk}, follow=True)
    assert first.status_code == 302 and again.status_code == 200
    assert "Accepted." in again.text
    assert Message.objects.filter(channel="email", kind="session_invitation").count() == 2
    session = Session.objects.get()
    assert session.start == third.start and session.sequence == 1


@pytest.mark.parametrize("data", [{}, {"offered": "x"}, {"offered": "-1"}, {"offered": "99999999999999999999999"}])
def test_a_pick_without_a_valid_choice_changes_nothing(three_times, client_for, data):
    response = client_for(three_times.partnership.member_b).post(accept_url(three_times), data, follow=True)
    assert "Pick one of the times offered." in response.text
    assert Session.objects.get().status == SessionStatus.PROPOSED
    assert not Message.objects.filter(channel="email", kind="session_invitation").exists()


def test_a_time_offered_in_another_proposal_cannot_be_picked(three_times, client_for, other_pair):
    stranger = SessionFactory(partnership=other_pair, status="proposed", start=in_days(6))
    foreign = OfferedTime.objects.create(session=stranger, start=stranger.start, end=stranger.end)
    response = client_for(three_times.partnership.member_b).post(
        accept_url(three_times), {"offered": foreign.pk}, follow=True
    )
    assert "That is not one of the times offered." in response.text
    assert Session.objects.get(pk=three_times.pk).status == SessionStatus.PROPOSED


def test_the_proposer_cannot_pick_and_the_partner_may_decline_them_all(three_times, client_for, client):
    ravi, fatima = three_times.partnership.member_a, three_times.partnership.member_b
    first = three_times.offered_times.order_by("start")[0]
    client_for(ravi).post(accept_url(three_times), {"offered": first.pk})
    assert Session.objects.get().status == SessionStatus.PROPOSED
    client.logout()
    page = client_for(fatima).get(three_times.get_absolute_url())
    assert "Decline them all" in page.text
    response = client_for(fatima).post(
        reverse("sessions_log:session_decline", args=[three_times.pk]), {"reason": "None of these work"}
    )
    assert response.status_code == 302
    assert Session.objects.get().status == SessionStatus.DECLINED


def test_a_proposal_from_before_offered_times_is_accepted_as_before_and_the_migration_gives_it_one(pair, client_for):
    session = SessionFactory(partnership=pair, start=in_days(2), status="proposed", proposed_by=pair.member_a)
    accepted = SessionFactory(partnership=pair, start=in_days(3))
    migration = importlib.import_module("sessions_log.migrations.0006_offered_times")
    migration.one_offered_time_per_proposal(apps, None)
    assert list(OfferedTime.objects.values_list("session", "start", "end")) == [
        (session.pk, session.start, session.end)
    ]
    assert not accepted.offered_times.exists()
    response = client_for(pair.member_b).post(accept_url(session))
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).status == SessionStatus.ACCEPTED


def test_a_counter_proposal_replaces_the_times_offered(three_times):
    fatima = three_times.partnership.member_b
    services.session_propose_other_time(session=three_times, by=fatima, start=in_days(7, hour=12), base_url=BASE_URL)
    assert list(OfferedTime.objects.values_list("start", flat=True)) == [in_days(7, hour=12)]


@pytest.mark.parametrize("who", ["anonymous", "employee", "program_admin", "leader", "other_pair"])
def test_nobody_outside_the_pair_sees_the_partner_clock_or_picks(three_times, client, client_for, other_pair, who):
    users = {
        "employee": UserFactory,
        "program_admin": ProgramAdminFactory,
        "leader": LeaderFactory,
        "other_pair": lambda: other_pair.member_a,
    }
    clock = reverse("sessions_log:partner_clock", args=[three_times.partnership.pk])
    first = three_times.offered_times.order_by("start")[0]
    visitor = client if who == "anonymous" else client_for(users[who]())
    clock_response = visitor.get(clock, {"date": DAY, "time": "09:00"})
    pick_response = visitor.post(accept_url(three_times), {"offered": first.pk})
    expected = 302 if who == "anonymous" else 404
    assert (clock_response.status_code, pick_response.status_code) == (expected, expected)
    if who == "anonymous":
        assert "/accounts/login/" in pick_response["Location"]
    assert Session.objects.get(pk=three_times.pk).status == SessionStatus.PROPOSED
    assert not Message.objects.filter(channel="email", kind="session_invitation").exists()


@pytest.mark.parametrize("extra_times", [0, 2])
def test_the_session_page_costs_the_same_for_one_or_three_offered_times(
    fatima_and_ravi, client_for, extra_times, django_assert_num_queries
):
    ravi = fatima_and_ravi.member_a
    session = services.session_propose(
        partnership=fatima_and_ravi,
        proposed_by=ravi,
        start=in_days(3, hour=9),
        other_starts=[in_days(4 + i, hour=9) for i in range(extra_times)],
        location="Room",
        base_url=BASE_URL,
    )
    client = client_for(fatima_and_ravi.member_b)
    # session + user; session with partnership, members and cohort; halves; notes; check-in; offered times
    with django_assert_num_queries(7):
        assert client.get(session.get_absolute_url()).status_code == 200
