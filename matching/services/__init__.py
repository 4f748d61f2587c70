"""Writes for matching, by topic: runs, proposal changes, publishing and re-matching after a pair ends.

Each service lives in the module of its topic; this face hands on the names other apps call, so they write
``services.match_run_start(...)``.
"""

from matching.services.proposals import (  # noqa: F401
    match_pair_break,
    match_pair_exclude,
    match_pair_lock,
    match_pair_manual,
    match_pair_unlock,
    not_editable_message,
    pair_rule_create,
    pair_rule_delete,
)
from matching.services.publishing import (  # noqa: F401
    match_run_publish_execute,
    match_run_publish_fail,
    match_run_publish_request,
    match_run_publish_requeue,
    match_run_publish_start,
)
from matching.services.rematch import (  # noqa: F401
    partnership_end_and_rematch,
)
from matching.services.runs import (  # noqa: F401
    match_run_create,
    match_run_execute,
    match_run_fail,
    match_run_requeue,
    match_run_rerun,
    match_run_start,
)
