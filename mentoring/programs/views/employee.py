"""The employees' side of programs: their enrollments, open cohorts, enrolling and invitations. Every view
is for signed-in employees (`employee_required`); a person sees only their own enrollments (404 otherwise).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.adapters import AFTER_SIGN_IN_SESSION_KEY
from accounts.models import User
from accounts.permissions import employee_required
from mentoring.core.web import act, base_url, submit
from mentoring.programs import selectors, services
from mentoring.programs.forms import (
    EnrollmentForm,
)
from mentoring.programs.models import CohortStatus, Enrollment, EnrollmentStatus, Invitation
from mentoring.programs.permissions import own_enrollment_or_404, visible_cohort_or_404


@employee_required
def my_programs(request):
    """Anyone signed in: their own enrollments and the cohorts open to them."""
    return render(
        request,
        "programs/my_programs.html",
        {
            "enrollments": selectors.enrollments_for(request.user),
            "open_cohorts": selectors.cohorts_open_for(request.user),
            "invitations": selectors.invitations_for(request.user),
        },
    )


@employee_required
def cohort_enroll(request, pk: int):
    """Anyone signed in, for a cohort that is enrolling (404 otherwise): enroll with goals and availability."""
    cohort = visible_cohort_or_404(request.user, pk)
    existing = Enrollment.objects.filter(cohort=cohort, user=request.user).first()
    if existing and existing.is_current:
        return redirect(existing)
    form = EnrollmentForm(request.POST or None)
    is_open = cohort.is_open_for_enrollment()

    def enrolled(enrollment) -> str:
        if enrollment.status == EnrollmentStatus.WAITLISTED:
            messages.info(request, "The cohort is full, so you are on its waitlist. We will e-mail you.")
            return ""
        return "You are enrolled. The program team will confirm your place."

    if done := submit(
        request,
        form,
        lambda data: services.enrollment_apply(
            cohort=cohort,
            user=request.user,
            goals=data["goals"],
            availability=data["availability"],
            accepts_confidentiality=form.accepts_confidentiality,
        ),
        success=enrolled,
        then=lambda enrollment: enrollment,
    ):
        return done
    return render(
        request,
        "programs/enroll.html",
        {
            "form": form,
            "cohort": cohort,
            "program": cohort.program,
            "is_open": is_open,
            "today_date": timezone.localdate(),
            "places_left": max(cohort.capacity - selectors.places_taken(cohort), 0),
        },
        status=400 if request.method == "POST" else 200,
    )


@employee_required
def enrollment_detail(request, pk: int):
    """The person's own enrollment (404 for anyone else's): status, goals, availability, withdraw."""
    enrollment = own_enrollment_or_404(request.user, pk)
    editable = enrollment.is_current and not enrollment.cohort.is_closed
    form = None
    if editable:
        initial = {"goals": enrollment.goals, "availability": enrollment.availability}
        form = EnrollmentForm(
            request.POST or None, initial=initial, needs_acceptance=not enrollment.has_accepted_confidentiality
        )
        if done := submit(
            request,
            form,
            lambda data: services.enrollment_update_details(
                enrollment=enrollment,
                goals=data["goals"],
                availability=data["availability"],
                accepts_confidentiality=form.accepts_confidentiality,
            ),
            success="Your enrollment is saved.",
            then=enrollment,
        ):
            return done
    elif request.method == "POST":
        messages.error(request, "This enrollment is no longer current, so it cannot change.")
        return redirect(enrollment)
    return render(
        request,
        "programs/enrollment_detail.html",
        {
            "enrollment": enrollment,
            "cohort": enrollment.cohort,
            "program": enrollment.cohort.program,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@employee_required
@require_POST
def enrollment_withdraw(request, pk: int):
    """The person withdraws their own enrollment (404 for anyone else's), until matching starts."""
    enrollment = own_enrollment_or_404(request.user, pk)
    return act(
        request,
        lambda: services.enrollment_withdraw_self(enrollment=enrollment, base_url=base_url(request)),
        success=f"You have withdrawn from {enrollment.cohort.name}.",
        then=enrollment,
    )


def invitation_accept(request, token: str):
    """Anyone with the link (it only counts as accepted for the invitee; an unknown token is a 404). A visitor sees
    which program and cohort invite them and their next step: sign in, choose a first password (people the program
    team imported have none), or create an account. Whichever they take, they come back here once signed in (the
    session remembers it, through a password reset e-mail too), and then go on to enroll."""
    invitation = get_object_or_404(Invitation.objects.select_related("cohort", "cohort__program"), token=token)
    cohort = invitation.cohort
    if not request.user.is_authenticated:
        request.session[AFTER_SIGN_IN_SESSION_KEY] = request.path
        account = User.objects.filter(email__iexact=invitation.email).only("password").first()
        if account is None:
            step = "sign_up"
        elif account.has_usable_password():
            step = "sign_in"
        else:
            step = "choose_password"
        back = urlencode({"next": request.path})
        return render(
            request,
            "programs/invitation_landing.html",
            {
                "invitation": invitation,
                "cohort": cohort,
                "program": cohort.program,
                "step": step,
                "is_open": cohort.status == CohortStatus.ENROLLING,
                "sign_in_url": f"{reverse('account_login')}?{back}",
                "sign_up_url": f"{reverse('account_signup')}?{back}",
                "password_url": reverse("account_reset_password"),
            },
        )
    request.session.pop(AFTER_SIGN_IN_SESSION_KEY, None)  # back here: nothing left to come back to
    if not services.invitation_accept(invitation=invitation, user=request.user):
        messages.info(
            request,
            f"This invitation was sent to another address; you are signed in as {request.user.email}. "
            "Anyone may still enroll while the cohort is open.",
        )
    if cohort.status != CohortStatus.ENROLLING:
        return render(request, "programs/invitation_closed.html", {"cohort": cohort, "program": cohort.program})
    return redirect("programs:cohort_enroll", pk=cohort.pk)
