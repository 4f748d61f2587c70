from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mentoring.core"
    label = "core"
    verbose_name = "Shared plumbing"

    def ready(self) -> None:
        # Services ring tasks by name (mentoring.core.tasks.ring): register every app's tasks module in this
        # process too, not only in workers. Every model is loaded by now, so the tasks modules may import them.
        from celery import current_app

        current_app.autodiscover_tasks(force=True)

        from mentoring.core import security

        security.connect()
