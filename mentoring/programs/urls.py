from django.urls import path

from mentoring.programs import views

app_name = "programs"

urlpatterns = [
    # Employees
    path("", views.my_programs, name="mine"),
    path("cohorts/<int:pk>/enroll/", views.cohort_enroll, name="cohort_enroll"),
    path("enrollments/<int:pk>/", views.enrollment_detail, name="enrollment_detail"),
    path("enrollments/<int:pk>/withdraw/", views.enrollment_withdraw, name="enrollment_withdraw"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Program admins' console
    path("manage/", views.program_list, name="program_list"),
    path("manage/new/", views.program_create, name="program_create"),
    path("manage/messages/failed/", views.failed_message_list, name="failed_messages"),
    path("manage/messages/<int:pk>/send-again/", views.failed_message_send_again, name="failed_message_send_again"),
    path("manage/<int:pk>/", views.program_detail, name="program_detail"),
    path("manage/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("manage/<int:program_pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("manage/cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("manage/cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("manage/cohorts/<int:pk>/transition/", views.cohort_transition, name="cohort_transition"),
    path("manage/cohorts/<int:pk>/close/", views.cohort_close, name="cohort_close"),
    path("manage/cohorts/<int:pk>/invite/", views.cohort_invite, name="cohort_invite"),
    path("manage/cohorts/<int:pk>/add-person/", views.cohort_add_person, name="cohort_add_person"),
    path("manage/cohorts/<int:pk>/enroll-many/", views.cohort_enroll_many, name="cohort_enroll_many"),
    path("manage/cohorts/<int:pk>/remind/", views.cohort_remind_incomplete, name="cohort_remind_incomplete"),
    path("manage/enrollments/<int:pk>/<slug:action>/", views.enrollment_action, name="enrollment_action"),
]
