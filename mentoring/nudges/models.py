"""Nudges have no table of their own: each nudge is an outbox message (mentoring.notifications.models.Message) whose
unique ``key`` names it, ``nudge:<kind>:<object>:<person>:<occurrence>`` (see mentoring.nudges.rules). The key makes
it once-only; the outbox sends it, retries it and shows its failures to admins."""
