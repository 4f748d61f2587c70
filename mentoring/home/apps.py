from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "mentoring.home"
    label = "home"
    verbose_name = "Home"
