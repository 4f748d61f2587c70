"""The pair's own space: its page, agreement and goals.

Every view is for signed-in employees (`employee_required`) who are one of the two partners: anyone else,
program admins and leaders included, gets a 404 from `partnership_for_member_or_404`. A partner who may
see something but not change it (the other partner's goal, an ended partnership) gets a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required
from mentoring.core.web import act, base_url, submit
from mentoring.partnerships import services
from mentoring.partnerships.forms import (
    AgreementForm,
    AgreementSignForm,
    GoalCloseForm,
    GoalForm,
    GoalProgressForm,
    PartnershipEndForm,
)
from mentoring.partnerships.models import Goal
from mentoring.partnerships.permissions import (
    can_close_goal,
    can_edit_agreement,
    can_edit_goal,
    goal_for_member_or_404,
    partnership_for_member_or_404,
)
from mentoring.partnerships.selectors import partnership_page


def _detail_url(partnership, anchor: str = "") -> str:
    url = reverse("partnerships:detail", args=[partnership.pk])
    return f"{url}#{anchor}" if anchor else url


@employee_required
def partnership_detail(request, pk: int):
    """The two partners: the pair's page."""
    partnership = partnership_for_member_or_404(request.user, pk)
    page = partnership_page(partnership, request.user)
    context = {
        "page": page,
        "partnership": page.partnership,
        "viewer": request.user,
        "partner": page.partner,
    }
    if page.is_active and page.agreement.agreement is not None and not page.agreement.viewer_signed:
        context["sign_form"] = AgreementSignForm(initial={"version": page.agreement.agreement.version})
    return render(request, "partnerships/partnership_detail.html", context)


@employee_required
def agreement_edit(request, pk: int):
    """The two partners, while the partnership is active: write or change the agreement (saving signs it)."""
    partnership = partnership_for_member_or_404(request.user, pk)
    if not can_edit_agreement(request.user, partnership):
        raise PermissionDenied
    agreement = getattr(partnership, "agreement", None)
    partner = partnership.partner_of(request.user)
    if request.method == "POST":
        form = AgreementForm(request.POST)
        if done := submit(
            request,
            form,
            lambda data: services.agreement_save(
                partnership=partnership,
                editor=request.user,
                data=data,
                base_version=data["base_version"],
                base_url=base_url(request),
            ),
            success=f"Agreement saved and signed by you. {partner.display_name} is asked to sign it too.",
            then=_detail_url(partnership, "agreement"),
        ):
            return done
    elif agreement is None:
        form = AgreementForm(initial={**services.agreement_initial(partnership=partnership), "base_version": 0})
    else:
        form = AgreementForm(
            initial={
                **agreement.snapshot(),
                "outcomes": agreement.outcomes_of(request.user),
                "base_version": agreement.version,
            }
        )
    return render(
        request,
        "partnerships/agreement_form.html",
        {
            "form": form,
            "partnership": partnership,
            "partner": partner,
            "agreement": agreement,
            "partner_outcomes": agreement.outcomes_of(partner) if agreement else "",
        },
    )


@require_POST
@employee_required
def agreement_sign(request, pk: int):
    """The two partners, while the partnership is active: sign the version they read."""
    partnership = partnership_for_member_or_404(request.user, pk)
    if not can_edit_agreement(request.user, partnership):
        raise PermissionDenied
    form = AgreementSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tick the box to accept the agreement and its confidentiality pledge, then sign.")
        return redirect(_detail_url(partnership, "agreement"))
    return act(
        request,
        lambda: services.agreement_sign(
            partnership=partnership,
            user=request.user,
            version=form.cleaned_data["version"],
            accept_pledge=form.cleaned_data["accept_pledge"],
        ),
        success="You signed the agreement.",
        then=_detail_url(partnership, "agreement"),
    )


@employee_required
def partnership_end(request, pk: int):
    """The two partners, while the partnership is active: end it early, with a reason."""
    partnership = partnership_for_member_or_404(request.user, pk)
    if not can_edit_agreement(request.user, partnership):
        raise PermissionDenied
    form = PartnershipEndForm(request.POST if request.method == "POST" else None)
    if done := submit(
        request,
        form,
        lambda data: services.partnership_end(
            partnership=partnership, ended_by=request.user, reason=data["reason"], base_url=base_url(request)
        ),
        success="The partnership has ended. Thank you for taking part.",
        then=_detail_url(partnership),
    ):
        return done
    return render(
        request,
        "partnerships/partnership_end.html",
        {"form": form, "partnership": partnership, "partner": partnership.partner_of(request.user)},
    )


# --- Goals ----------------------------------------------------------------------------------------


def _own_goal_or_403(request, pk: int) -> Goal:
    goal = goal_for_member_or_404(request.user, pk)
    if not can_edit_goal(request.user, goal):
        raise PermissionDenied
    return goal


@employee_required
def goal_create(request, pk: int):
    """The two partners, while the partnership is active: add one of their own 1-5 goals."""
    partnership = partnership_for_member_or_404(request.user, pk)
    if not can_edit_agreement(request.user, partnership):
        raise PermissionDenied
    existing = Goal.objects.filter(partnership=partnership, owner=request.user).count()
    form = GoalForm(request.POST if request.method == "POST" else None, owner=request.user, existing_count=existing)
    if done := submit(
        request,
        form,
        lambda data: services.goal_create(partnership=partnership, owner=request.user, **data),
        success="Goal added.",
        then=_detail_url(partnership, "goals"),
    ):
        return done
    return render(
        request,
        "partnerships/goal_form.html",
        {"form": form, "partnership": partnership, "goal": None, "existing_count": existing},
    )


@employee_required
def goal_edit(request, pk: int):
    """The goal's owner, while the partnership is active: change it (or delete it, keeping at least one)."""
    goal = _own_goal_or_403(request, pk)
    if goal.is_closed:
        raise PermissionDenied
    initial = {"title": goal.title, "skill": goal.skill_id, "notes": goal.notes, "progress": goal.progress}
    form = GoalForm(request.POST if request.method == "POST" else None, owner=request.user, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: services.goal_update(goal=goal, by=request.user, data=data),
        success="Goal saved.",
        then=_detail_url(goal.partnership, "goals"),
    ):
        return done
    return render(request, "partnerships/goal_form.html", {"form": form, "partnership": goal.partnership, "goal": goal})


@require_POST
@employee_required
def goal_progress(request, pk: int):
    """The goal's owner: set its progress from the pair's page."""
    goal = _own_goal_or_403(request, pk)
    form = GoalProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Progress is a whole number from 0 to 100%.")
        return redirect(_detail_url(goal.partnership, "goals"))
    progress = form.cleaned_data["progress"]
    return act(
        request,
        lambda: services.goal_set_progress(goal=goal, by=request.user, progress=progress),
        success=f"Progress on “{goal.title}” set to {progress}%.",
        then=_detail_url(goal.partnership, "goals"),
    )


def _change_goal(request, pk: int, service, done: str, *, refused_then=None):
    """Run `service` on one of the viewer's own goals; `done` is said with the goal's title."""
    goal = _own_goal_or_403(request, pk)
    return act(
        request,
        lambda: service(goal=goal, by=request.user),
        success=done.format(title=goal.title),
        then=_detail_url(goal.partnership, "goals"),
        refused_then=refused_then,
    )


@require_POST
@employee_required
def goal_achieve(request, pk: int):
    """The goal's owner: mark it achieved."""
    return _change_goal(request, pk, services.goal_mark_achieved, "Well done: “{title}” is achieved.")


@require_POST
@employee_required
def goal_delete(request, pk: int):
    """The goal's owner: remove a goal set by mistake (at least one stays)."""
    back = reverse("partnerships:goal_edit", args=[pk])
    return _change_goal(request, pk, services.goal_delete, "Goal “{title}” removed.", refused_then=back)


@employee_required
def goal_close(request, pk: int):
    """The goal's owner, at the end of the cohort: record the final outcome (even after the pair has ended)."""
    goal = goal_for_member_or_404(request.user, pk)
    if not can_close_goal(request.user, goal):
        raise PermissionDenied
    form = GoalCloseForm(request.POST if request.method == "POST" else None)
    if done := submit(
        request,
        form,
        lambda data: services.goal_close(goal=goal, by=request.user, outcome=data["outcome"]),
        success=f"“{goal.title}” is closed.",
        then=_detail_url(goal.partnership, "goals"),
    ):
        return done
    return render(
        request, "partnerships/goal_close.html", {"form": form, "goal": goal, "partnership": goal.partnership}
    )
