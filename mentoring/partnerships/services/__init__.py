"""Writes for partnerships, by topic: pairs (create, end), agreements and goals.

This face hands on the names other modules call (``services.agreement_save(...)``).
"""

from mentoring.partnerships.services.agreements import (  # noqa: F401
    AGREEMENT_INPUT_FIELDS,
    agreement_initial,
    agreement_save,
    agreement_sign,
)
from mentoring.partnerships.services.goals import (  # noqa: F401
    goal_close,
    goal_create,
    goal_delete,
    goal_mark_achieved,
    goal_set_progress,
    goal_update,
)
from mentoring.partnerships.services.pairs import (  # noqa: F401
    COHORT_CLOSED_REASON,
    END_REASON_MAX,
    partnership_create,
    partnership_end,
    partnerships_end_by_program_team,
)
