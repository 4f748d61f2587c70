"""Program reports for leaders and the program team: aggregates only (see mentoring/reports/selectors.py)."""

import csv
import io
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from accounts.importing import csv_safe
from mentoring.core.privacy import MIN_PAIRS, MIN_PEOPLE
from mentoring.programs.models import Cohort, Program
from mentoring.reports.permissions import can_view_reports
from mentoring.reports.sections import surveys as assessment_reports
from mentoring.reports.sections.sessions import SESSION_MEASURES
from mentoring.reports.selectors import Report, build_report, programs_with_headlines, report_rows
from mentoring.surveys.models import LikertAnswer
from mentoring.surveys.permissions import can_read_assessment_comments


def reports_required(view):
    """Signed-in leaders, program admins and superusers; anyone else signed in gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_view_reports(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _context(report: Report, surveys: list[assessment_reports.SurveyResult], **extra) -> dict:
    return {
        "report": report,
        "surveys": surveys,
        "surveys_suppressed": any(result.suppressed_anything for result in surveys),
        "likert_labels": LikertAnswer.labels,
        "min_people": MIN_PEOPLE,
        "min_pairs": MIN_PAIRS,
        "breakdowns": [
            ("By department", report.participation.by_department, "Department", "departments"),
            ("By seniority band", report.participation.by_band, "Seniority band", "bands"),
        ],
        "session_measures": [(label, report.sessions.outcomes[key]) for key, label in SESSION_MEASURES],
        **extra,
    }


@reports_required
def report_index(request):
    """Every program with its cohorts (status, dates) and their headline figures."""
    return render(
        request,
        "reports/report_index.html",
        {"programs": programs_with_headlines(), "min_people": MIN_PEOPLE},
    )


@reports_required
def cohort_report(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    report = build_report([cohort])
    surveys = _surveys(request, [cohort])
    return render(
        request, "reports/report_detail.html", _context(report, surveys, cohort=cohort, program=cohort.program)
    )


def _surveys(request, cohorts) -> list[assessment_reports.SurveyResult]:
    """The survey results; their comments only for the program team."""
    return assessment_reports.survey_results(cohorts, with_comments=can_read_assessment_comments(request.user))


@reports_required
def program_report(request, pk: int):
    """The program's cohorts rolled up into one report."""
    program = get_object_or_404(Program, pk=pk)
    cohorts = list(program.cohorts.all())
    report = build_report(cohorts)
    surveys = _surveys(request, cohorts)
    return render(request, "reports/report_detail.html", _context(report, surveys, cohort=None, program=program))


def _csv_response(cohorts: list[Cohort], filename: str) -> HttpResponse:
    """The report's figures and the survey results (never comments: leaders download it too)."""
    report = build_report(cohorts)
    surveys = assessment_reports.survey_results(cohorts)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "group", "measure", "value"])
    for row in report_rows(report) + assessment_reports.survey_rows(surveys):
        writer.writerow([csv_safe(value) for value in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@reports_required
def cohort_report_csv(request, pk: int):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=pk)
    name = slugify(f"{cohort.program.name} {cohort.name}") or f"cohort-{cohort.pk}"
    return _csv_response([cohort], f"report-{name}.csv")


@reports_required
def program_report_csv(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    name = slugify(program.name) or f"program-{program.pk}"
    return _csv_response(list(program.cohorts.all()), f"report-{name}.csv")
