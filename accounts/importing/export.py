"""CSV written back out of Twoway (the error report), safe to open in a spreadsheet."""

import csv
import io

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The value as text; one that a spreadsheet would run as a formula gets a leading single quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def errors_csv(errors: list[dict]) -> str:
    """The error report: one line per error, every cell passed through csv_safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["row", "column", "message", "value"])
    for error in errors:
        writer.writerow(
            [csv_safe(error.get(key, "")) for key in ("row", "column", "message", "value")],
        )
    return out.getvalue()
