from django.urls import path

from mentoring.followup import views

app_name = "followup"

urlpatterns = [
    path("pairs/<int:pk>/fit-check/", views.fit_check, name="fit_check"),
    path("cohorts/<int:cohort_pk>/at-risk/", views.at_risk, name="at_risk"),
    path("pairs/<int:pk>/nudge/", views.nudge, name="nudge"),
    path("pairs/<int:pk>/ask-for-check-in/", views.checkin_request, name="checkin_request"),
    path("pairs/<int:pk>/offer-rematch/", views.rematch_offer, name="rematch_offer"),
    path("pairs/<int:pk>/end/", views.end_pair, name="end"),
]
