"""Pages for sessions. Each view fetches what the viewer may see (404 for anyone else), calls one service, and
redirects or renders. Refusals come back as messages next to the form, with nothing written."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required, program_admin_required
from mentoring.core.web import act, base_url, submit
from mentoring.programs.models import Cohort
from sessions_log import calendar as ical
from sessions_log import permissions, selectors, services
from sessions_log.forms import (
    CheckInForm,
    NoteForm,
    PickTimeForm,
    ReasonForm,
    SessionLogForm,
    SessionOtherTimeForm,
    SessionProposeForm,
    SessionRescheduleForm,
    TopicForm,
)
from sessions_log.models import SessionHalf, SessionStatus
from sessions_log.times import partner_time, user_zone


def _form_page(request, *, form, session=None, title: str, intro: str = "", submit: str, status: int = 200, **extra):
    context = {"form": form, "session": session, "title": title, "intro": intro, "submit": submit, **extra}
    return render(request, "sessions_log/session_form.html", context, status=status)


# --- Scheduling -----------------------------------------------------------------------------------


@employee_required
def session_propose(request, partnership_id: int):
    """The two partners of an active partnership: propose a session (time in their own time zone)."""
    partnership = permissions.partnership_for_member(request.user, partnership_id)
    if not permissions.can_propose_session(request.user, partnership):
        messages.error(request, "This partnership has ended: no new sessions can be scheduled.")
        return redirect("sessions_log:partnership_sessions", partnership.pk)
    partner = partnership.partner_of(request.user)
    minutes = partnership.cohort.session_length_minutes
    form = SessionProposeForm(request.POST or None, viewer=request.user)

    def proposed(session) -> str:
        # Saying it is not refusing it: a time outside the partner's day is the proposer's call.
        for start in sorted([form.cleaned_data["start"], *form.cleaned_data["other_starts"]]):
            if warning := partner_time(start, minutes, viewer=request.user, partner=partner).warning:
                messages.warning(request, warning)
        several = bool(form.cleaned_data["other_starts"])
        return (
            f"Proposed. {partner.display_name} gets an e-mail to "
            f"{'pick one of the times' if several else 'accept it'} or suggest another time."
        )

    if done := submit(
        request,
        form,
        lambda data: services.session_propose(
            partnership=partnership,
            proposed_by=request.user,
            start=data["start"],
            other_starts=data["other_starts"],
            location=data["location"],
            agenda=data["agenda"],
            base_url=base_url(request),
        ),
        success=proposed,
        then=lambda session: session,
    ):
        return done
    entered = form.entered_starts()
    slots = [
        {
            "n": n,
            "suffix": "" if n == 1 else f"_{n}",
            "date": date_field,
            "time": time_field,
            "clocks": partner_time(entered[n], minutes, viewer=request.user, partner=partner) if n in entered else None,
        }
        for n, date_field, time_field in form.slots()
    ]
    return render(
        request,
        "sessions_log/session_propose.html",
        {
            "form": form,
            "slots": slots,
            "partnership": partnership,
            "partner": partner,
            "partner_zone": user_zone(partner).key,
            "partner_now": timezone.localtime(timezone.now(), user_zone(partner)),
            "minutes": minutes,
            "back_url": selectors.partnership_back_url(partnership),
        },
        status=400 if request.method == "POST" else 200,
    )


@employee_required
def partner_clock(request, partnership_id: int):
    """The two partners: one typed time on the partner's clock, with a warning outside their working day (the
    proposal form asks for it as each time is typed). Bad or missing input answers with nothing to show."""
    partnership = permissions.partnership_for_member(request.user, partnership_id)
    partner = partnership.partner_of(request.user)
    slot = request.GET.get("slot", "1")
    suffix = "" if slot == "1" else f"_{slot}"
    clocks = None
    if slot in ("1", "2", "3"):
        form = SessionProposeForm(
            {"date": request.GET.get(f"date{suffix}", ""), "time": request.GET.get(f"time{suffix}", "")},
            viewer=request.user,
        )
        start = form.entered_starts().get(1)
        if start is not None:
            clocks = partner_time(
                start, partnership.cohort.session_length_minutes, viewer=request.user, partner=partner
            )
    return render(request, "sessions_log/_partner_clock.html", {"clocks": clocks, "slot": slot, "partner": partner})


@employee_required
def session_detail(request, pk: int):
    """The two partners: the session, its halves and topics, the notes the two of them share and what to do next."""
    session = permissions.session_for(request.user, pk)
    page = selectors.session_page(session, request.user)
    return render(
        request,
        "sessions_log/session_detail.html",
        {
            "page": page,
            "session": session,
            "partner": page.partner,
            "back_url": selectors.partnership_back_url(session.partnership),
            "decline_form": ReasonForm(),
        },
    )


@require_POST
@employee_required
def session_accept(request, pk: int):
    """The partner who did not propose the time: accept it, or pick one of the times offered (``offered``); both get
    a calendar invitation for that time alone."""
    session = permissions.session_for(request.user, pk)
    form = PickTimeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick one of the times offered.")
        return redirect(session)
    return act(
        request,
        lambda: services.session_accept(
            session=session, by=request.user, base_url=base_url(request), offered_time_id=form.cleaned_data["offered"]
        ),
        success="Accepted. The calendar invitation is on its way to both of you.",
        then=session,
    )


def _service_form(request, session, form, *, call, done: str, **page):
    """The shared body of the session's action pages: on a valid POST run `call(cleaned_data)` (a service);
    its refusals become form errors, success redirects to the session; otherwise render the form page."""
    if response := submit(request, form, call, success=done, then=session):
        return response
    return _form_page(
        request,
        form=form,
        session=session,
        status=400 if request.method == "POST" else 200,
        back_url=session.get_absolute_url(),
        **page,
    )


def _reason_view(
    request, pk: int, *, service, title: str, intro: str, submit: str, done: str, submit_class: str = "btn-primary"
):
    session = permissions.session_for(request.user, pk)
    return _service_form(
        request,
        session,
        ReasonForm(request.POST or None),
        call=lambda data: service(session=session, by=request.user, reason=data["reason"], base_url=base_url(request)),
        done=done,
        title=title,
        intro=intro,
        submit=submit,
        submit_class=submit_class,
    )


@employee_required
def session_decline(request, pk: int):
    """The partner who did not propose the time: decline it with a reason."""
    return _reason_view(
        request,
        pk,
        service=services.session_decline,
        title="Decline this time",
        intro="Your partner sees your reason. You can also propose another time instead.",
        submit="Decline",
        done="Declined. Your partner gets an e-mail with your reason.",
    )


@employee_required
def session_cancel(request, pk: int):
    """Either partner: cancel a session that has not started, with a reason."""
    return _reason_view(
        request,
        pk,
        service=services.session_cancel,
        title="Cancel this session",
        intro="Your partner sees your reason. Calendars that hold the session get a cancellation.",
        submit="Cancel the session",
        submit_class="btn-danger",
        done="Cancelled. Your partner has been told.",
    )


@employee_required
def session_other_time(request, pk: int):
    """Either partner, while a time is proposed: propose another time (the other partner then answers)."""
    return _move_view(
        request,
        pk,
        form_class=SessionOtherTimeForm,
        service=services.session_propose_other_time,
        text_field="note",
        title="Propose another time",
        submit="Propose this time",
        done="Another time proposed. Your partner gets an e-mail to answer it.",
    )


@employee_required
def session_reschedule(request, pk: int):
    """Either partner: move an accepted session that has not started (calendars get the update)."""
    return _move_view(
        request,
        pk,
        form_class=SessionRescheduleForm,
        service=services.session_reschedule,
        text_field="reason",
        title="Reschedule this session",
        submit="Move the session",
        done="Rescheduled. Both calendars get the update.",
    )


def _move_view(request, pk: int, *, form_class, service, text_field: str, title: str, submit: str, done: str):
    """A new time and place for a session, through `service`; the form's `text_field` goes along with it."""
    session = permissions.session_for(request.user, pk)
    form = form_class(request.POST or None, viewer=request.user, initial={"location": session.location})
    form.set_initial_start(session)
    return _service_form(
        request,
        session,
        form,
        call=lambda data: service(
            session=session,
            by=request.user,
            start=data["start"],
            location=data["location"],
            base_url=base_url(request),
            **{text_field: data[text_field]},
        ),
        done=done,
        title=title,
        submit=submit,
    )


# --- After the session ----------------------------------------------------------------------------


@employee_required
def session_log(request, pk: int):
    """Either partner, once the session has started: log whether it was held and the minutes of each half."""
    session = permissions.session_for(request.user, pk)
    page = selectors.session_page(session, request.user)
    form = SessionLogForm(request.POST or None, session=session, halves=page.halves)
    refusal = ""
    if not page.can_log:
        refusal = (
            "You can log this session once it has started."
            if session.is_open
            else f"This session was {session.get_status_display().lower()}: there is nothing to log."
        )

    held = request.method == "POST" and form.is_valid() and form.cleaned_data["outcome"] == SessionLogForm.HELD
    if done := submit(
        request,
        form,
        lambda data: services.session_log(
            session=session,
            by=request.user,
            held=held,
            minutes=form.minutes if held else None,
            not_held_reason=data["not_held_reason"],
            no_show=data["no_show"],
        ),
        success="Logged as held. Now fill in your check-in while it is fresh." if held else "Logged as not held.",
        then=reverse("sessions_log:checkin", args=[session.pk]) if held else session,
    ):
        return done
    return render(
        request,
        "sessions_log/session_log.html",
        {"form": form, "session": session, "page": page, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


@employee_required
def half_topic(request, pk: int, order: int):
    """The mentee of the half: choose its topic, from their wanted skills or in their own words."""
    session = permissions.session_for(request.user, pk)
    half = get_object_or_404(SessionHalf.objects.select_related("topic_skill"), session=session, order=order)
    if not permissions.can_set_topic(request.user, half):
        messages.error(request, "Only the mentee of this half chooses its topic: your partner picks it.")
        return redirect(session)
    partnership = session.partnership
    suggestions = selectors.topic_suggestions(request.user, partnership.partner_of(request.user))
    initial = {"topic": half.topic, "topic_skill": half.topic_skill}
    form = TopicForm(request.POST or None, suggestions=suggestions, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: services.half_set_topic(
            half=half, by=request.user, topic=data["topic"], topic_skill=data["topic_skill"]
        ),
        success="Topic saved. Your partner sees it on the session page.",
        then=session,
    ):
        return done
    partner = partnership.partner_of(request.user)
    return _form_page(
        request,
        form=form,
        session=session,
        title=f"Topic of the {half.get_order_display().lower()}",
        intro=f"{partner.display_name} mentors you in this half. Suggestions come from the skills you want to learn "
        f"that {partner.display_name} offers.",
        submit="Save the topic",
        status=400 if request.method == "POST" else 200,
        back_url=session.get_absolute_url(),
    )


@employee_required
def note_edit(request, pk: int):
    """Either partner: write their private note on the session; only the two partners can ever read it."""
    session = permissions.session_for(request.user, pk)
    page = selectors.session_page(session, request.user)
    form = NoteForm(request.POST or None, initial={"text": page.my_note.text if page.my_note else ""})
    if done := submit(
        request,
        form,
        lambda data: services.note_save(session=session, author=request.user, text=data["text"]),
        success=lambda note: "Note saved." if note else "Note deleted.",
        then=f"{session.get_absolute_url()}#notes",
    ):
        return done
    return _form_page(
        request,
        form=form,
        session=session,
        title="Your note on this session",
        intro="Your partner reads your note too; nobody else can, not even the program team.",
        submit="Save the note",
        status=400 if request.method == "POST" else 200,
        back_url=session.get_absolute_url(),
    )


@employee_required
def checkin(request, pk: int):
    """The partner themself: fill in (or, for 7 days, edit) their check-in after a held session."""
    session = permissions.session_for(request.user, pk)
    page = selectors.session_page(session, request.user)
    existing = page.my_checkin
    goals = services.checkin_goals(session, request.user)
    form = CheckInForm(request.POST or None, goals=goals, instance=existing)
    refusal = ""
    if existing is None and session.status != SessionStatus.HELD:
        refusal = "A check-in is for a session that took place: log this session as held first."
    elif existing is not None and not existing.is_editable:
        refusal = "Your check-in is sent and can no longer be changed."
    if request.method == "POST" and existing is not None and request.POST.get("editing") != str(existing.pk):
        # A second tab (or the back button) posting a new check-in over the one already sent.
        form.add_error(
            None, "You already filled in the check-in for this session; it is shown below, and you can edit it."
        )

    def save(_):
        if existing is None:
            return services.checkin_submit(
                session=session, author=request.user, data=form.answers, goal_progress=form.goal_progress
            )
        return services.checkin_update(
            checkin=existing, by=request.user, data=form.answers, goal_progress=form.goal_progress
        )

    if done := submit(request, form, save, success="Thank you: your check-in is saved.", then=session):
        return done
    return render(
        request,
        "sessions_log/checkin_form.html",
        {"form": form, "session": session, "page": page, "existing": existing, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


@employee_required
def session_ics(request, pk: int):
    """The two partners: the session as a calendar file."""
    session = permissions.session_for(request.user, pk)
    link = request.build_absolute_uri(session.get_absolute_url())
    body = ical.session_calendar(session, method=ical.PUBLISH, link=link)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="twoway-session-{session.pk}.ics"'
    return response


@employee_required
def partnership_sessions(request, partnership_id: int):
    """The two partners: every session of the pair, newest first, with the balance and next actions."""
    partnership = permissions.partnership_for_member(request.user, partnership_id)
    page, rows = selectors.partnership_session_page(partnership, request.user, request.GET.get("page"))
    return render(
        request,
        "sessions_log/partnership_sessions.html",
        {
            "partnership": partnership,
            "partner": partnership.partner_of(request.user),
            "sessions": selectors.partnership_sessions_context(partnership, request.user),
            "page_obj": page,
            "rows": rows,
            "back_url": selectors.partnership_back_url(partnership),
        },
    )


# --- Program team ---------------------------------------------------------------------------------


@program_admin_required
def cohort_overview(request, cohort_id: int):
    """Program admins: a cohort's session flags and aggregates; never private notes or unshared check-in text."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    return render(
        request, "sessions_log/cohort_overview.html", {"cohort": cohort, "o": selectors.cohort_session_overview(cohort)}
    )


@program_admin_required
def cohort_pairs(request, cohort_id: int):
    """Program admins: a cohort's pairs with what the team may know (never agreement text, outcomes or goals)."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    return render(
        request,
        "sessions_log/cohort_pairs.html",
        {"cohort": cohort, "program": cohort.program, "pairs": selectors.cohort_pair_summaries(cohort)},
    )
