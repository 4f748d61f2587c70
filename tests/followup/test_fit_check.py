import pytest
from django.urls import reverse

from mentoring.followup.models import FitCheck
from tests.factories import LeaderFactory, PartnershipFactory, ProgramAdminFactory, UserFactory


def _url(partnership):
    return reverse("followup:fit_check", args=[partnership.pk])


def test_partner_answers_privately_and_the_pair_page_shows_her_own_answer(client_for, pair):
    client = client_for(pair.member_a)
    response = client.post(_url(pair), {"answer": "no", "words": "We never find time.", "share_words": "on"})
    assert response.status_code == 302
    check = FitCheck.objects.get(partnership=pair, author=pair.member_a)
    assert (check.answer, check.words, check.share_words) == ("no", "We never find time.", True)
    page = client.get(reverse("partnerships:detail", args=[pair.pk])).text
    assert "You answered <strong>No, I&#x27;d rather not</strong>" in page


def test_the_partner_never_sees_the_other_partners_answer(client_for, pair):
    FitCheck.objects.create(partnership=pair, author=pair.member_a, answer="no", words="Secret words")
    page = client_for(pair.member_b).get(reverse("partnerships:detail", args=[pair.pk])).text
    assert "Secret words" not in page
    assert 'data-testid="fit-check-form"' in page  # Ben still has his own question


def test_answering_twice_keeps_one_answer_the_latest(client_for, pair):
    client = client_for(pair.member_a)
    client.post(_url(pair), {"answer": "not_sure"})
    client.post(_url(pair), {"answer": "yes"})
    client.post(_url(pair), {"answer": "yes"})
    assert list(FitCheck.objects.values_list("answer", flat=True)) == ["yes"]


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "answer"), ({"answer": "maybe"}, "answer"), ({"answer": "yes", "words": "x" * 2001}, "words")],
)
def test_bad_input_gets_field_errors_and_writes_nothing(client_for, pair, data, field):
    response = client_for(pair.member_a).post(_url(pair), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not FitCheck.objects.exists()


def test_the_question_opens_only_after_the_first_held_session(client_for, db):
    partnership = PartnershipFactory()
    client = client_for(partnership.member_a)
    response = client.post(_url(partnership), {"answer": "no"})
    assert response.status_code == 400
    assert "after your first session" in response.text
    assert not FitCheck.objects.exists()
    assert 'data-testid="fit-check-card"' not in client.get(reverse("partnerships:detail", args=[partnership.pk])).text


def test_words_are_not_shared_without_words(client_for, pair):
    client_for(pair.member_a).post(_url(pair), {"answer": "yes", "share_words": "on"})
    assert FitCheck.objects.get().share_words is False


@pytest.mark.parametrize("who", ["employee", "program_admin", "leader", "other_pair"])
def test_only_the_pairs_own_partners_reach_its_fit_check(client_for, pair, who):
    user = {
        "employee": UserFactory,
        "program_admin": ProgramAdminFactory,
        "leader": LeaderFactory,
        "other_pair": lambda: PartnershipFactory().member_a,
    }[who]()
    client = client_for(user)
    assert client.get(_url(pair)).status_code == 404
    assert client.post(_url(pair), {"answer": "no"}).status_code == 404
    assert not FitCheck.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, pair):
    response = client.get(_url(pair))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_ended_pair_has_no_fit_check(client_for, pair):
    from mentoring.partnerships.services import partnership_end

    partnership_end(partnership=pair, ended_by=pair.member_a, reason="Moving on")
    assert client_for(pair.member_b).post(_url(pair), {"answer": "yes"}).status_code == 403


def test_home_shows_the_question_until_answered(client_for, pair):
    client = client_for(pair.member_a)
    assert client.get(reverse("home")).text.count('data-testid="fit-check-card"') == 1
    client.post(_url(pair), {"answer": "yes"})
    assert 'data-testid="fit-check-card"' not in client.get(reverse("home")).text
