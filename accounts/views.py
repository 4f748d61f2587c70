from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    OfferedSkillFormSet,
    ProfileForm,
    RolesForm,
    SkillCategoryForm,
    SkillForm,
    SkillMergeForm,
    WantedSkillFormSet,
    check_offered_not_wanted,
)
from accounts.models import Skill, SkillProfile, User
from accounts.permissions import employee_required, program_admin_required


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
            services.profile_save(user=user, profile_form=profile_form, offered_formset=offered, wanted_formset=wanted)
            messages.success(request, "Your skill profile is saved.")
            return redirect("accounts:profile")
        messages.error(request, "Some answers need fixing: see the messages next to them. Nothing was saved yet.")
    return render(
        request,
        "accounts/profile_form.html",
        {"profile_form": profile_form, "offered": offered, "wanted": wanted},
        status=400 if request.method == "POST" else 200,
    )


@program_admin_required
def catalogue(request):
    """The skill catalogue, grouped by category, with how many profiles use each skill."""
    return render(
        request,
        "accounts/catalogue.html",
        {
            "categories": selectors.catalogue_categories(),
            "merge_form": SkillMergeForm(),
            "category_form": SkillCategoryForm(),
        },
    )


@program_admin_required
def skill_create_view(request):
    form = SkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        skill = services.skill_create(**form.cleaned_data)
        messages.success(request, f"{skill.name} is in the catalogue.")
        return redirect("accounts:catalogue")
    return render(request, "accounts/skill_form.html", {"form": form, "title": "Add a skill"})


@program_admin_required
def skill_edit(request, pk: int):
    skill = get_object_or_404(Skill, pk=pk)
    old_name = skill.name
    form = SkillForm(request.POST or None, instance=skill)
    if request.method == "POST" and form.is_valid():
        services.skill_update(skill=skill, **form.cleaned_data)
        note = f"{old_name} is now called {skill.name}." if old_name != skill.name else f"{skill.name} is saved."
        messages.success(request, note)
        return redirect("accounts:catalogue")
    return render(request, "accounts/skill_form.html", {"form": form, "title": f"Edit {old_name}", "skill": skill})


@require_POST
@program_admin_required
def skill_retire(request, pk: int):
    skill = get_object_or_404(Skill, pk=pk)
    retire = request.POST.get("retire") == "1"
    services.skill_set_retired(skill=skill, retired=retire)
    if retire:
        messages.success(request, f"{skill.name} is retired: it stays on profiles but can no longer be chosen.")
    else:
        messages.success(request, f"{skill.name} can be chosen again.")
    return redirect("accounts:catalogue")


@program_admin_required
def skill_merge_view(request):
    form = SkillMergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]
        source_name = source.name
        result = services.skill_merge(source=source, target=target)
        messages.success(request, f"{source_name} is merged into {target.name}. {result.summary}")
        if result.both_offered_and_wanted:
            messages.warning(
                request,
                f"{len(result.both_offered_and_wanted)} people now both offer and want {target.name}; "
                "their profile page asks them to keep one: " + ", ".join(result.both_offered_and_wanted),
            )
        return redirect("accounts:catalogue")
    return render(request, "accounts/skill_merge.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@program_admin_required
def category_create(request):
    form = SkillCategoryForm(request.POST)
    if form.is_valid():
        category = form.save()
        messages.success(request, f"Category {category.name} added.")
    else:
        messages.error(request, "Category not added: " + " ".join(form.errors.get("name", ["check the name."])))
    return redirect("accounts:catalogue")


@program_admin_required
def people(request):
    """Everyone who uses Twoway, with their roles; program admins grant roles here."""
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.people_with_roles(search), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"page": page, "search": search})


@require_POST
@program_admin_required
def roles_edit(request, pk: int):
    person = get_object_or_404(User, pk=pk)
    form = RolesForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_roles(user=person, changed_by=request.user, **form.cleaned_data)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{person.display_name}: {', '.join(person.role_names)}.")
    back = {k: request.POST[k] for k in ("q", "page") if request.POST.get(k)}
    return redirect(reverse("accounts:people") + (f"?{urlencode(back)}" if back else ""))
