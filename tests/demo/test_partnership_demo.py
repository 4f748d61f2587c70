"""The demo's pairs: one agreement signed by both, one awaiting a first signature, one awaiting re-signing."""

import pytest

from accounts.models import User
from mentoring.demo.loader import DEMO_PROGRAM, load_demo
from mentoring.partnerships.models import AgreementSignature, AgreementVersion, Goal, Partnership
from mentoring.partnerships.selectors import agreement_state

pytestmark = pytest.mark.django_db


def _pair(first: str, second: str) -> tuple[Partnership, User, User]:
    a, b = (User.objects.get(email=f"{key}@northwind.example") for key in (first, second))
    partnership = Partnership.objects.for_user(a).for_user(b).select_related("agreement").get()
    return partnership, a, b


def test_the_demo_has_active_pairs_in_the_demo_programs_cohort():
    load_demo()
    partnerships = Partnership.objects.active().filter(cohort__program__name=DEMO_PROGRAM)
    assert partnerships.count() == 3
    assert {p.cohort.name for p in partnerships} == {"Pilot"}


def test_the_demo_agreements_show_each_signature_state():
    load_demo()
    partnership, ana, _ben = _pair("ana", "ben")
    assert agreement_state(partnership, ana).fully_signed

    partnership, _dev, fatima = _pair("dev", "fatima")
    state = agreement_state(partnership, fatima)
    assert state.partner_signed and not state.viewer_signed and state.viewer_last_signed is None

    partnership, chloe, _erik = _pair("chloe", "erik")
    state = agreement_state(partnership, chloe)
    assert state.viewer_must_resign and state.partner_signed
    assert {c.label for c in state.changes_for_viewer} == {"Meeting cadence", "Boundaries (topics off limits)"}


def test_the_demo_goals_have_progress_and_link_wanted_skills():
    load_demo()
    partnership, ana, ben = _pair("ana", "ben")
    goals = Goal.objects.filter(partnership=partnership)
    assert goals.filter(owner=ana).count() == 2 and goals.filter(owner=ben).count() == 2
    assert goals.filter(status="achieved").count() == 1
    assert all(goal.skill is not None for goal in goals)
    partnership, _dev, fatima = _pair("dev", "fatima")
    assert not Goal.objects.filter(partnership=partnership, owner=fatima).exists()  # her next action: set goals


def test_loading_the_demo_twice_duplicates_no_pair_agreement_or_goal():
    load_demo()
    counts = (
        Partnership.objects.count(),
        AgreementVersion.objects.count(),
        AgreementSignature.objects.count(),
        Goal.objects.count(),
    )
    load_demo()
    assert (
        Partnership.objects.count(),
        AgreementVersion.objects.count(),
        AgreementSignature.objects.count(),
        Goal.objects.count(),
    ) == counts
