"""Read-only aggregates for leaders and program admins. It reads every app; nothing imports it."""
