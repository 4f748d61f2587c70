"""The one table of the shared plumbing: when background work last ran."""

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """Written by a task that Celery beat sends every minute, so /healthz can say whether beat and a worker are
    alive (a stale heartbeat means reminders, sweepers and nudges are not running)."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
