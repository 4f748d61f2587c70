"""A mail backend for the fault tests' processes: each e-mail becomes one JSON line in $TWOWAY_FAULT_MAIL_LOG, so the
test counts every e-mail every worker sent, duplicates included (tests.faults.stack.MailLog reads them)."""

import fcntl
import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class MailLogBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        lines = "".join(
            json.dumps({"message_id": m.extra_headers.get("Message-ID", ""), "to": m.to, "subject": m.subject}) + "\n"
            for m in email_messages
        )
        with open(os.environ["TWOWAY_FAULT_MAIL_LOG"], "a") as log:
            fcntl.flock(log, fcntl.LOCK_EX)
            log.write(lines)
        return len(email_messages)
