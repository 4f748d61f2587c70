"""Double submits are harmless: a unique-constraint race becomes the refusal the form would have given."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


@contextmanager
def unique_or(refusal: ValidationError) -> Iterator[None]:
    """Write inside this block; if a uniqueness rule stops it, raise ``refusal`` instead of a database error.

    Services check uniqueness before writing (``full_clean``), but two identical submits at the same moment both
    pass the check and only the database sees the second: that is the case this turns into a field error. The
    block runs in a savepoint, so the surrounding transaction stays usable."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise refusal from error
