"""Nothing to register: a nudge is an outbox message (kind ``checkin_due``, ``cadence_lapsed``...), listed with
every other message in the admin of mentoring.notifications."""
