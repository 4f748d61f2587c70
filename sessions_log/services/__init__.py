"""Writes for sessions, by topic: scheduling, records of what happened, check-ins.

Each service lives in the module of its topic; this face hands on the names other modules call, so they write
``services.session_propose(...)``.
"""

from sessions_log.services.checkins import (  # noqa: F401
    checkin_goals,
    checkin_submit,
    checkin_update,
)
from sessions_log.services.records import (  # noqa: F401
    half_set_topic,
    note_save,
    session_log,
)
from sessions_log.services.scheduling import (  # noqa: F401
    session_accept,
    session_cancel,
    session_decline,
    session_propose,
    session_propose_other_time,
    session_reschedule,
    sessions_cancel_for_ended_partnership,
)
