"""What sessions send (see mentoring.notifications.kinds)."""

from mentoring.notifications.kinds import Kind, register

register(Kind("session_proposal", "Session proposals", "When your partner proposes a time.", can_turn_off=False))
register(Kind("session_declined", "Declined proposals", "When your partner declines a time.", can_turn_off=False))
register(Kind("session_invitation", "Calendar invitations", can_turn_off=False))
register(Kind("session_update", "Calendar updates", can_turn_off=False))
register(Kind("session_cancellation", "Cancellations", can_turn_off=False))
register(Kind("session_reminder", "Session reminders", "Before each session, as long before as you chose."))
