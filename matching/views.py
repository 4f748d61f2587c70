"""Matching pages. Every view here is for program admins only (`program_admin_required`): anyone else signed in
gets 403, anonymous visitors go to the sign-in page. Objects of another run or cohort answer 404."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import program_admin_required
from matching import selectors, services
from matching.forms import EndAndRematchForm, ExcludeForm, ManualPairForm
from matching.models import MatchPair, MatchRun, MatchRunStatus, PairRule
from mentoring.core.web import act, base_url, submit
from mentoring.partnerships.models import Partnership, PartnershipStatus
from mentoring.programs.models import Cohort, CohortStatus


def _run_or_404(cohort_pk: int, number: int) -> MatchRun:
    run = selectors.run_for_page(cohort_pk, number)
    if run is None:
        raise Http404("No such match run.")
    return run


def _cohort_or_404(pk: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=pk)


# --- The cohort's matching page ------------------------------------------------------------------------------


@program_admin_required
def cohort_matching(request, cohort_pk: int):
    """Program admins: a cohort's runs, its locks and exclusions, and (once active) its pairs to end and re-match."""
    cohort = _cohort_or_404(cohort_pk)
    page = selectors.cohort_matching(cohort)
    return render(request, "matching/cohort_matching.html", {"cohort": cohort, "program": cohort.program, "page": page})


@program_admin_required
@require_POST
def run_start(request, cohort_pk: int):
    """Program admins, cohort in matching: run the engine for its approved participants."""
    cohort = _cohort_or_404(cohort_pk)
    back = reverse("matching:cohort", args=[cohort.pk])
    return _started(
        request, lambda: services.match_run_start(cohort=cohort, started_by=request.user), refused_then=back
    )


def _started(request, start, *, refused_then):
    """Start a run with `start()` and show it, saying how it stands; a refusal goes back to `refused_then`."""
    return act(
        request, start, success=lambda run: _announce(request, run), then=lambda run: run, refused_then=refused_then
    )


def _announce(request, run: MatchRun) -> str:
    """How a run that was just started stands; said here at the level it deserves, so nothing is left to add."""
    if run.status == MatchRunStatus.DONE:
        messages.success(
            request, f"Run #{run.number}: {run.matched_people} of {run.candidate_count} people paired. Review it."
        )
    elif run.status == MatchRunStatus.FAILED:
        messages.error(request, f"Run #{run.number} failed: {run.error}")
    else:
        messages.info(request, f"Run #{run.number} is matching {run.candidate_count:,} people in the background.")
    return ""


# --- A run: progress, proposal and changes -------------------------------------------------------------------


def _proposal_forms(page: selectors.ProposalPage, data=None, which: str = "") -> dict:
    unmatched = {row.user_id for row in page.unmatched}
    return {
        "pair_form": ManualPairForm(
            data if which == "pair" else None, people=page.people, unmatched_ids=unmatched, prefix="pair"
        ),
        "exclude_form": ExcludeForm(
            data if which == "exclude" else None, people=page.people, unmatched_ids=unmatched, prefix="exclude"
        ),
    }


def _render_run(request, run: MatchRun, *, page=None, forms=None, status: int = 200):
    context = {"run": run, "cohort": run.cohort, "program": run.cohort.program, "run_label": f"Run #{run.number}"}
    if run.has_result:
        page = page or selectors.proposal_page(run)
        context |= {"page": page, **(forms or _proposal_forms(page))}
        context["editable"] = run.is_proposal and page.newest
    return render(request, "matching/run_detail.html", context, status=status)


@program_admin_required
def run_detail(request, cohort_pk: int, number: int):
    """Program admins: a run's progress, then its proposal: pairs, unmatched people, supply and demand."""
    return _render_run(request, _run_or_404(cohort_pk, number))


@program_admin_required
def run_progress(request, cohort_pk: int, number: int):
    """Program admins: how far a run is, for the progress bar (htmx fragment, or JSON with Accept: JSON)."""
    run = _run_or_404(cohort_pk, number)
    data = {
        "status": run.status,
        "progress": run.progress,
        "stage": run.stage,
        "finished": not run.is_in_progress,
        "url": run.get_absolute_url(),
    }
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(data)
    finished = not run.is_in_progress and bool(request.headers.get("HX-Request"))
    if finished and (run.status == MatchRunStatus.PUBLISHED or run.publish_error):
        _announce_publishing(request, run)  # the page that followed the publishing says how it ended
    # Finished: 286 tells htmx to stop polling, and the fragment reloads the page once to show the result in full.
    # (HX-Refresh would not stop the polling: each later poll would restart a reload still loading a large page.)
    return render(
        request, "matching/_run_progress.html", {"run": run, "reload": finished}, status=286 if finished else 200
    )


def _pair_of_run_or_404(run: MatchRun, pair_pk: int) -> MatchPair:
    pair = MatchPair.objects.select_related("run", "user_a", "user_b").filter(pk=pair_pk, run=run).first()
    if pair is None:
        raise Http404("No such pair in this run.")
    return pair


def _change_pair(request, cohort_pk: int, number: int, pair_pk: int, change, done: str):
    """Lock, unlock or break one pair of a run's proposal; ``done`` is said with the pair's two names."""
    run = _run_or_404(cohort_pk, number)
    pair = _pair_of_run_or_404(run, pair_pk)
    names = f"{pair.user_a} ⇄ {pair.user_b}"  # read before breaking: a broken pair has no people any more
    return act(request, lambda: change(pair=pair, by=request.user), success=done.format(names=names), then=run)


@program_admin_required
@require_POST
def pair_lock(request, cohort_pk: int, number: int, pair_pk: int):
    """Program admins: keep this pair in every later run."""
    return _change_pair(
        request, cohort_pk, number, pair_pk, services.match_pair_lock, "Locked {names}: later runs keep this pair."
    )


@program_admin_required
@require_POST
def pair_unlock(request, cohort_pk: int, number: int, pair_pk: int):
    """Program admins: let later runs decide this pair afresh."""
    return _change_pair(request, cohort_pk, number, pair_pk, services.match_pair_unlock, "Unlocked {names}.")


@program_admin_required
@require_POST
def pair_break(request, cohort_pk: int, number: int, pair_pk: int):
    """Program admins: unpair two people and never pair them again in this cohort."""
    return _change_pair(
        request,
        cohort_pk,
        number,
        pair_pk,
        services.match_pair_break,
        "Broke {names}: both are unmatched now, and later runs will not pair them again.",
    )


def _proposal_change(request, cohort_pk: int, number: int, which: str, *, call, success, anchor: str):
    """The body of the forms on a proposal's page: on a valid form `call(run, form)` (a service) changes the
    proposal; a refusal or an invalid form shows the page again with the form's errors."""
    run = _run_or_404(cohort_pk, number)
    if not run.is_proposal:  # the forms are only on a proposal's page: say why here, not on a hidden form
        messages.error(request, services.not_editable_message(run))
        return redirect(run)
    page = selectors.proposal_page(run)
    forms = _proposal_forms(page, request.POST, which)
    form = forms[f"{which}_form"]
    if done := submit(
        request, form, lambda _: call(run, form), success=success, then=f"{run.get_absolute_url()}#{anchor}"
    ):
        return done
    return _render_run(request, run, page=page, forms=forms, status=400)


def _paired(request, result) -> str:
    pair, warnings = result
    for warning in warnings:
        messages.warning(request, warning)
    return f"Paired {pair.user_a} ⇄ {pair.user_b} by hand; the pair is locked."


@program_admin_required
@require_POST
def pair_manual(request, cohort_pk: int, number: int):
    """Program admins: pair two unmatched people by hand (a warning when it is not reciprocal)."""
    return _proposal_change(
        request,
        cohort_pk,
        number,
        "pair",
        call=lambda run, form: services.match_pair_manual(
            run=run, first=form.user("first"), second=form.user("second"), by=request.user
        ),
        success=lambda result: _paired(request, result),
        anchor="pairs",
    )


@program_admin_required
@require_POST
def pair_exclude(request, cohort_pk: int, number: int):
    """Program admins: never pair two people in this cohort (breaks their pair if the proposal has it)."""
    return _proposal_change(
        request,
        cohort_pk,
        number,
        "exclude",
        call=lambda run, form: services.match_pair_exclude(
            run=run,
            first=form.user("first"),
            second=form.user("second"),
            by=request.user,
            reason=form.cleaned_data["reason"],
        ),
        success=lambda rule: f"{rule.user_a} and {rule.user_b} will not be paired in this cohort.",
        anchor="rules",
    )


@program_admin_required
@require_POST
def run_rerun(request, cohort_pk: int, number: int):
    """Program admins: run again, keeping every lock and exclusion."""
    run = _run_or_404(cohort_pk, number)
    return _started(request, lambda: services.match_run_rerun(run=run, started_by=request.user), refused_then=run)


@program_admin_required
def run_publish(request, cohort_pk: int, number: int):
    """Program admins: confirm, then publish in the background (a Celery task); the run page follows it."""
    run = _run_or_404(cohort_pk, number)
    if request.method == "POST":
        return act(
            request,
            lambda: services.match_run_publish_start(run=run, published_by=request.user, base_url=base_url(request)),
            success=lambda _: _announce_publishing(request, _run_or_404(cohort_pk, number)),
            then=run,
        )
    if not run.is_proposal:
        messages.error(request, services.not_editable_message(run))
        return redirect(run)
    return render(
        request, "matching/run_publish.html", {"run": run, "cohort": run.cohort, "program": run.cohort.program}
    )


def _announce_publishing(request, run: MatchRun) -> str:
    """How a publishing stands; said here at the level it deserves, so nothing is left to add."""
    if run.status == MatchRunStatus.PUBLISHED:
        cohort, pairs = run.cohort, run.pair_count
        messages.success(
            request,
            f"Run #{run.number} is published: {pairs} partnership{pluralize(pairs)}, both partners of each were "
            f"e-mailed. {cohort.name} is {cohort.get_status_display().lower()}.",
        )
    elif run.is_publishing:
        pairs = run.pair_count
        messages.info(request, f"Run #{run.number} is publishing {pairs:,} pair{pluralize(pairs)} in the background.")
    elif run.publish_error:
        messages.error(request, f"Run #{run.number} was not published: nothing changed and nobody was told.")
    return ""


@program_admin_required
def run_compare(request, cohort_pk: int, number: int, other_number: int):
    """Program admins: two runs of one cohort side by side (totals, people matched, pairs that changed)."""
    run = _run_or_404(cohort_pk, number)
    other = _run_or_404(cohort_pk, other_number)
    if other.pk == run.pk or not (run.has_result and other.has_result):
        raise Http404("These runs cannot be compared.")
    first, second = sorted([run, other], key=lambda r: r.number)
    comparison = selectors.compare_runs(first, second)
    return render(
        request,
        "matching/run_compare.html",
        {"run": run, "cohort": run.cohort, "program": run.cohort.program, "comparison": comparison},
    )


@program_admin_required
def run_by_id(request, pk: int):
    """Program admins: a run's old address (its database id), kept for bookmarks: on to its address by number."""
    run = get_object_or_404(MatchRun.objects.only("cohort_id", "number"), pk=pk)
    return redirect(run, permanent=True)


@program_admin_required
@require_POST
def rule_delete(request, pk: int):
    """Program admins: forget a lock or an exclusion."""
    rule = get_object_or_404(PairRule.objects.select_related("user_a", "user_b"), pk=pk)
    back = request.POST.get("next", "")
    run = MatchRun.objects.filter(pk=back, cohort_id=rule.cohort_id).first() if back.isdigit() else None
    what = "lock" if rule.is_lock else "exclusion"
    return act(
        request,
        lambda: services.pair_rule_delete(rule=rule, by=request.user),
        success=f"Removed the {what} of {rule.user_a} ⇄ {rule.user_b}; later runs decide afresh.",
        then=f"{run.get_absolute_url()}#rules" if run else reverse("matching:cohort", args=[rule.cohort_id]),
    )


# --- After publishing ----------------------------------------------------------------------------------------


@program_admin_required
def partnership_rematch(request, pk: int):
    """Program admins, active cohort: end one pair with a reason and re-match its two people among the unmatched."""
    partnership = get_object_or_404(
        Partnership.objects.select_related("cohort", "cohort__program", "member_a", "member_b"), pk=pk
    )
    if partnership.status != PartnershipStatus.ACTIVE or partnership.cohort.status != CohortStatus.ACTIVE:
        messages.error(request, "Only active pairs of an active cohort can be ended and re-matched here.")
        return redirect("matching:cohort", partnership.cohort_id)
    form = EndAndRematchForm(request.POST if request.method == "POST" else None)

    def rematched(run: MatchRun) -> str:
        messages.success(request, f"{partnership} has ended. Run #{run.number} re-matches the unmatched people.")
        return _announce(request, run)

    if done := submit(
        request,
        form,
        lambda data: services.partnership_end_and_rematch(
            partnership=partnership, ended_by=request.user, reason=data["reason"]
        ),
        success=rematched,
        then=lambda run: run,
    ):
        return done
    return render(
        request,
        "matching/partnership_rematch.html",
        {"form": form, "partnership": partnership, "cohort": partnership.cohort, "program": partnership.cohort.program},
        status=400 if request.method == "POST" else 200,
    )
