from django.contrib import admin
from django.urls import include, path

from mentoring import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("programs/", include("mentoring.urls_programs")),
    path("partnerships/", include("mentoring.urls_partnerships")),
    path("sessions/", include("sessions_log.urls")),
    path("matching/", include("matching.urls")),
    path("reports/", include("mentoring.urls_reports")),
    path("django-admin/", admin.site.urls),
]
