"""What following up pairs sends (see mentoring.notifications.kinds)."""

from mentoring.notifications.kinds import Kind, register

register(Kind("followup_nudge", "Notes from the program team", "When the program team writes to you and your partner."))
register(
    Kind(
        "followup_checkin_request",
        "Check-in requests from the program team",
        "When the program team asks how your partnership is going.",
    )
)
register(Kind("followup_rematch_offer", "Offers of a new partner", can_turn_off=False))
register(Kind("followup_inactive_warning", "Warnings before an inactive pair ends", can_turn_off=False))
register(Kind("followup_inactive_ended", "An inactive pair ended", can_turn_off=False))
