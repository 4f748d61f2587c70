"""The plumbing every app shares and no domain owns: the background-task base, view helpers,
small-group privacy thresholds and the health checks. It imports no app of Twoway."""
