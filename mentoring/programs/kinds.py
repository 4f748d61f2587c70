"""What programs, cohorts and enrollment send (see mentoring.notifications.kinds)."""

from mentoring.notifications.kinds import Kind, register

register(Kind("cohort_invitation", "Invitations to a cohort", can_turn_off=False))
register(Kind("enrolled_by_admin", "Enrolled by a program admin", can_turn_off=False))
register(Kind("waitlist_promoted", "A place for you after the waiting list", "When a place opens in a full cohort."))
register(
    Kind(
        "profile_reminder",
        "Profile reminders",
        "When your skill profile is not complete before matching.",
        nudge=True,
    )
)
