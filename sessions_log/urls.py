from django.urls import path

from sessions_log import views

app_name = "sessions_log"

urlpatterns = [
    path("partnerships/<int:partnership_id>/", views.partnership_sessions, name="partnership_sessions"),
    path("partnerships/<int:partnership_id>/new/", views.session_propose, name="session_propose"),
    path("partnerships/<int:partnership_id>/partner-clock/", views.partner_clock, name="partner_clock"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/accept/", views.session_accept, name="session_accept"),
    path("<int:pk>/decline/", views.session_decline, name="session_decline"),
    path("<int:pk>/other-time/", views.session_other_time, name="session_other_time"),
    path("<int:pk>/reschedule/", views.session_reschedule, name="session_reschedule"),
    path("<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("<int:pk>/log/", views.session_log, name="session_log"),
    path("<int:pk>/halves/<int:order>/topic/", views.half_topic, name="half_topic"),
    path("<int:pk>/note/", views.note_edit, name="note_edit"),
    path("<int:pk>/check-in/", views.checkin, name="checkin"),
    path("<int:pk>/calendar.ics", views.session_ics, name="session_ics"),
    path("cohorts/<int:cohort_id>/", views.cohort_overview, name="cohort_overview"),
    path("cohorts/<int:cohort_id>/pairs/", views.cohort_pairs, name="cohort_pairs"),
]
