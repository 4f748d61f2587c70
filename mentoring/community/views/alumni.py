"""The alumni directory (signed-in employees), joining and leaving it, and calls for volunteers (program admins).

Anonymous visitors are sent to sign in; employees who are not alumni may read the directory but get a 403 when
they try to join; a volunteer invitation is its invitee's alone (404 for anyone else).
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required, program_admin_required
from mentoring.community import forms, selectors
from mentoring.community.models import VolunteerCall
from mentoring.community.permissions import own_volunteer_invite_or_404
from mentoring.community.services import alumni as services
from mentoring.core.web import act, base_url, submit


@employee_required
def alumni_directory(request):
    """Signed-in employees: the alumni who joined the network, searchable by skill, 25 to a page."""
    search = forms.DirectorySearchForm(request.GET)
    skill = activity = ""
    if search.is_valid():
        skill, activity = search.cleaned_data["skill"], search.cleaned_data["activity"]
    page = Paginator(selectors.alumni_directory(skill=skill, activity=activity), selectors.DIRECTORY_PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    rows = [(member, selectors.programs_of(member)) for member in page]
    member = selectors.alumni_member_of(request.user)
    context = {
        "search": search,
        "page": page,
        "rows": rows,
        "member": member,
        "can_join": member is None and selectors.is_alumnus(request.user),
        "invites": selectors.my_volunteer_invites(request.user) if member else [],
        "query": urlencode({key: value for key, value in (("skill", skill), ("activity", activity)) if value}),
    }
    return render(request, "community/alumni_directory.html", context)


@employee_required
def alumni_join(request):
    """Alumni (people who took part in a closed cohort) join the network and say what they volunteer for."""
    if not selectors.is_alumnus(request.user):
        raise PermissionDenied
    if selectors.alumni_member_of(request.user) is not None:
        return redirect("community:alumni_edit")
    form = forms.VolunteeringForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.alumni_join(user=request.user, data=data),
        success="Welcome to the alumni network. You can leave it at any time with one click.",
        then="community:alumni_directory",
    ):
        return done
    return render(request, "community/alumni_form.html", {"form": form, "joining": True})


@employee_required
def alumni_edit(request):
    member = selectors.alumni_member_of(request.user)
    if member is None:
        raise PermissionDenied
    form = forms.VolunteeringForm(request.POST or None, instance=member)
    if done := submit(
        request,
        form,
        lambda data: services.alumni_update(member=member, data=data),
        success="Saved what you volunteer for.",
        then="community:alumni_directory",
    ):
        return done
    return render(request, "community/alumni_form.html", {"form": form, "joining": False})


@require_POST
@employee_required
def alumni_leave(request):
    return act(
        request,
        lambda: services.alumni_leave(user=request.user),
        success=lambda left: "You left the alumni network." if left else "You are not in the alumni network.",
        then="community:alumni_directory",
    )


@require_POST
@employee_required
def volunteer_invite_answer(request, pk: int, answer: str):
    """The invitee answers a call for volunteers: yes or no."""
    invite = own_volunteer_invite_or_404(request.user, pk)
    if answer not in ("accept", "decline"):
        raise PermissionDenied
    return act(
        request,
        lambda: services.volunteer_invite_answer(invite=invite, accept=answer == "accept"),
        success=lambda i: f"Thank you: you {i.get_status_display().lower()} “{i.call.title}”.",
        then=reverse("community:alumni_directory") + "#volunteer-invites",
    )


@program_admin_required
def volunteer_calls(request):
    """Program admins: calls for volunteers, and a new one."""
    form = forms.VolunteerCallForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.volunteer_call_create(**data, created_by=request.user),
        success="Call created: now choose whom to invite.",
        then=lambda call: call.get_absolute_url(),
    ):
        return done
    return render(request, "community/volunteer_calls.html", {"form": form, "calls": selectors.volunteer_calls()})


@program_admin_required
def volunteer_call(request, pk: int):
    """Program admins: who was invited to one call, who accepted, and inviting more members."""
    call = get_object_or_404(VolunteerCall, pk=pk)
    form = forms.VolunteerInviteForm(request.POST or None, candidates=selectors.members_to_invite(call))
    if done := submit(
        request,
        form,
        lambda data: services.volunteer_call_invite(call=call, users=list(data["people"]), base_url=base_url(request)),
        success=lambda new: f"Invited {len(new)} {'member' if len(new) == 1 else 'members'}.",
        then=call.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "community/volunteer_call.html",
        {"call": call, "form": form, "invites": selectors.volunteer_call_invites(call)},
    )
