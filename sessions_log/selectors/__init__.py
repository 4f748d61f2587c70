"""Reads about sessions, by topic: next actions, the teaching balance, the pair's sessions block, one session's
page and the program team's view. Each costs a fixed number of queries whatever the number of sessions.

This face hands on the names other modules use (``selectors.partnership_sessions_context(...)``).
"""

from sessions_log.selectors.actions import (  # noqa: F401
    ACTION_CHECKIN,
    ACTION_LOG,
    ACTION_RESPOND,
    ACTION_SCHEDULE,
    SessionAction,
    checkin_window_start,
    next_session_actions,
)
from sessions_log.selectors.balance import (  # noqa: F401
    PersonBalance,
    TeachingBalance,
    imbalanced_partnerships,
    teaching_balances,
)
from sessions_log.selectors.pair import (  # noqa: F401
    HISTORY_LIMIT,
    UPCOMING_LIMIT,
    attach_halves,
    mark_checkin_due,
    partnership_back_url,
    partnership_session_page,
    partnership_sessions_context,
)
from sessions_log.selectors.session import (  # noqa: F401
    SessionPage,
    session_page,
    topic_suggestions,
)
from sessions_log.selectors.team import (  # noqa: F401
    QUIET_DAYS,
    AgreementStatus,
    CohortClosing,
    CohortSessionOverview,
    PairSummary,
    cohort_closing,
    cohort_pair_summaries,
    cohort_session_overview,
)
