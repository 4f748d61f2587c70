"""Who may read the program reports."""

from accounts.models import User
from accounts.permissions import is_leader, is_program_admin


def can_view_reports(user: User) -> bool:
    """Program reports (aggregates only): leaders, and the program team that runs the programs (and superusers)."""
    return is_leader(user) or is_program_admin(user)
