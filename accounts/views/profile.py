"""Your own skill profile: see it, edit it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts import selectors, services
from accounts.forms import OfferedSkillFormSet, ProfileForm, WantedSkillFormSet, check_offered_not_wanted
from accounts.models import SkillProfile
from accounts.permissions import employee_required
from mentoring.core.web import refusal


@employee_required
def profile_detail(request):
    """Your own skill profile, with what is still missing."""
    profile, offered, wanted = selectors.profile_for(request.user)
    return render(
        request,
        "accounts/profile_detail.html",
        {
            "profile": profile,
            "offered": offered,
            "wanted": wanted,
            "completeness": profile.completeness(len(offered), len(wanted)),
        },
    )


@employee_required
def profile_edit(request):
    """Edit your own skill profile: details and both skill lists are saved together or not at all."""
    user = request.user
    profile = SkillProfile.objects.filter(user=user).first() or SkillProfile(user=user)
    data = request.POST if request.method == "POST" else None
    profile_form = ProfileForm(data, instance=profile, user=user, prefix="profile")
    offered = OfferedSkillFormSet(data, instance=user, prefix="offered")
    wanted = WantedSkillFormSet(data, instance=user, prefix="wanted")
    if request.method == "POST":
        valid = profile_form.is_valid() & offered.is_valid() & wanted.is_valid()
        if valid and check_offered_not_wanted(offered, wanted):
            try:
                services.profile_save(
                    user=user, profile_form=profile_form, offered_formset=offered, wanted_formset=wanted
                )
            except ValidationError as error:
                messages.error(request, refusal(error))
            else:
                messages.success(request, "Your skill profile is saved.")
                return redirect("accounts:profile")
        else:
            messages.error(request, "Some answers need fixing: see the messages next to them. Nothing was saved yet.")
    departments, _ = selectors.departments_in_use()
    return render(
        request,
        "accounts/profile_form.html",
        {
            "profile_form": profile_form,
            "offered": offered,
            "wanted": wanted,
            "department_options": [d.name for d in departments],
        },
        status=400 if request.method == "POST" else 200,
    )
