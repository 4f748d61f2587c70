"""What surveys send (see mentoring.notifications.kinds)."""

from mentoring.notifications.kinds import Kind, register

register(Kind("assessment_open", "Surveys", "When a mid-point or end survey opens for you."))
