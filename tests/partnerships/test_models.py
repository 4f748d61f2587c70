"""Agreement and goal models: the database keeps them consistent whatever code writes them."""

import pytest
from django.db import IntegrityError, transaction

from mentoring.partnerships.models import AgreementSignature, Goal
from tests.factories import AgreementFactory, GoalFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_partnership_factory_stores_the_lower_id_as_member_a_and_keeps_what_each_teaches():
    first, second = UserFactory(), UserFactory()
    partnership = PartnershipFactory(member_a=second, member_b=first, a_teaches_b=["Sales"], b_teaches_a=["SQL"])
    assert (partnership.member_a, partnership.member_b) == (first, second)
    assert partnership.teaches(second) == ["Sales"]
    assert partnership.teaches(first) == ["SQL"]
    assert set(partnership.cohort.enrollments.values_list("status", flat=True)) == {"approved"}


def test_goal_progress_above_100_is_refused_by_the_database():
    goal = GoalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(progress=101)


def test_goal_outcome_needs_a_closing_time():
    goal = GoalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(outcome="partly")


def test_a_partner_signs_a_version_only_once():
    agreement = AgreementFactory()
    member = agreement.partnership.member_a
    AgreementSignature.objects.create(agreement=agreement, user=member, version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementSignature.objects.create(agreement=agreement, user=member, version=1)


def test_agreement_factory_stores_the_first_version_snapshot():
    agreement = AgreementFactory(channel="Slack")
    assert agreement.versions.get().snapshot["channel"] == "Slack"
    assert agreement.outcomes_of(agreement.partnership.member_b) == agreement.outcomes_b
