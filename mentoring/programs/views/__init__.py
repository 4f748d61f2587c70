"""Pages for programs, cohorts and enrollments, by who uses them: the program admins' console and the employees'
side. This face hands the views on to urls.py."""

from mentoring.programs.views.console import (  # noqa: F401
    cohort_add_person,
    cohort_close,
    cohort_create,
    cohort_detail,
    cohort_edit,
    cohort_enroll_many,
    cohort_invite,
    cohort_remind_incomplete,
    cohort_transition,
    enrollment_action,
    failed_message_list,
    failed_message_send_again,
    program_create,
    program_detail,
    program_edit,
    program_list,
)
from mentoring.programs.views.employee import (  # noqa: F401
    cohort_enroll,
    enrollment_detail,
    enrollment_withdraw,
    invitation_accept,
    my_programs,
)
