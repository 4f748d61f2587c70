"""What partnerships announce to the apps above them (sessions, and the apps that follow pairs), which
partnerships never imports.

Each signal is sent inside the transaction of the service that sends it, so whatever a receiver writes commits
or rolls back with the change that caused it. Receivers live in the listening app's ``receivers.py``.
"""

from django.dispatch import Signal

# A partnership ended (its status is already "ended"). Arguments: partnership; by, the partner who ended it or
# None for the program team; base_url, the root of the links in any e-mail sent about it.
partnership_ended = Signal()
