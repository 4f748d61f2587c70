from django.conf import settings
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Anyone (load balancers): 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "unhealthy"
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def server_error(request):
    """The 500 page. It says the team was told only when it was: Django e-mails the ADMINS about every error when
    DEBUG is off, and ADMINS may be empty. No context processors: the database may be what broke."""
    return HttpResponseServerError(loader.get_template("500.html").render({"team_told": bool(settings.ADMINS)}))
