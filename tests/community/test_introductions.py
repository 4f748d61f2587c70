"""Introductions, double opt-in: asked on the pair page, made by the partner, accepted by the colleague first."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.community.models import Introduction, IntroductionRequest
from mentoring.community.services import introductions as services
from mentoring.notifications.models import Message
from tests.factories import LeaderFactory, PartnershipFactory, ProgramAdminFactory, UserFactory

pytestmark = pytest.mark.django_db
BASE = "https://twoway.example"


@pytest.fixture
def asked():
    pair = PartnershipFactory()
    request = services.introduction_ask(partnership=pair, asker=pair.member_a, topic="enterprise pricing", skill=None)
    return pair, request


def _make(asked, colleague, **kwargs):
    pair, request = asked
    return services.introduction_make(
        request=request,
        introducer=pair.member_b,
        colleague=colleague,
        why="She priced our biggest deal.",
        base_url=BASE,
    )


def test_the_whole_journey_through_the_pages(client_for):
    pair = PartnershipFactory()
    colleague = UserFactory(full_name="Carla Colleague")
    client = client_for(pair.member_a)
    assert "Who should I meet?" in client.get(reverse("partnerships:detail", args=[pair.pk])).content.decode()
    client.post(reverse("community:introduction_ask", args=[pair.pk]), {"topic": "enterprise pricing"})
    request = IntroductionRequest.objects.get()

    client.force_login(pair.member_b)
    assert "enterprise pricing" in client.get(reverse("partnerships:detail", args=[pair.pk])).content.decode()
    client.post(
        reverse("community:introduction_make", args=[request.pk]), {"colleague": colleague.pk, "why": "Pricing."}
    )
    introduction = Introduction.objects.get()
    # Only the colleague is asked; the asker hears nothing yet.
    assert list(Message.objects.filter(channel="email").values_list("kind", "recipient_id")) == [
        ("introduction_request", colleague.pk)
    ]

    client.force_login(colleague)
    client.post(reverse("community:introduction_answer", args=[introduction.pk, "accept"]))
    made = Message.objects.filter(channel="email", kind="introduction_made")
    assert sorted(made.values_list("recipient_id", flat=True)) == sorted([pair.member_a.pk, colleague.pk])
    assert colleague.email in made.get(recipient=pair.member_a).body

    client.force_login(pair.member_a)
    page = client.get(reverse("community:introductions")).content.decode()
    assert "Carla Colleague" in page and "Accepted" in page


def test_a_declined_introduction_tells_nobody(asked):
    colleague = UserFactory()
    introduction = _make(asked, colleague)
    services.introduction_answer(introduction=introduction, colleague=colleague, accept=False, base_url=BASE)
    assert not Message.objects.filter(channel="email", kind="introduction_made").exists()
    with pytest.raises(ValidationError, match="answered"):
        services.introduction_answer(introduction=introduction, colleague=colleague, accept=True, base_url=BASE)


def test_nobody_is_introduced_twice_to_the_same_person(asked, client_for):
    colleague = UserFactory()
    _make(asked, colleague)
    pair, request = asked
    response = client_for(pair.member_b).post(
        reverse("community:introduction_make", args=[request.pk]), {"colleague": colleague.pk, "why": "Again."}
    )
    assert "colleague" in response.context["form"].errors
    with pytest.raises(ValidationError, match="introduced already"):
        _make(asked, colleague)
    assert Introduction.objects.count() == 1


def test_a_person_who_turned_introductions_off_is_never_introduced(asked, client_for):
    colleague = UserFactory()
    client_for(colleague).post(reverse("community:introductions_settings"), {"introductions_off": "on"})
    with pytest.raises(ValidationError, match="does not want"):
        _make(asked, colleague)
    pair, request = asked
    page = client_for(pair.member_b).get(reverse("community:introduction_make", args=[request.pk]))
    assert colleague not in page.context["form"].fields["colleague"].queryset
    assert not Introduction.objects.exists()


@pytest.mark.parametrize("who", ["member_a", "member_b"])
def test_nobody_introduces_the_two_partners_themselves(asked, who):
    pair, _ = asked
    with pytest.raises(ValidationError):
        _make(asked, getattr(pair, who))
    assert not Introduction.objects.exists()


def test_the_asker_cannot_answer_their_own_request(asked, client_for):
    pair, request = asked
    assert client_for(pair.member_a).get(reverse("community:introduction_make", args=[request.pk])).status_code == 404


def test_bad_input_shows_field_errors_and_writes_nothing(asked, client_for):
    pair, request = asked
    client = client_for(pair.member_b)
    response = client.post(
        reverse("community:introduction_make", args=[request.pk]), {"colleague": "999999", "why": ""}
    )
    assert set(response.context["form"].errors) == {"colleague", "why"}
    ask = client.post(reverse("community:introduction_ask", args=[pair.pk]), {"topic": "x" * 301, "skill": "abc"})
    assert set(ask.context["form"].errors) == {"topic", "skill"}
    assert not Introduction.objects.exists() and IntroductionRequest.objects.count() == 1


def test_an_introductions_text_is_for_its_three_people_only(asked, client):
    colleague = UserFactory()
    introduction = _make(asked, colleague)
    url = introduction.get_absolute_url()
    pair, _ = asked
    for insider in (pair.member_a, pair.member_b, colleague):
        client.force_login(insider)
        assert "She priced our biggest deal." in client.get(url).content.decode()
    other_pair = PartnershipFactory()
    for outsider in (UserFactory(), other_pair.member_a, ProgramAdminFactory(), LeaderFactory()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert (
            client.post(reverse("community:introduction_answer", args=[introduction.pk, "accept"])).status_code == 404
        )
    client.logout()
    assert client.get(url).url.startswith(reverse("account_login"))


def test_only_the_colleague_answers(asked, client_for):
    introduction = _make(asked, UserFactory())
    pair, _ = asked
    response = client_for(pair.member_a).post(
        reverse("community:introduction_answer", args=[introduction.pk, "accept"])
    )
    assert response.status_code == 403
    introduction.refresh_from_db()
    assert introduction.status == "pending"


def test_another_pair_cannot_ask_or_answer_for_this_pair(asked, client):
    pair, request = asked
    for outsider in (PartnershipFactory().member_a, ProgramAdminFactory(), LeaderFactory()):
        client.force_login(outsider)
        assert client.get(reverse("community:introduction_ask", args=[pair.pk])).status_code == 404
        assert client.get(reverse("community:introduction_make", args=[request.pk])).status_code == 404


def test_anonymous_visitors_sign_in_for_introductions(client):
    assert client.get(reverse("community:introductions")).url.startswith(reverse("account_login"))
    assert client.post(reverse("community:introductions_settings")).url.startswith(reverse("account_login"))


@pytest.mark.parametrize("count", [2, 20])
def test_my_introductions_cost_the_same_for_ten_times_the_rows(django_assert_num_queries, client_for, count):
    pair = PartnershipFactory()
    request = services.introduction_ask(partnership=pair, asker=pair.member_a, topic="t", skill=None)
    for _ in range(count):
        services.introduction_make(
            request=request, introducer=pair.member_b, colleague=UserFactory(), why="w", base_url=BASE
        )
    client = client_for(pair.member_a)
    # session, user, introductions with their three people and request, my requests with skill, my setting
    with django_assert_num_queries(5):
        response = client.get(reverse("community:introductions"))
    assert len(response.context["mine"]["asked"]) == count


def test_leaders_count_accepted_introductions_without_reading_them(asked, client_for):
    colleague = UserFactory()
    introduction = _make(asked, colleague)
    services.introduction_answer(introduction=introduction, colleague=colleague, accept=True, base_url=BASE)
    response = client_for(LeaderFactory()).get(reverse("community:numbers"))
    assert response.context["numbers"]["introductions_accepted"] == 1
    assert "She priced" not in response.content.decode()
