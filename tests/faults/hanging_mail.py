"""A mail backend that says it started sending (a file the test waits for) and then never returns."""

import os
import threading
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class HangingMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        Path(os.environ["TWOWAY_FAULT_MARKER"]).write_text(
            " ".join(m.extra_headers["Message-ID"] for m in email_messages)
        )
        threading.Event().wait()  # the mail server never answers; the test kills this process meanwhile
