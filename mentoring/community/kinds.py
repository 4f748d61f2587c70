"""What the community sends (see mentoring.notifications.kinds)."""

from mentoring.notifications.kinds import Kind, register

register(
    Kind(
        "alumni_invitation",
        "Invitations to the alumni network",
        "When a cohort you took part in closes and you are not in the alumni network yet.",
    )
)
register(Kind("volunteer_call", "Calls for volunteers", "When the program team asks alumni to help with something."))
register(
    Kind(
        "training_reminder",
        "Training reminders",
        "When a cohort you are in asks for training modules you have not completed yet.",
        nudge=True,
    )
)
register(
    Kind(
        "introduction_request",
        "Introduction requests",
        "When a colleague would like to introduce you to someone: you say yes or no first.",
        can_turn_off=False,
    )
)
register(
    Kind("introduction_made", "Introductions", "When an introduction you said yes to is made.", can_turn_off=False)
)
