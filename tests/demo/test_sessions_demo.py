"""The demo pairs get a session history: held sessions with halves and check-ins, one pair out of balance,
one that stopped meeting; loading twice adds nothing."""

import pytest

from accounts.models import User
from mentoring.demo.loader import DEMO_PROGRAM, load_demo
from mentoring.demo.sessions import load_demo_sessions
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort
from sessions_log import selectors
from sessions_log.models import CheckIn, Session, SessionHalf, SessionNote

pytestmark = pytest.mark.django_db


def person(key: str) -> User:
    return User.objects.get(email=f"{key}@northwind.example")


def pair(first: str, second: str) -> Partnership:
    return (
        Partnership.objects.for_user(person(first))
        .for_user(person(second))
        .select_related("cohort", "member_a", "member_b")
        .get()
    )


def test_the_demo_pairs_have_held_sessions_with_halves_and_check_ins():
    load_demo()
    for first, second in (("ana", "ben"), ("chloe", "erik"), ("dev", "fatima")):
        partnership = pair(first, second)
        assert partnership.sessions.held().count() >= 2
        assert CheckIn.objects.filter(session__partnership=partnership).exists()
    assert SessionHalf.objects.filter(session__status="held", actual_minutes__isnull=True).count() == 0
    assert SessionNote.objects.exists()


def test_one_demo_pair_is_out_of_balance_and_one_has_stopped_meeting():
    load_demo()
    cohort = Cohort.objects.get(program__name=DEMO_PROGRAM, name="Pilot")
    flagged = selectors.imbalanced_partnerships(cohort)
    assert [b.partnership for b in flagged] == [pair("chloe", "erik")]
    assert flagged[0].recent_leader == person("erik")
    overview = selectors.cohort_session_overview(cohort)
    assert overview.quiet == [pair("dev", "fatima")]
    assert [c.author for c in overview.contact_requests] == [person("chloe")]


def test_demo_shows_next_actions_on_ana_and_bens_pair():
    load_demo()
    partnership = pair("ana", "ben")
    ana_actions = [a.label for a in selectors.next_session_actions([partnership], person("ana"))[partnership.pk]]
    assert ana_actions == [selectors.ACTION_RESPOND, selectors.ACTION_CHECKIN]
    assert not selectors.teaching_balances([partnership])[partnership.pk].is_imbalanced


def test_loading_the_demo_twice_adds_no_session():
    load_demo()
    counts = (Session.objects.count(), SessionHalf.objects.count(), CheckIn.objects.count())
    load_demo()
    assert load_demo_sessions() == 0
    assert (Session.objects.count(), SessionHalf.objects.count(), CheckIn.objects.count()) == counts
