"""What matching announces to the apps above it, which matching never imports.

Each signal is sent inside the transaction of the service that sends it, so whatever a receiver writes commits or
rolls back with the change that caused it. Receivers live in the listening app's ``receivers.py``.
"""

from django.dispatch import Signal

# A match run was published (sent once its run is marked published, inside the publishing transaction).
# Arguments: run, base_url.
match_run_published = Signal()
