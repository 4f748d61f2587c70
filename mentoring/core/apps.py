from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mentoring.core"
    label = "core"
    verbose_name = "Shared plumbing"
