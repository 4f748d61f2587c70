"""Health checks and error pages: the parts of the web that must work when a dependency does not.

Who may use them: anyone (load balancers, orchestrators, people who hit an error). They reveal no data.
"""

from __future__ import annotations

import datetime
import sys

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.defaults import permission_denied as django_permission_denied

from mentoring.core.models import Heartbeat
from mentoring.core.security import security_event
from mentoring.core.tasks import BEAT

# Beat sends the heartbeat every minute; older than this, background work is not running.
BEAT_STALE_AFTER = datetime.timedelta(minutes=5)
RETRY_AFTER_SECONDS = 60


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "detail": type(error).__name__}
    return {"ok": True}


def _check_cache() -> dict:
    cache.set("twoway:healthz", 1, timeout=10)
    ok = cache.get("twoway:healthz") == 1
    if getattr(cache, "is_using_fallback", False):
        return {"ok": ok, "detail": "Redis does not answer: using local memory"}
    return {"ok": ok}


def _check_broker() -> dict:
    if current_app.conf.task_always_eager:
        return {"ok": True, "detail": "no broker: tasks run inside the request (eager)"}
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as error:  # any broker failure means "down"; the request must not fail because of it
        return {"ok": False, "detail": type(error).__name__}
    return {"ok": True}


def _check_beat(database_ok: bool) -> dict:
    if current_app.conf.task_always_eager:
        return {"ok": True, "detail": "no beat without a broker (eager)"}
    if not database_ok:
        return {"ok": False, "detail": "unknown: the database does not answer"}
    beat = Heartbeat.objects.filter(name=BEAT).first()
    if beat is None:
        return {"ok": False, "detail": "beat has not run yet"}
    return {"ok": timezone.now() - beat.at < BEAT_STALE_AFTER, "last": beat.at.isoformat()}


@never_cache
def healthz(request):
    """Anyone (load balancers): each dependency's state. 503 when the web cannot serve pages (the database is
    down); the broker, the cache and beat only degrade it (work waits in the database), so they stay 200."""
    checks = {"database": _check_database()}
    checks["cache"] = _check_cache()
    checks["broker"] = _check_broker()
    checks["beat"] = _check_beat(checks["database"]["ok"])
    if not checks["database"]["ok"]:
        status, code = "unavailable", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)


@never_cache
def livez(request):
    """Anyone (orchestrators): the process answers. It touches no dependency, so a database outage does not get
    every web process restarted."""
    return JsonResponse({"status": "alive"})


def server_error(request) -> HttpResponse:
    """Django's 500 handler. A database that does not answer is a 503 saying nothing was lost; anything else is
    the 500 page. Neither touches the database (no context processors), and neither claims more than is true."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    reported = bool(settings.ADMINS) or bool(getattr(settings, "SENTRY_DSN", ""))
    return HttpResponse(render_to_string("500.html", {"reported": reported}), status=500)


def permission_denied(request, exception=None):
    """The 403 page, with a security event: who was refused what (the reason stays in the log, not the page)."""
    security_event("permission_denied", request, method=request.method, reason=str(exception or "")[:200])
    return django_permission_denied(request, exception)
