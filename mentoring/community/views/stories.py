"""Success stories: read by signed-in employees once published; written and approved by the pair's two partners;
reviewed and published by program admins.

Anyone else gets a 404 for a story that is not theirs to read (see permissions.can_view_story), and a 404 for a
pair's story form (partnerships' own rule: the two partners only).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required, program_admin_required
from mentoring.community import forms, selectors
from mentoring.community.models import StoryStatus
from mentoring.community.permissions import story_or_404
from mentoring.community.services import stories as services
from mentoring.core.web import act, submit
from mentoring.partnerships.permissions import partnership_for_member_or_404


@employee_required
def stories(request):
    """Signed-in employees: every published story."""
    return render(request, "community/stories.html", {"stories": selectors.published_stories()})


@employee_required
def story_detail(request, pk: int):
    story = story_or_404(request.user, pk)
    is_partner = story.partnership.has_member(request.user)
    approvers = selectors.story_approvers(story) if is_partner or story.status == StoryStatus.IN_REVIEW else set()
    return render(
        request,
        "community/story_detail.html",
        {
            "story": story,
            "is_partner": is_partner,
            "viewer_approved": request.user.pk in approvers,
            "approvers": [m for m in story.partnership.members if m.pk in approvers],
            "waiting_for": [m for m in story.partnership.members if m.pk not in approvers],
        },
    )


@employee_required
def story_edit(request, partnership_pk: int):
    """The pair's two partners: write their story, or change it."""
    partnership = partnership_for_member_or_404(request.user, partnership_pk)
    story, held = selectors.pair_story(partnership)
    if story is None and held < services.STORY_MIN_HELD_SESSIONS:
        raise PermissionDenied
    initial = {"base_version": 0}
    if story is not None:
        initial = {name: getattr(story, name) for name in services.STORY_FIELDS} | {"base_version": story.version}
    form = forms.StoryForm(request.POST or None, initial=initial, partnership=partnership)
    partner = partnership.partner_of(request.user)
    if done := submit(
        request,
        form,
        lambda data: services.story_save(
            partnership=partnership, editor=request.user, data=data, base_version=data["base_version"]
        ),
        success=f"Story saved and approved by you. {partner.display_name} is asked to approve it too.",
        then=lambda saved: saved.get_absolute_url(),
    ):
        return done
    return render(request, "community/story_form.html", {"form": form, "partnership": partnership, "story": story})


@require_POST
@employee_required
def story_approve(request, pk: int):
    story = story_or_404(request.user, pk)
    if not story.partnership.has_member(request.user):
        raise PermissionDenied
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and approve the story again.")
        return redirect(story)
    return act(
        request,
        lambda: services.story_approve(story=story, user=request.user, version=form.cleaned_data["version"]),
        success=lambda s: (
            "Approved. Both of you approved it: the program team reviews it next."
            if s.status == StoryStatus.IN_REVIEW
            else "Approved. Your partner is asked to approve it too."
        ),
        then=story.get_absolute_url(),
    )


@require_POST
@employee_required
def story_withdraw(request, pk: int):
    story = story_or_404(request.user, pk)
    if not story.partnership.has_member(request.user):
        raise PermissionDenied
    return act(
        request,
        lambda: services.story_withdraw(story=story, user=request.user),
        success="Story withdrawn: nobody else can read it now.",
        then=story.get_absolute_url(),
    )


@program_admin_required
def story_review(request):
    """Program admins: stories both partners approved, waiting to be published."""
    return render(
        request,
        "community/story_review.html",
        {"stories": selectors.stories_in_review(), "counts": selectors.story_counts()},
    )


@require_POST
@program_admin_required
def story_publish(request, pk: int):
    story = story_or_404(request.user, pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and publish the story again.")
        return redirect("community:story_review")
    return act(
        request,
        lambda: services.story_publish(story=story, published_by=request.user, version=form.cleaned_data["version"]),
        success=lambda s: f"Published “{s.title}”: it shows on the program's page.",
        then="community:story_review",
    )
