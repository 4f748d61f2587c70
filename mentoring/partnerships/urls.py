from django.urls import path

from mentoring.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("<int:pk>/", views.partnership_detail, name="detail"),
    path("<int:pk>/agreement/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/agreement/sign/", views.agreement_sign, name="agreement_sign"),
    path("<int:pk>/end/", views.partnership_end, name="end"),
    path("<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/progress/", views.goal_progress, name="goal_progress"),
    path("goals/<int:pk>/achieved/", views.goal_achieve, name="goal_achieve"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("goals/<int:pk>/close/", views.goal_close, name="goal_close"),
]
