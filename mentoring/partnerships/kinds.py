"""What partnerships send (see mentoring.notifications.kinds)."""

from mentoring.notifications.kinds import Kind, register

register(Kind("agreement_to_sign", "Agreements to sign", "When your partner asks you to sign your agreement."))
register(Kind("partnership_ended", "A partnership ended", can_turn_off=False))
