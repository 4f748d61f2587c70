"""Each cohort's mid-point and end surveys (assessments)."""
