"""Every app's pages, each under its own prefix."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.signup import SignupView
from mentoring.community.urls import resource_urlpatterns
from mentoring.core.views import healthz, livez
from mentoring.home.views import home

# Django admin signs in through allauth's page: one sign-in, one throttle, one place for MFA.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    # allauth's sign-up, safe against a double submit (accounts/signup.py); the rest of allauth as it comes.
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("programs/", include("mentoring.programs.urls")),
    path("programs/", include("mentoring.surveys.urls")),
    path("partnerships/", include("mentoring.partnerships.urls")),
    path("sessions/", include("sessions_log.urls")),
    path("matching/", include("matching.urls")),
    path("followup/", include("mentoring.followup.urls")),
    path("community/", include("mentoring.community.urls")),
    path("resources/", include((resource_urlpatterns, "resources"))),
    path("reports/", include("mentoring.reports.urls")),
    path("notifications/", include("mentoring.notifications.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "mentoring.core.views.permission_denied"
handler500 = "mentoring.core.views.server_error"
