"""What matching sends (see mentoring.notifications.kinds)."""

from mentoring.notifications.kinds import SYSTEM, Kind, register

register(Kind("match_published", "Match notices", "Who your partner is, and why.", can_turn_off=False))
register(Kind("match_failed", "Failed match runs", can_turn_off=False, audience=SYSTEM))
