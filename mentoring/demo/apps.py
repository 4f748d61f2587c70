from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mentoring.demo"
    label = "demo"
    verbose_name = "Demo organisation"
