from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts import selectors as account_selectors
from mentoring import assessment_selectors, partnership_selectors, selectors
from mentoring.models import EnrollmentStatus


def home(request):
    """Anyone: a welcome for visitors; for a signed-in person, their next steps."""
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    profile, offered, wanted = account_selectors.profile_for(request.user)
    return render(
        request,
        "home.html",
        {
            "profile": profile,
            "completeness": profile.completeness(len(offered), len(wanted)),
            "my_enrollments": selectors.enrollments_for(request.user).exclude(status=EnrollmentStatus.WITHDRAWN),
            # Only cohorts the person can still join: counting the one they just enrolled in reads as "go enroll".
            "open_cohorts": [
                cohort
                for cohort in selectors.cohorts_open_for(request.user)
                if cohort.my_status in (None, EnrollmentStatus.WITHDRAWN)
            ],
            "invitations": selectors.invitations_for(request.user),
            "partnership_cards": partnership_selectors.home_partnerships(request.user),
            "open_surveys": assessment_selectors.open_surveys_for(request.user),
        },
    )


@never_cache
def healthz(request):
    """Anyone (load balancers): 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "unhealthy"
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
