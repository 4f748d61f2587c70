"""Programs, cohorts, enrollment and invitations, and the program admins' console."""
