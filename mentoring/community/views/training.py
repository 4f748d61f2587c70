"""Training modules (signed-in employees read and complete them; program admins write them), the modules a cohort
requires before matching and who completed them (program admins only)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required, is_program_admin, program_admin_required
from mentoring.community import forms, selectors
from mentoring.community.markdown import render_markdown
from mentoring.community.models import ModuleCompletion, TrainingModule
from mentoring.community.services import training as services
from mentoring.core.web import act, base_url, submit
from mentoring.programs.models import Cohort


@employee_required
def training(request):
    admin = is_program_admin(request.user)
    return render(
        request,
        "community/training.html",
        {"modules": selectors.modules_for(request.user, include_unpublished=admin), "is_admin": admin},
    )


@employee_required
def module_detail(request, slug: str):
    module = get_object_or_404(TrainingModule, slug=slug)
    if not module.is_published and not is_program_admin(request.user):
        raise PermissionDenied
    completion = ModuleCompletion.objects.filter(module=module, user=request.user).first()
    form = forms.QuizForm(request.POST or None, module=module)
    if done := submit(
        request,
        form,
        lambda data: services.module_complete(module=module, user=request.user, answers=form.answers),
        success=f"Completed “{module.title}”.",
        then="community:training",
    ):
        return done
    return render(
        request,
        "community/module_detail.html",
        {"module": module, "body": render_markdown(module.body), "form": form, "completion": completion},
    )


@program_admin_required
def module_edit(request, slug: str | None = None):
    module = get_object_or_404(TrainingModule, slug=slug) if slug else None
    initial = {"is_published": True}
    if module:
        initial = {
            "title": module.title,
            "summary": module.summary,
            "body": module.body,
            "quiz": services.quiz_text(module.quiz),
            "is_published": module.is_published,
        }
    form = forms.ModuleForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: services.module_save(module=module, data=data),
        success="Module saved.",
        then=lambda saved: saved.get_absolute_url(),
    ):
        return done
    return render(request, "community/module_form.html", {"form": form, "module": module})


@program_admin_required
def cohort_training(request, pk: int):
    """Program admins: the modules the cohort requires before matching, and who completed them."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    required = [link.module_id for link in cohort.required_modules.all()]
    form = forms.CohortModulesForm(request.POST or None, initial={"modules": required})
    if done := submit(
        request,
        form,
        lambda data: services.cohort_modules_set(cohort=cohort, modules=list(data["modules"])),
        success="Required modules saved.",
        then=request.path,
    ):
        return done
    return render(
        request,
        "community/cohort_training.html",
        {"cohort": cohort, "form": form, "progress": selectors.cohort_training(cohort)},
    )


@require_POST
@program_admin_required
def cohort_training_remind(request, pk: int):
    cohort = get_object_or_404(Cohort, pk=pk)
    return act(
        request,
        lambda: services.cohort_training_remind(cohort=cohort, base_url=base_url(request)),
        success=lambda n: (
            f"Reminded {n} {'person' if n == 1 else 'people'}."
            if n
            else "Nobody to remind (or everyone was reminded today)."
        ),
        then=reverse("community:cohort_training", args=[cohort.pk]),
    )
