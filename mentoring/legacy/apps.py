from django.apps import AppConfig


class LegacyMigrationsConfig(AppConfig):
    name = "mentoring.legacy"
    label = "mentoring"
    verbose_name = "Migration history of the models before the split"
