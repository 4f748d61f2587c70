"""Messages sent before the outbox existed, carried into it by the migrations that retire SessionEmail and
AssessmentEmail. They keep no subject or body (nothing is rendered in a migration): they are there so their keys are
taken and nothing is sent again."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

BATCH = 1000


def sent_messages_insert(
    message_model, rows: Iterable[dict], *, kind: Callable[[dict], str], key: Callable[[dict], str]
) -> None:
    """Insert each row (recipient_id, recipient__email, created_at, sent_at, and calendar_method if it has one) as a
    sent e-mail of ``kind(row)`` keyed ``key(row)``, with the migration's historical ``message_model``."""
    batch = []
    for row in rows:
        batch.append(
            message_model(
                kind=kind(row),
                key=key(row),
                channel="email",
                recipient_id=row["recipient_id"],
                address=row["recipient__email"],
                calendar_method=row.get("calendar_method", ""),
                message_id_header=f"<{uuid.uuid4().hex}@twoway.migrated>",
                state="sent",
                attempts=1,
                created_at=row["created_at"],
                send_after=row["created_at"],
                sent_at=row["sent_at"],
            )
        )
        if len(batch) == BATCH:
            message_model.objects.bulk_create(batch)
            batch = []
    message_model.objects.bulk_create(batch)
