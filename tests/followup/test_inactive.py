import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mentoring.followup.models import FitCheck, FollowupAction
from mentoring.followup.services import inactive_pairs_sweep
from mentoring.followup.tasks import close_inactive_pairs
from mentoring.notifications.models import Message
from mentoring.partnerships.models import Partnership, PartnershipStatus
from tests.factories import ActiveCohortFactory, PartnershipFactory, SessionFactory
from tests.followup.conftest import days_ago

LATER = datetime.timedelta(days=7, hours=1)


def _inactive_pair(cohort, days=40):
    return PartnershipFactory(cohort=cohort, started_at=days_ago(days))


def test_automatic_closing_is_off_by_default(db):
    _inactive_pair(ActiveCohortFactory(), days=400)
    assert inactive_pairs_sweep() == {"warned": 0, "ended": 0}
    assert not Message.objects.filter(channel="email").exists()


def test_an_inactive_pair_is_warned_once_then_ended_a_week_later(db):
    cohort = ActiveCohortFactory(auto_close_inactive_days=30)
    pair = _inactive_pair(cohort)
    active = _inactive_pair(cohort, days=10)
    assert inactive_pairs_sweep() == {"warned": 1, "ended": 0}
    assert inactive_pairs_sweep() == {"warned": 0, "ended": 0}  # the next beat: nothing new
    warnings = Message.objects.filter(channel="email", kind="followup_inactive_warning")
    assert sorted(warnings.values_list("recipient_id", flat=True)) == sorted([pair.member_a_id, pair.member_b_id])
    assert inactive_pairs_sweep(now=timezone.now() + datetime.timedelta(days=6)) == {"warned": 0, "ended": 0}
    assert inactive_pairs_sweep(now=timezone.now() + LATER) == {"warned": 0, "ended": 1}
    pair.refresh_from_db()
    assert pair.status == PartnershipStatus.ENDED
    assert Message.objects.filter(channel="email", kind="followup_inactive_ended").count() == 2
    assert list(FollowupAction.objects.filter(partnership=pair).values_list("kind", "by")) == [
        ("auto_end", None),
        ("auto_warning", None),
    ]
    assert Partnership.objects.get(pk=active.pk).status == PartnershipStatus.ACTIVE


@pytest.mark.parametrize("act", ["schedule", "log", "fit_check"])
def test_either_partner_acting_after_the_warning_keeps_the_pair(db, client_for, act):
    cohort = ActiveCohortFactory(auto_close_inactive_days=30)
    pair = _inactive_pair(cohort)
    inactive_pairs_sweep()
    if act == "schedule":
        SessionFactory(partnership=pair, start=timezone.now() + datetime.timedelta(days=20))
    elif act == "log":
        SessionFactory(partnership=pair, held=True, logged_at=timezone.now())
    else:
        FitCheck.objects.create(partnership=pair, author=pair.member_b, answer="yes")
    assert inactive_pairs_sweep(now=timezone.now() + LATER)["ended"] == 0
    assert Partnership.objects.get(pk=pair.pk).status == PartnershipStatus.ACTIVE


# Up to 5 pairs: 20 e-mails and in-app entries, one insert even on SQLite (999 parameters a statement).
@pytest.mark.parametrize("n", [1, 5])
def test_the_sweep_costs_a_fixed_number_of_queries(db, django_assert_num_queries, n):
    cohort = ActiveCohortFactory(auto_close_inactive_days=30)
    for _ in range(n):
        _inactive_pair(cohort)
    # the service's savepoint and its release, the inactive pairs (annotated), the warnings written and read back,
    # the e-mails (and their in-app entries) written and read back; a warning cannot be turned off, so no choices
    with django_assert_num_queries(7):
        assert inactive_pairs_sweep() == {"warned": n, "ended": 0}


def test_the_beat_task_is_scheduled_and_runs_the_sweep(db):
    assert settings.CELERY_BEAT_SCHEDULE["inactive-pairs"]["task"] == close_inactive_pairs.name
    _inactive_pair(ActiveCohortFactory(auto_close_inactive_days=30))
    assert close_inactive_pairs.apply().get() == {"warned": 1, "ended": 0}


def test_the_cohort_form_sets_the_number_of_days_and_refuses_too_few(client_for, program_admin):
    cohort = ActiveCohortFactory(status="draft")
    url = reverse("programs:cohort_edit", args=[cohort.pk])
    client = client_for(program_admin)
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["reminder_lead_hours"] = ", ".join(str(h) for h in cohort.reminder_lead_hours)
    data["auto_close_inactive_days"] = "3"
    response = client.post(url, data)
    assert response.status_code == 400 and response.context["form"].errors["auto_close_inactive_days"]
    data["auto_close_inactive_days"] = "45"
    assert client.post(url, data).status_code == 302
    cohort.refresh_from_db()
    assert cohort.auto_close_inactive_days == 45
