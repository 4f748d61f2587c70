"""What nudges send (see mentoring.notifications.kinds). Every one is a reminder that can wait: ``nudge=True``.

The profile reminder before enrollment closes is programs' own ``profile_reminder`` (registered there), which the
sweep sends through programs' service."""

from mentoring.notifications.kinds import Kind, register

register(
    Kind(
        "checkin_due", "Check-in reminders", "A day and three days after a held session, until you fill it.", nudge=True
    )
)
register(Kind("session_log_due", "Log your session", "A day after a session nobody logged as held or not.", nudge=True))
register(
    Kind("cadence_lapsed", "Time to meet again", "When nothing is scheduled within your agreed cadence.", nudge=True)
)
register(Kind("agreement_unsigned", "Agreement to sign", "A week after the match, if you have not signed.", nudge=True))
register(Kind("goals_unset", "Goals to set", "After your second held session, if you have no goal yet.", nudge=True))
register(
    Kind("survey_closing", "Survey closing soon", "Two days before a survey you have not answered closes.", nudge=True)
)
register(
    Kind(
        "unmatched_at_publishing",
        "No partner this time",
        "When matches are published without a partner for you: why, and what happens next.",
        nudge=True,
    )
)
register(Kind("cohort_summary", "Cohort summary", "When your cohort closes: what your pair did.", nudge=True))
