"""The program admins' console: programs, cohorts, the people in a cohort, invitations and messages that
could not be sent. Every view is for program admins only (`program_admin_required`): anonymous visitors are
sent to sign in, everyone else gets a 403.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import program_admin_required
from accounts.selectors import departments_in_use
from mentoring.core.web import act, add_service_errors, base_url, submit
from mentoring.notifications.selectors import failed_message_count, failed_messages
from mentoring.notifications.services import MAX_ATTEMPTS, message_send_again
from mentoring.programs import selectors, services
from mentoring.programs.forms import (
    ENROLLMENT_ACTIONS,
    AddPersonForm,
    BulkEnrollForm,
    CohortCloseForm,
    CohortForm,
    InviteForm,
    ProgramForm,
    TransitionForm,
)
from mentoring.programs.models import Cohort, CohortStatus, Enrollment, EnrollmentStatus, Program
from mentoring.programs.services.bulk import BulkChoice, bulk_enrollment_plan, last_import

FAILED_SHOWN = 200  # the newest; Django admin lists them all


@program_admin_required
def program_list(request):
    """Program admins: every program with how many cohorts it has, and whether any message could not be sent."""
    context = {"programs": selectors.programs_for_console(), "failed_messages": failed_message_count()}
    return render(request, "programs/program_list.html", context)


@program_admin_required
def failed_message_list(request):
    """Program admins: the messages the outbox gave up on (to whom, what, why; never their text), to send again."""
    context = {"failed": failed_messages()[:FAILED_SHOWN], "max_attempts": MAX_ATTEMPTS}
    return render(request, "programs/failed_messages.html", context)


@program_admin_required
@require_POST
def failed_message_send_again(request, pk: int):
    message = get_object_or_404(failed_messages(), pk=pk)
    if message_send_again(message=message):
        messages.success(request, f"The message to {message.address} is queued again.")
    return redirect("programs:failed_messages")


@program_admin_required
def program_create(request):
    form = ProgramForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.program_create(created_by=request.user, data=data),
        success=lambda program: f"Program “{program.name}” created. Add its first cohort next.",
        then=lambda program: program,
    ):
        return done
    return _program_page(request, form, program=None)


def _program_page(request, form, *, program: Program | None):
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/program_form.html", {"form": form, "program": program}, status=status)


@program_admin_required
def program_detail(request, pk: int):
    """Program admins: the program, its default rules and its cohorts."""
    program = get_object_or_404(Program, pk=pk)
    return render(
        request,
        "programs/program_detail.html",
        {"program": program, "cohorts": selectors.program_cohorts(program)},
    )


@program_admin_required
def program_edit(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    form = ProgramForm(request.POST or None, instance=program)
    if done := submit(
        request,
        form,
        lambda data: services.program_update(program=program, data=data),
        success="Program saved. Existing cohorts keep their own rules; new cohorts copy these.",
        then=program,
    ):
        return done
    return _program_page(request, form, program=program)


@program_admin_required
def cohort_create(request, program_pk: int):
    """A new draft cohort; its rules start as a copy of the program's defaults."""
    program = get_object_or_404(Program, pk=program_pk)
    form = CohortForm(request.POST or None, instance=Cohort(program=program, **program.rule_values()))
    if done := submit(
        request,
        form,
        lambda data: services.cohort_create(program=program, data=data),
        success=lambda cohort: f"Cohort “{cohort.name}” created as a draft. Open enrollment when ready.",
        then=lambda cohort: cohort,
    ):
        return done
    return _cohort_page(request, form, program=program, cohort=None)


def _cohort_page(request, form, *, program: Program, cohort: Cohort | None):
    context = {"form": form, "program": program, "cohort": cohort}
    return render(request, "programs/cohort_form.html", context, status=400 if request.method == "POST" else 200)


@program_admin_required
def cohort_detail(request, pk: int):
    """Program admins: the cohort's people, their profile completeness, counts, actions and next steps."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    roster = selectors.cohort_roster(cohort)
    # Thousands of people: the table shows one page of the rows that match the filters (no query of its own).
    filters = {name: request.GET.get(name, "")[:200] for name in ("search", "department", "status")}
    rows = selectors.roster_filter(roster.rows, **filters)
    page = Paginator(rows, selectors.ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "programs/cohort_detail.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "roster": roster,
            "page": page,
            "filters": filters,
            "filter_query": query,
            "filtered": any(filters.values()),
            "status_choices": EnrollmentStatus.choices,
            "missing_shown": roster.missing_skills[: selectors.MISSING_SKILLS_SHOWN],
            "missing_more": max(0, len(roster.missing_skills) - selectors.MISSING_SKILLS_SHOWN),
            "transitions": selectors.cohort_transitions(cohort, counts=roster.counts),
            "invitations": selectors.pending_invitations(cohort),
            "rules_locked": selectors.cohort_rules_locked(cohort),
            "has_pairs": selectors.cohort_has_pairs(cohort),
            "today": timezone.now().date(),
        },
    )


@program_admin_required
def cohort_edit(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    if cohort.is_closed:
        messages.error(request, "This cohort is closed: it can no longer change.")
        return redirect(cohort)
    locked = selectors.cohort_locked_fields(cohort)
    form = CohortForm(request.POST or None, instance=cohort, locked=locked)
    if done := submit(
        request,
        form,
        lambda _: services.cohort_update(cohort=cohort, data=form.changes, base_url=base_url(request)),
        success="Cohort saved.",
        then=cohort,
    ):
        return done
    cohort.refresh_from_db()  # the form may have put unsaved values on it
    return _cohort_page(request, form, program=cohort.program, cohort=cohort)


@program_admin_required
@require_POST
def cohort_transition(request, pk: int):
    cohort = get_object_or_404(Cohort, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid next status.")
        return redirect(cohort)
    if form.cleaned_data["to"] == CohortStatus.CLOSED:
        # Closing ends every pair, so it happens only on the closing page, where the admin reads what it does and
        # types the cohort's name.
        messages.error(request, "Nothing changed: to close the cohort, read what closing does and type its name.")
        return redirect("programs:cohort_close", cohort.pk)
    return act(
        request,
        lambda: services.cohort_transition(cohort=cohort, to=form.cleaned_data["to"]),
        success=lambda cohort: f"The cohort is now {cohort.get_status_display().lower()}.",
        then=cohort,
    )


@program_admin_required
def cohort_close(request, pk: int):
    """Program admins: what closing the cohort does (pairs that end, sessions cancelled, who is e-mailed, who becomes
    alumni or is withdrawn); closing needs the cohort's name typed."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    form = CohortCloseForm(request.POST or None, cohort=cohort)
    if done := submit(
        request,
        form,
        lambda _: services.cohort_close(cohort=cohort),
        success=lambda cohort: f"The cohort is now {cohort.get_status_display().lower()}.",
        then=cohort,
    ):
        return done
    context = {"cohort": cohort, "program": cohort.program, "form": form, "closing": selectors.cohort_closing(cohort)}
    return render(request, "programs/cohort_close.html", context, status=400 if request.method == "POST" else 200)


@program_admin_required
@require_POST
def enrollment_action(request, pk: int, action: str):
    """Approve, waitlist, withdraw or remind one person on the cohort page."""
    if action not in ENROLLMENT_ACTIONS:
        raise Http404("No such action.")
    enrollment = get_object_or_404(Enrollment.objects.select_related("user", "cohort"), pk=pk)
    if action == "remind":
        _remind(request, [enrollment])
        return redirect(enrollment.cohort)
    name = enrollment.user.display_name
    if action == "approve":
        service, text = services.enrollment_approve, f"{name} is approved."
    elif action == "waitlist":
        service, text = services.enrollment_waitlist, f"{name} is now at the end of the waitlist."
    else:
        # Read before the withdrawal ends them (through the cohort's reverse relation: programs does not import
        # partnerships).
        partners = [
            p.partner_of(enrollment.user).display_name
            for p in enrollment.cohort.partnerships.active()
            .for_user(enrollment.user)
            .select_related("member_a", "member_b")
        ]
        service = services.enrollment_withdraw_by_admin
        text = f"{name} is withdrawn. Their place went to the waitlist, if anyone waits."
        if partners:
            text += f" Their partnership with {' and '.join(partners)} has ended."
    return act(
        request,
        lambda: service(enrollment=enrollment, base_url=base_url(request)),
        success=text,
        then=enrollment.cohort,
    )


def _remind(request, enrollments: list[Enrollment]) -> None:
    today = timezone.now().date()
    fresh = [e for e in enrollments if e.profile_reminder_sent_on != today]
    if not fresh:
        messages.info(request, "Everyone selected was already reminded today; reminders go out at most once a day.")
        return
    sent = services.profile_reminders_request(enrollment_ids=[e.pk for e in fresh], base_url=base_url(request))
    skipped = len(enrollments) - len(fresh)
    text = f"Reminder to complete their skill profile sent to {sent} {'person' if sent == 1 else 'people'}."
    if skipped:
        text += f" {skipped} already reminded today."
    messages.success(request, text)


@program_admin_required
@require_POST
def cohort_remind_incomplete(request, pk: int):
    """Remind everyone in the cohort whose skill profile is incomplete."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    incomplete = [row.enrollment for row in selectors.cohort_roster(cohort).incomplete_profiles]
    if not incomplete:
        messages.info(request, "Every current participant has a complete skill profile.")
    else:
        _remind(request, incomplete)
    return redirect(cohort)


@program_admin_required
def cohort_invite(request, pk: int):
    """Invite people by e-mail: each gets a link to sign up (or sign in) and enroll."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    form = InviteForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.invitations_send(
            cohort=cohort, emails=data["emails"], invited_by=request.user, base_url=base_url(request)
        ),
        success=lambda sent: (
            f"{len(sent)} invitation{'s' if len(sent) != 1 else ''} sent."
            if sent
            else "Nobody was e-mailed: everyone on the list was invited in the last few minutes."
        ),
        then=cohort,
    ):
        return done
    return render(
        request,
        "programs/cohort_invite.html",
        {"form": form, "cohort": cohort, "program": cohort.program},
        status=400 if request.method == "POST" else 200,
    )


@program_admin_required
def cohort_add_person(request, pk: int):
    """Enroll someone who already has an account, without them applying."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    form = AddPersonForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.enrollment_add_person(
            cohort=cohort, user=data["email"], enrolled_by=request.user, base_url=base_url(request)
        ),
        success=lambda enrollment: (
            f"{form.cleaned_data['email'].display_name} is enrolled "
            f"({enrollment.get_status_display().lower()}). "
            "They were e-mailed to add their goals and accept the confidentiality statement."
        ),
        then=cohort,
    ):
        return done
    return render(
        request,
        "programs/cohort_add_person.html",
        {"form": form, "cohort": cohort, "program": cohort.program},
        status=400 if request.method == "POST" else 200,
    )


@program_admin_required
def cohort_enroll_many(request, pk: int):
    """Program admins: enroll many people at once (typed addresses, a department, the last import). The first
    POST shows what would happen to each person; the second, carrying that summary's fingerprint, confirms it."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    departments = [d.name for d in departments_in_use()[0]]
    form = BulkEnrollForm(request.POST or None, departments=departments, last_import=last_import())
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choice = BulkChoice(
            emails=tuple(data["emails"]), department=data["department"], last_import=data["last_import"]
        )
        confirm = "confirm" in request.POST
        if confirm and (
            done := submit(
                request,
                form,
                lambda data: services.enrollments_add_many(
                    cohort=cohort,
                    choice=choice,
                    expected=data["expected"],
                    enrolled_by=request.user,
                    base_url=base_url(request),
                ),
                success=lambda plan: f"Done: {plan.summary}. Each person enrolled was e-mailed.",
                then=cohort,
            )
        ):
            return done
        if not cohort.accepts_participants:
            form.add_error(None, f"This cohort is {cohort.get_status_display().lower()}: nobody can join it any more.")
        else:
            try:
                plan = bulk_enrollment_plan(cohort, choice)
            except ValidationError as error:
                add_service_errors(form, error)
    return render(
        request,
        "programs/cohort_enroll_many.html",
        {"form": form, "cohort": cohort, "program": cohort.program, "plan": plan},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
