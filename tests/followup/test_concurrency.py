"""Two submits at the same instant (two clients, PostgreSQL's row locks): one answer, one nudge, one warning."""

import pytest
from django.db import connection

from mentoring.followup import services
from mentoring.followup.models import FitCheck, FollowupAction
from mentoring.notifications.models import Message
from tests.conftest import run_together
from tests.factories import ActiveCohortFactory, PartnershipFactory, ProgramAdminFactory, SessionFactory
from tests.followup.conftest import days_ago

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks and serialises writers; the race is meaningful on PostgreSQL")


def test_the_same_fit_check_sent_twice_at_once_keeps_one_answer():
    pair = PartnershipFactory()
    SessionFactory(partnership=pair, held=True)
    answer = lambda: services.fit_check_answer(partnership=pair, author=pair.member_a, answer="no")  # noqa: E731
    _, refusals = run_together([answer, answer])
    assert not refusals
    assert list(FitCheck.objects.values_list("answer", flat=True)) == ["no"]


def test_the_same_nudge_sent_twice_at_once_goes_out_once():
    pair = PartnershipFactory()
    admin = ProgramAdminFactory()
    nudge = lambda: services.nudge_send(partnership=pair, by=admin, text="Hello", once="same-form")  # noqa: E731
    _, refusals = run_together([nudge, nudge])
    assert len(refusals) == 1
    assert FollowupAction.objects.count() == 1
    assert Message.objects.filter(channel="email", kind="followup_nudge").count() == 2  # one to each partner


def test_two_beats_at_once_warn_an_inactive_pair_once():
    PartnershipFactory(cohort=ActiveCohortFactory(auto_close_inactive_days=30), started_at=days_ago(40))
    run_together([services.inactive_pairs_sweep, services.inactive_pairs_sweep])
    assert FollowupAction.objects.filter(kind="auto_warning").count() == 1
    assert Message.objects.filter(channel="email", kind="followup_inactive_warning").count() == 2
