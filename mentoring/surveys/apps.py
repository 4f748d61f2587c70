from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "mentoring.surveys"
    label = "surveys"
    verbose_name = "Surveys"
