"""The pair's sessions block, next actions, balances and pages cost the same queries for 3 or 300 sessions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.partnerships.models import Partnership
from sessions_log import selectors
from sessions_log.models import CheckIn, Session, SessionHalf
from tests.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_sessions(pair, count: int) -> None:
    """`count` sessions of the pair, one a day: most held in the past, some cancelled, a few still to come."""
    now = timezone.now().replace(second=0, microsecond=0)
    sessions = []
    for i in range(count):
        start = now - datetime.timedelta(days=count - i) if i < count - 2 else now + datetime.timedelta(days=i)
        status = "held" if i < count - 2 else "proposed" if i == count - 1 else "accepted"
        if i % 7 == 3 and i < count - 2:
            status = "cancelled"
        proposer = pair.member_b if status == "proposed" else pair.member_a
        sessions.append(
            Session(
                partnership=pair,
                proposed_by=proposer,
                start=start,
                end=start + datetime.timedelta(hours=1),
                location="Room",
                status=status,
            )
        )
    sessions = Session.objects.bulk_create(sessions)
    halves, checkins = [], []
    for i, s in enumerate(sessions):
        first, second = (pair.member_a, pair.member_b) if i % 2 == 0 else (pair.member_b, pair.member_a)
        actual = 30 if s.status == "held" else None
        halves += [
            SessionHalf(session=s, order=1, mentor=first, mentee=second, planned_minutes=30, actual_minutes=actual),
            SessionHalf(session=s, order=2, mentor=second, mentee=first, planned_minutes=30, actual_minutes=actual),
        ]
        if s.status == "held" and i % 2:
            checkins.append(CheckIn(session=s, author=pair.member_a, usefulness=4))
    SessionHalf.objects.bulk_create(halves)
    CheckIn.objects.bulk_create(checkins)


def loaded(pair):
    return Partnership.objects.select_related("cohort", "member_a", "member_b").get(pk=pair.pk)


@pytest.mark.parametrize(
    ("count", "history_shown", "history_more"),
    [
        (3, 1, False),  # one session in the past, the other two still to come
        (300, 5, True),  # 298 in the past (held or cancelled): the block shows the latest five and links to the rest
    ],
)
def test_partnership_sessions_context_costs_a_fixed_number_of_queries(
    pair, count, history_shown, history_more, django_assert_num_queries
):
    make_sessions(pair, count)
    partnership = loaded(pair)
    # upcoming sessions; recent history with the viewer's check-in flag; halves of both; all-time balance;
    # last-three-sessions balance; next-actions aggregate
    with django_assert_num_queries(6):
        context = selectors.partnership_sessions_context(partnership, partnership.member_a)
        rendered = [(s.half_list[0].mentor.display_name, s.proposed_by.display_name) for s in context["upcoming"]]
        rendered += [(s.half_list[0].mentee.display_name, s.checkin_due) for s in context["history"]]
    assert len(context["upcoming"]) == 2
    assert (len(context["history"]), context["history_more"]) == (history_shown, history_more)
    assert rendered


@pytest.mark.parametrize("count", [3, 300])
def test_next_session_actions_for_many_partnerships_cost_one_query(pair, count, django_assert_num_queries):
    make_sessions(pair, count)
    others = [PartnershipFactory(member_a=pair.member_a, member_b=UserFactory()) for _ in range(count // 100 + 1)]
    partnerships = [loaded(pair), *others]
    with django_assert_num_queries(1):  # one aggregate over the sessions of all the partnerships
        actions = selectors.next_session_actions(partnerships, pair.member_a)
    assert [a.label for a in actions[pair.pk]] == [selectors.ACTION_RESPOND, selectors.ACTION_CHECKIN]
    assert [a.label for a in actions[others[0].pk]] == [selectors.ACTION_SCHEDULE]


@pytest.mark.parametrize("count", [3, 300])
def test_imbalanced_partnerships_cost_a_fixed_number_of_queries(pair, count, django_assert_num_queries):
    make_sessions(pair, count)
    for _ in range(3):
        make_sessions(PartnershipFactory(cohort=pair.cohort), count)
    with django_assert_num_queries(3):  # active partnerships with members; all-time balance; last-three balance
        flagged = selectors.imbalanced_partnerships(pair.cohort)
    assert flagged == []


@pytest.mark.parametrize("count", [3, 300])
def test_pair_sessions_page_costs_the_same_for_3_or_300_sessions(client_for, pair, count, django_assert_num_queries):
    make_sessions(pair, count)
    client = client_for(pair.member_a)
    url = reverse("sessions_log:partnership_sessions", args=[pair.pk])
    # session + user; partnership with cohort and members; page: count, rows, halves;
    # sessions block: 6 (see partnership_sessions_context)
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [3, 300])
def test_cohort_overview_costs_the_same_for_3_or_300_sessions(
    client_for, pair, program_admin, count, django_assert_num_queries
):
    make_sessions(pair, count)
    client = client_for(program_admin)
    url = reverse("sessions_log:cohort_overview", args=[pair.cohort_id])
    # session + user; cohort; partnerships with last held and planned; two balance queries; contact requests;
    # shared check-ins; rating totals; rating counts; sessions by status
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [3, 300])
def test_session_page_costs_the_same_whatever_the_pairs_history(client_for, pair, count, django_assert_num_queries):
    make_sessions(pair, count)
    session = Session.objects.filter(partnership=pair).latest("start")
    client = client_for(pair.member_a)
    # session + user; session with partnership, members and cohort; halves; notes; viewer's check-in; the times the
    # proposal offers (the latest session is a proposal)
    with django_assert_num_queries(7):
        assert client.get(session.get_absolute_url()).status_code == 200
