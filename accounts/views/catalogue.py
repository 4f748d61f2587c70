"""The skill catalogue: skills and categories, retiring and merging skills (program admins)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import SkillCategoryForm, SkillForm, SkillMergeForm
from accounts.models import Skill
from accounts.permissions import program_admin_required
from mentoring.core.web import act, submit


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
    if done := submit(
        request,
        form,
        lambda data: services.skill_create(**data),
        success=lambda skill: f"{skill.name} is in the catalogue.",
        then="accounts:catalogue",
    ):
        return done
    return render(request, "accounts/skill_form.html", {"form": form, "title": "Add a skill"})


@program_admin_required
def skill_edit(request, pk: int):
    skill = get_object_or_404(Skill, pk=pk)
    old_name = skill.name
    form = SkillForm(request.POST or None, instance=skill)
    if done := submit(
        request,
        form,
        lambda data: services.skill_update(skill=skill, **data),
        success=lambda _: (
            f"{skill.name} is saved." if skill.name == old_name else f"{old_name} is now called {skill.name}."
        ),
        then="accounts:catalogue",
    ):
        return done
    return render(request, "accounts/skill_form.html", {"form": form, "title": f"Edit {old_name}", "skill": skill})


@require_POST
@program_admin_required
def skill_retire(request, pk: int):
    skill = get_object_or_404(Skill, pk=pk)
    retire = request.POST.get("retire") == "1"
    return act(
        request,
        lambda: services.skill_set_retired(skill=skill, retired=retire),
        success=f"{skill.name} is retired: it stays on profiles but can no longer be chosen."
        if retire
        else f"{skill.name} can be chosen again.",
        then="accounts:catalogue",
    )


@program_admin_required
def skill_merge_view(request):
    form = SkillMergeForm(request.POST or None)

    def merged(result) -> str:
        source, target = form.cleaned_data["source"], form.cleaned_data["target"]  # source: deleted, name kept
        messages.success(request, f"{source.name} is merged into {target.name}. {result.summary}")
        if result.both_offered_and_wanted:
            messages.warning(
                request,
                f"{len(result.both_offered_and_wanted)} people now both offer and want {target.name}; "
                "their profile page asks them to keep one: " + ", ".join(result.both_offered_and_wanted),
            )
        return ""  # said above: the warning follows the success

    if done := submit(
        request, form, lambda data: services.skill_merge(**data), success=merged, then="accounts:catalogue"
    ):
        return done
    return render(request, "accounts/skill_merge.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@program_admin_required
def category_create(request):
    form = SkillCategoryForm(request.POST)
    if form.is_valid():
        return act(
            request,
            lambda: services.category_create(name=form.cleaned_data["name"]),
            success=lambda category: f"Category {category.name} added.",
            then="accounts:catalogue",
        )
    messages.error(request, "Category not added: " + " ".join(form.errors.get("name", ["check the name."])))
    return redirect("accounts:catalogue")
