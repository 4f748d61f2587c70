"""Writes for programs, by topic: programs, cohorts, enrollments, invitations and profile reminders.

Each service lives in the module of its topic; this face hands on the names other modules call, so they write
``services.enrollment_apply(...)``.
"""

from mentoring.programs.services.bulk import (  # noqa: F401
    BulkChoice,
    bulk_enrollment_plan,
    enrollments_add_many,
)
from mentoring.programs.services.cohorts import (  # noqa: F401
    cohort_activate,
    cohort_close,
    cohort_create,
    cohort_open_enrollment,
    cohort_start_matching,
    cohort_transition,
    cohort_update,
)
from mentoring.programs.services.enrollments import (  # noqa: F401
    enrollment_add_person,
    enrollment_apply,
    enrollment_approve,
    enrollment_update_details,
    enrollment_waitlist,
    enrollment_withdraw_by_admin,
    enrollment_withdraw_self,
)
from mentoring.programs.services.invitations import (  # noqa: F401
    invitation_accept,
    invitations_send,
)
from mentoring.programs.services.programs import (  # noqa: F401
    program_create,
    program_update,
)
from mentoring.programs.services.reminders import (  # noqa: F401
    profile_reminders_request,
)
