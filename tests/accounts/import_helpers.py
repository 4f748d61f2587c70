"""Building employee CSV files for the import tests."""

import csv
import io

# The first bytes of a real one-pixel PNG image.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

HEADER = [
    "email",
    "full_name",
    "department",
    "job_title",
    "seniority",
    "manager_email",
    "timezone",
    "offered_skills",
    "wanted_skills",
]


def person(email: str, **overrides) -> dict:
    row = {
        "email": email,
        "full_name": email.split("@")[0].title(),
        "department": "Finance",
        "job_title": "Analyst",
        "seniority": "3",
        "manager_email": "",
        "timezone": "Europe/Berlin",
        "offered_skills": "Python:4",
        "wanted_skills": "Public speaking:2>4",
    }
    row.update(overrides)
    return row


def make_csv(rows: list[dict], *, header: list[str] | None = None, delimiter: str = ",", bom: bool = False) -> bytes:
    header = header or HEADER
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")
