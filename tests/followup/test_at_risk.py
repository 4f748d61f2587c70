import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.followup.models import FitCheck, FollowupAction
from mentoring.followup.selectors import pairs_at_risk
from mentoring.notifications.models import Message
from mentoring.partnerships.models import Partnership, PartnershipStatus
from tests.factories import (
    ActiveCohortFactory,
    AgreementFactory,
    CheckInFactory,
    LeaderFactory,
    PartnershipFactory,
    SessionFactory,
    UserFactory,
)
from tests.followup.conftest import days_ago


def _risks(cohort):
    return {pair.partnership.pk: pair.codes for pair in pairs_at_risk(Partnership.objects.filter(cohort=cohort))}


def _fresh_pair(cohort, **kwargs):
    now = timezone.now()
    return PartnershipFactory(
        cohort=cohort, member_a=UserFactory(last_login=now), member_b=UserFactory(last_login=now), **kwargs
    )


def test_a_pair_without_session_within_twice_its_cadence_is_at_risk_and_one_with_a_session_to_come_is_not(db):
    cohort = ActiveCohortFactory(cadence="weekly")
    quiet = _fresh_pair(cohort, started_at=days_ago(20))
    planned = _fresh_pair(cohort, started_at=days_ago(20))
    SessionFactory(partnership=planned)  # tomorrow
    recent = _fresh_pair(cohort, started_at=days_ago(20))
    SessionFactory(partnership=recent, held=True)  # three days ago
    assert _risks(cohort) == {quiet.pk: {"no_session"}}


def test_the_agreed_cadence_counts_before_the_cohorts(db):
    cohort = ActiveCohortFactory(cadence="weekly")
    monthly = _fresh_pair(cohort, started_at=days_ago(20))
    AgreementFactory(partnership=monthly, cadence="monthly")
    assert _risks(cohort) == {}


def test_a_request_for_contact_counts_until_a_program_admin_acts(db, program_admin):
    cohort = ActiveCohortFactory()
    pair = _fresh_pair(cohort)
    CheckInFactory(session=SessionFactory(partnership=pair, held=True), contact_requested=True)
    assert _risks(cohort) == {pair.pk: {"contact"}}
    FollowupAction.objects.create(partnership=pair, kind="checkin_request", by=program_admin, key="k1")
    assert _risks(cohort) == {}


def test_a_no_a_lopsided_balance_and_an_absent_partner_each_put_a_pair_at_risk(db):
    cohort = ActiveCohortFactory()
    said_no = _fresh_pair(cohort)
    SessionFactory(partnership=said_no, held=True)
    FitCheck.objects.create(partnership=said_no, author=said_no.member_b, answer="no")
    lopsided = _fresh_pair(cohort)
    for _ in range(3):
        SessionFactory(partnership=lopsided, held=True, halves=(45, 15))  # A mentors 75 %
    even_two = _fresh_pair(cohort)
    for _ in range(2):
        SessionFactory(partnership=even_two, held=True, halves=(50, 10))  # lopsided, but only two sessions
    absent = _fresh_pair(cohort)
    SessionFactory(partnership=absent, held=True)
    absent.member_b.last_login = days_ago(31)
    absent.member_b.save()
    assert _risks(cohort) == {said_no.pk: {"fit_no"}, lopsided.pk: {"balance"}, absent.pk: {"inactive"}}


def _at_risk_cohort(n: int):
    cohort = ActiveCohortFactory(cadence="weekly")
    for index in range(n):
        pair = _fresh_pair(cohort, started_at=days_ago(30))
        CheckInFactory(session=SessionFactory(partnership=pair, held=True), contact_requested=bool(index % 2))
        SessionFactory(partnership=pair, held=True, halves=(50, 10))
        SessionFactory(partnership=pair, held=True, halves=(50, 10))
        FitCheck.objects.create(partnership=pair, author=pair.member_a, answer="no", words="private", share_words=False)
        FollowupAction.objects.create(partnership=pair, kind="nudge", by=None, key=f"k{pair.pk}", text="Hi")
    return cohort


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_costs_a_fixed_number_of_queries_and_is_paginated(
    client_for, program_admin, django_assert_num_queries, n
):
    cohort = _at_risk_cohort(n)
    client = client_for(program_admin)
    # session, user, the cohort (program joined), the pairs with their annotations, two teaching-balance queries,
    # the partners' "no" answers, the history of the page's pairs
    with django_assert_num_queries(8):
        response = client.get(reverse("followup:at_risk", args=[cohort.pk]))
    assert response.status_code == 200
    assert response.text.count('data-testid="at-risk-pair"') == min(n, 20)
    assert response.text.count('data-testid="history"') == min(n, 20)


def test_private_words_stay_private_and_shared_ones_show(client_for, program_admin, pair):
    FitCheck.objects.create(partnership=pair, author=pair.member_a, answer="no", words="Too busy", share_words=False)
    FitCheck.objects.create(partnership=pair, author=pair.member_b, answer="no", words="We differ", share_words=True)
    page = client_for(program_admin).get(reverse("followup:at_risk", args=[pair.cohort_id])).text
    assert "Too busy" not in page
    assert "We differ" in page
    assert "(their words are private)" in page


def test_an_empty_list_says_so(client_for, program_admin):
    cohort = ActiveCohortFactory()
    page = client_for(program_admin).get(reverse("followup:at_risk", args=[cohort.pk])).text
    assert "No pair needs you in this cohort today." in page


@pytest.mark.parametrize("who", ["employee", "leader", "member"])
def test_only_program_admins_reach_the_list_and_its_actions(client_for, pair, who):
    user = {"employee": UserFactory, "leader": LeaderFactory, "member": lambda: pair.member_a}[who]()
    client = client_for(user)
    assert client.get(reverse("followup:at_risk", args=[pair.cohort_id])).status_code == 403
    for name in ("nudge", "checkin_request", "rematch_offer", "end"):
        assert (
            client.post(
                reverse(f"followup:{name}", args=[pair.pk]), {"once": "x", "text": "t", "reason": "r"}
            ).status_code
            == 403
        )
    assert not FollowupAction.objects.exists()
    assert Partnership.objects.get(pk=pair.pk).status == PartnershipStatus.ACTIVE


def test_anonymous_visitors_are_sent_to_sign_in(client, pair):
    for url in (reverse("followup:at_risk", args=[pair.cohort_id]), reverse("followup:nudge", args=[pair.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_pair_or_cohort_that_does_not_exist_is_a_404(client_for, program_admin):
    client = client_for(program_admin)
    assert client.get(reverse("followup:at_risk", args=[999999])).status_code == 404
    assert client.get(reverse("followup:nudge", args=[999999])).status_code == 404


def test_a_nudge_is_sent_to_both_once_even_when_submitted_twice_and_recorded(client_for, program_admin, pair):
    client = client_for(program_admin)
    data = {"once": "token-1", "text": "Hello both, time to meet again!"}
    first = client.post(reverse("followup:nudge", args=[pair.pk]), data)
    second = client.post(reverse("followup:nudge", args=[pair.pk]), data)
    assert first.status_code == 302 and second.status_code == 400
    nudges = Message.objects.filter(channel="email", kind="followup_nudge")
    assert sorted(nudges.values_list("address", flat=True)) == sorted([pair.member_a.email, pair.member_b.email])
    assert "time to meet again" in nudges.first().body
    action = FollowupAction.objects.get()
    assert (action.kind, action.by, action.partnership, action.text) == ("nudge", program_admin, pair, data["text"])


def test_a_nudge_without_words_is_refused_with_a_field_error(client_for, program_admin, pair):
    response = client_for(program_admin).post(reverse("followup:nudge", args=[pair.pk]), {"once": "t", "text": " "})
    assert response.status_code == 400 and response.context["form"].errors["text"]
    assert not FollowupAction.objects.exists() and not Message.objects.filter(channel="email").exists()


def test_the_rematch_offer_tells_both_the_same_kind_words_without_naming_who_said_no(client_for, program_admin, pair):
    FitCheck.objects.create(partnership=pair, author=pair.member_a, answer="no", words="Ben is never on time")
    response = client_for(program_admin).post(reverse("followup:rematch_offer", args=[pair.pk]), {"once": "t1"})
    assert response.status_code == 302
    offers = list(Message.objects.filter(channel="email", kind="followup_rematch_offer"))
    assert len(offers) == 2
    for message in offers:
        assert "nobody's fault" in message.body
        assert "never on time" not in message.body and "answered no" not in message.body
    assert FollowupAction.objects.get().kind == "rematch_offer"


def test_asking_for_a_check_in_e_mails_both_a_link_to_their_fit_check(client_for, program_admin, pair):
    client_for(program_admin).post(reverse("followup:checkin_request", args=[pair.pk]), {"once": "t2"})
    messages = Message.objects.filter(channel="email", kind="followup_checkin_request")
    assert messages.count() == 2
    assert reverse("followup:fit_check", args=[pair.pk]) in messages.first().body


def test_ending_the_pair_uses_the_partnership_service_and_is_recorded(client_for, program_admin, pair):
    client = client_for(program_admin)
    assert client.post(reverse("followup:end", args=[pair.pk]), {"once": "t3", "reason": ""}).status_code == 400
    assert Partnership.objects.get(pk=pair.pk).status == PartnershipStatus.ACTIVE
    response = client.post(reverse("followup:end", args=[pair.pk]), {"once": "t3", "reason": "They asked us to."})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.end_reason) == (PartnershipStatus.ENDED, "They asked us to.")
    assert Message.objects.filter(channel="email", kind="partnership_ended").count() == 2
    assert FollowupAction.objects.get().kind == "end"


def test_the_history_shows_who_did_what(client_for, program_admin, pair):
    FitCheck.objects.create(partnership=pair, author=pair.member_a, answer="no")
    client = client_for(program_admin)
    client.post(reverse("followup:checkin_request", args=[pair.pk]), {"once": "t4"})
    page = client.get(reverse("followup:at_risk", args=[pair.cohort_id])).text
    assert "Asked both for a check-in · Hana HR" in page
