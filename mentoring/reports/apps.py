from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mentoring.reports"
    label = "reports"
    verbose_name = "Reports"
