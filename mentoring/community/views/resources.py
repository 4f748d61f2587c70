"""The resource library by skill: every signed-in employee reads it and suggests links or notes; program admins
approve or decline the suggestions."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required, program_admin_required
from mentoring.community import forms, selectors
from mentoring.community.models import Resource
from mentoring.community.services import training as services
from mentoring.core.web import act, submit


@employee_required
def resources(request):
    form = forms.ResourceForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.resource_suggest(**data, suggested_by=request.user),
        success="Thank you: a program admin will review your suggestion.",
        then="resources:library",
    ):
        return done
    by_skill: dict[str, list[Resource]] = {}
    for resource in selectors.approved_resources():
        by_skill.setdefault(resource.skill.name, []).append(resource)
    return render(request, "community/resources.html", {"form": form, "by_skill": by_skill})


@program_admin_required
def resource_review(request):
    return render(request, "community/resource_review.html", {"suggestions": selectors.suggested_resources()})


@require_POST
@program_admin_required
def resource_decide(request, pk: int, decision: str):
    resource = get_object_or_404(Resource, pk=pk)
    if decision not in ("approve", "decline"):
        raise Http404("No such decision.")
    return act(
        request,
        lambda: services.resource_review(resource=resource, approve=decision == "approve", reviewed_by=request.user),
        success=lambda r: f"{r.get_status_display()}: “{r.title}”.",
        then="resources:review",
    )
