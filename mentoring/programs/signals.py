"""What programs announce to the apps above them, which programs never imports.

Each signal is sent inside the transaction of the service that sends it, so whatever a receiver writes commits
or rolls back with the change that caused it. Receivers live in the listening app's ``receivers.py``.
"""

from django.dispatch import Signal

# A cohort is closing (sent before its status changes). Arguments: cohort.
cohort_closing = Signal()

# The program team withdrew a participant from a cohort. Arguments: enrollment, base_url.
participant_withdrawn = Signal()
