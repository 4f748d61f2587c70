"""Success stories: written after three held sessions, approved by both partners, published by the program team."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.community.models import Story, StoryStatus
from mentoring.community.services import stories as services
from tests.community.factories import pair_with_held_sessions
from tests.factories import EnrollmentFactory, LeaderFactory, ProgramAdminFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = {"title": "Pivot tables for pitch decks", "learned_a": "Pivot tables.", "learned_b": "Pitching.", "quote": ""}


def _write(pair, editor, base_version=0, **changes):
    return services.story_save(partnership=pair, editor=editor, data={**TEXT, **changes}, base_version=base_version)


def test_a_pair_writes_its_story_only_after_three_held_sessions(client_for):
    early = pair_with_held_sessions(2)
    client = client_for(early.member_a)
    assert client.get(reverse("community:story_edit", args=[early.pk])).status_code == 403
    with pytest.raises(ValidationError, match="3 sessions"):
        _write(early, early.member_a)
    assert not Story.objects.exists()


def test_the_story_waits_for_both_partners_then_the_program_team():
    pair = pair_with_held_sessions()
    story = _write(pair, pair.member_a)
    assert story.status == StoryStatus.DRAFT  # the author's save approved it for them only
    story = services.story_approve(story=story, user=pair.member_b, version=story.version)
    assert story.status == StoryStatus.IN_REVIEW
    story = services.story_publish(story=story, published_by=ProgramAdminFactory(), version=story.version)
    assert story.status == StoryStatus.PUBLISHED and story.published_at


def test_an_edit_resets_the_approvals_and_unpublishes_the_story():
    pair = pair_with_held_sessions()
    story = _write(pair, pair.member_a)
    story = services.story_approve(story=story, user=pair.member_b, version=1)
    story = services.story_publish(story=story, published_by=ProgramAdminFactory(), version=1)
    story = _write(pair, pair.member_b, base_version=1, learned_b="Pitching, and listening.")
    assert (story.version, story.status, story.published_at) == (2, StoryStatus.DRAFT, None)
    # The old approval of version 1 does not count for version 2.
    with pytest.raises(ValidationError, match="changed since you read it"):
        services.story_approve(story=story, user=pair.member_a, version=1)
    story = services.story_approve(story=story, user=pair.member_a, version=2)
    assert story.status == StoryStatus.IN_REVIEW


def test_an_edit_based_on_an_old_version_is_refused_not_overwritten():
    pair = pair_with_held_sessions()
    _write(pair, pair.member_a)
    _write(pair, pair.member_b, base_version=1, title="Newer")
    with pytest.raises(ValidationError, match="changed the story"):
        _write(pair, pair.member_a, base_version=1, title="Older")
    assert Story.objects.get().title == "Newer"


def test_the_program_team_cannot_publish_a_story_one_partner_has_not_approved():
    pair = pair_with_held_sessions()
    story = _write(pair, pair.member_a)
    with pytest.raises(ValidationError):
        services.story_publish(story=story, published_by=ProgramAdminFactory(), version=1)
    assert Story.objects.get().status == StoryStatus.DRAFT


def test_either_partner_withdraws_a_published_story_and_it_leaves_the_program_page(client_for):
    pair = pair_with_held_sessions()
    story = _write(pair, pair.member_a)
    story = services.story_approve(story=story, user=pair.member_b, version=1)
    services.story_publish(story=story, published_by=ProgramAdminFactory(), version=1)
    cohort = EnrollmentFactory().cohort
    cohort.program = pair.cohort.program
    cohort.save()
    reader = client_for(UserFactory())
    enroll_page = reverse("programs:cohort_enroll", args=[cohort.pk])
    assert "Pivot tables for pitch decks" in reader.get(enroll_page).content.decode()

    partner = client_for(pair.member_b)
    partner.post(reverse("community:story_withdraw", args=[story.pk]))
    assert Story.objects.get().status == StoryStatus.WITHDRAWN
    reader.force_login(UserFactory())
    assert "Pivot tables for pitch decks" not in reader.get(enroll_page).content.decode()
    assert reader.get(reverse("community:story", args=[story.pk])).status_code == 404


def test_a_partner_writes_the_story_from_the_pair_page(client_for):
    pair = pair_with_held_sessions()
    client = client_for(pair.member_b)
    page = client.get(reverse("partnerships:detail", args=[pair.pk])).content.decode()
    assert "Write your story" in page
    response = client.post(reverse("community:story_edit", args=[pair.pk]), {**TEXT, "base_version": 0})
    story = Story.objects.get()
    assert response.status_code == 302 and response.url == story.get_absolute_url()
    assert story.author == pair.member_b


def test_bad_story_input_shows_field_errors_and_writes_nothing(client_for):
    pair = pair_with_held_sessions()
    response = client_for(pair.member_a).post(
        reverse("community:story_edit", args=[pair.pk]),
        {"title": "", "learned_a": "x" * 2001, "learned_b": "", "quote": "y" * 301, "base_version": "zz"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "learned_a", "learned_b", "quote", "base_version"}
    assert not Story.objects.exists()


def test_a_double_submit_of_a_new_story_writes_one_story(client_for):
    pair = pair_with_held_sessions()
    client = client_for(pair.member_a)
    url = reverse("community:story_edit", args=[pair.pk])
    client.post(url, {**TEXT, "base_version": 0})
    second = client.post(url, {**TEXT, "base_version": 0})
    assert second.status_code == 200 and "Reload the page" in second.content.decode()
    assert Story.objects.count() == 1


def test_approving_twice_is_harmless(client_for):
    pair = pair_with_held_sessions()
    story = _write(pair, pair.member_a)
    client = client_for(pair.member_b)
    url = reverse("community:story_approve", args=[story.pk])
    client.post(url, {"version": 1})
    client.post(url, {"version": 1})
    story.refresh_from_db()
    assert story.status == StoryStatus.IN_REVIEW and story.approvals.count() == 2


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_a_story_not_published_is_hidden_from_everyone_but_its_partners(client, status):
    pair = pair_with_held_sessions()
    story = _write(pair, pair.member_a)
    Story.objects.filter(pk=story.pk).update(status=status)
    other_pair = pair_with_held_sessions()
    url = reverse("community:story", args=[story.pk])
    for outsider in (UserFactory(), other_pair.member_a, ProgramAdminFactory(), LeaderFactory()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(reverse("community:story_withdraw", args=[story.pk])).status_code == 404
    client.force_login(pair.member_b)
    assert client.get(url).status_code == 200


def test_a_story_in_review_is_read_by_program_admins_but_not_leaders(client):
    pair = pair_with_held_sessions()
    story = services.story_approve(story=_write(pair, pair.member_a), user=pair.member_b, version=1)
    url = reverse("community:story", args=[story.pk])
    client.force_login(ProgramAdminFactory())
    assert client.get(url).status_code == 200
    client.force_login(LeaderFactory())
    assert client.get(url).status_code == 404
    assert client.post(reverse("community:story_publish", args=[story.pk]), {"version": 1}).status_code == 403


def test_another_pair_cannot_write_this_pairs_story(client):
    pair = pair_with_held_sessions()
    for outsider in (pair_with_held_sessions().member_a, ProgramAdminFactory(), LeaderFactory(), UserFactory()):
        client.force_login(outsider)
        assert client.get(reverse("community:story_edit", args=[pair.pk])).status_code == 404


def test_anonymous_visitors_sign_in_for_stories(client):
    for name in ("community:stories", "community:story_review"):
        assert client.get(reverse(name)).url.startswith(reverse("account_login"))


def test_the_review_page_is_for_program_admins_and_counts_stories(client_for):
    pair = pair_with_held_sessions()
    _write(pair, pair.member_a)
    client = client_for(LeaderFactory())
    assert client.get(reverse("community:story_review")).status_code == 403
    client.force_login(ProgramAdminFactory())
    page = client.get(reverse("community:story_review")).content.decode()
    assert "0 published · 0 waiting for you · 1 waiting for the partners" in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_stories_page_costs_the_same_queries_for_ten_times_the_stories(
    django_assert_num_queries, client_for, count
):
    from tests.factories import PartnershipFactory

    for _ in range(count):
        pair = PartnershipFactory()
        Story.objects.create(
            partnership=pair, author=pair.member_a, status="published", published_at="2026-01-01T00:00Z", **TEXT
        )
    client = client_for(UserFactory())
    # session, user, the published stories with both partners, cohort and program
    with django_assert_num_queries(3):
        response = client.get(reverse("community:stories"))
    assert len(response.context["stories"]) == count


def test_leaders_see_how_many_stories_are_published_and_nothing_of_their_text(client_for):
    pair = pair_with_held_sessions()
    story = services.story_approve(story=_write(pair, pair.member_a), user=pair.member_b, version=1)
    services.story_publish(story=story, published_by=ProgramAdminFactory(), version=1)
    response = client_for(LeaderFactory()).get(reverse("community:numbers"))
    assert response.context["numbers"]["stories_published"] == 1
    assert TEXT["title"] not in response.content.decode()


def test_employees_do_not_see_the_community_numbers(client_for, employee, client):
    assert client.get(reverse("community:numbers")).url.startswith(reverse("account_login"))
    assert client_for(employee).get(reverse("community:numbers")).status_code == 403
