"""Turn an uploaded file into rows of text cells, or refuse the whole file with one clear message.

Nothing here touches the database: it only answers "is this a CSV we can read, and what is in it?".
"""

import csv
import io
import re
from dataclasses import dataclass, field

REQUIRED_COLUMNS = ("email", "full_name", "department", "job_title", "seniority", "manager_email", "timezone")
OPTIONAL_COLUMNS = ("offered_skills", "wanted_skills")
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Spellings people type in spreadsheets, after lower-casing and turning spaces and hyphens into "_".
COLUMN_ALIASES = {
    "e_mail": "email",
    "email_address": "email",
    "e_mail_address": "email",
    "name": "full_name",
    "title": "job_title",
    "seniority_band": "seniority",
    "band": "seniority",
    "manager": "manager_email",
    "manager_e_mail": "manager_email",
    "time_zone": "timezone",
    "skills_offered": "offered_skills",
    "skills_wanted": "wanted_skills",
}

SAVE_AS_HINT = "In Excel choose File › Save a copy › “CSV UTF-8 (comma delimited)”, then upload that file."

# The first bytes of files people upload by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel (.xls) or Word document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)


class FileRejected(Exception):
    """The file as a whole cannot be imported; ``message`` tells the person why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem in one cell. ``row`` counts the header as row 1, as a spreadsheet shows it."""

    row: int
    column: str
    message: str
    value: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "value": self.value}


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    delimiter: str
    ignored_columns: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)

    @property
    def has_offered(self) -> bool:
        return "offered_skills" in self.columns

    @property
    def has_wanted(self) -> bool:
        return "wanted_skills" in self.columns

    @property
    def row_count(self) -> int:
        """Rows of people in the file: those read, and those refused for their number of values."""
        return len(self.rows) + len({e.row for e in self.row_errors})


def normalise_header(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower()).strip("_")
    return COLUMN_ALIASES.get(key, key)


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped), or FileRejected saying what the file really is."""
    if not data.replace(b"\xef\xbb\xbf", b"").strip():
        raise FileRejected("The file is empty. Upload a CSV file whose first line names the columns.")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise FileRejected(f"This file is {kind}, not a CSV file. {SAVE_AS_HINT}")
    if b"\x00" in data[:8192]:
        raise FileRejected(f"This is not a text file, so it cannot be a CSV file. {SAVE_AS_HINT}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileRejected(
            f"The file is not UTF-8 text: byte 0x{data[error.start]:02X} on line {line} cannot be read "
            f"(the file was probably saved as Windows-1252 or Latin-1). {SAVE_AS_HINT}"
        ) from None


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _choose_delimiter(header_line: str, sample: str) -> str:
    """Comma or semicolon: csv.Sniffer's guess, confirmed against the header (only one of them names our columns)."""
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        guess = ","
    candidates = [guess, ";" if guess == "," else ","]
    scored = []
    for delimiter in candidates:
        names = [normalise_header(h) for h in _split(header_line, delimiter)]
        if all(c in names for c in REQUIRED_COLUMNS):
            return delimiter
        scored.append((sum(1 for c in KNOWN_COLUMNS if c in names), delimiter, names))
    known, delimiter, _ = max(scored, key=lambda s: s[0])
    if known <= 1:
        for other, label in (("\t", "tabs"), ("|", "vertical bars (|)")):
            if sum(normalise_header(h) in KNOWN_COLUMNS for h in header_line.split(other)) > 1:
                raise FileRejected(
                    f"The columns are separated by {label}; separate them with commas or semicolons. {SAVE_AS_HINT}"
                )
        shown = header_line if len(header_line) <= 80 else header_line[:77] + "…"
        raise FileRejected(
            f"The first line must be a header naming the columns ({', '.join(REQUIRED_COLUMNS)}), separated by "
            f"commas or semicolons; it reads “{shown}”."
        )
    return delimiter  # the header lacks a column; read_table names it


def read_table(data: bytes) -> Table:
    """Parse an uploaded CSV into rows of stripped text cells keyed by canonical column names."""
    text = decode(data)
    lines = io.StringIO(text)
    first = lines.readline()
    delimiter_hint = None
    # Excel writes "sep=;" as a first line when asked to; it is not a row of the sheet.
    match = re.fullmatch(r"sep=(.)\s*", first, flags=re.IGNORECASE)
    if match:
        delimiter_hint = match.group(1)
        if delimiter_hint not in ",;":
            raise FileRejected(
                f"The file says its columns are separated by “{delimiter_hint}”; use commas or semicolons."
            )
        text = text[len(first) :]
    header_line = next((line for line in text[:65536].splitlines() if line.strip()), "")
    if not header_line:
        raise FileRejected("The file is empty. Upload a CSV file whose first line names the columns.")
    sample = "\n".join(text[:65536].splitlines()[:50])
    delimiter = delimiter_hint or _choose_delimiter(header_line, sample)

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, dict[str, str]]] = []
    row_errors: list[RowError] = []
    columns: list[str] | None = None
    positions: list[tuple[int, str]] = []
    ignored: list[str] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue
            if columns is None:
                columns, positions, ignored = _header(cells)
                width, needed = len(cells), positions[-1][0] + 1
                continue
            if len(cells) < needed or (len(cells) > width and any(c.strip() for c in cells[width:])):
                row_errors.append(
                    RowError(
                        number,
                        "",
                        f"This row has {len(cells)} values but the header has {width} columns; "
                        "check the delimiter and the quotes in this row.",
                    )
                )
                continue
            rows.append((number, {name: cells[index].strip() for index, name in positions}))
    except csv.Error as error:
        raise FileRejected(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    if columns is None:
        raise FileRejected("The file is empty. Upload a CSV file whose first line names the columns.")
    if not rows and not row_errors:
        raise FileRejected("The file has a header but no rows of people.")
    return Table(columns=columns, rows=rows, delimiter=delimiter, ignored_columns=ignored, row_errors=row_errors)


def _header(cells: list[str]) -> tuple[list[str], list[tuple[int, str]], list[str]]:
    columns: list[str] = []
    positions: list[tuple[int, str]] = []
    ignored: list[str] = []
    for index, raw in enumerate(cells):
        name = normalise_header(raw)
        if not name:
            continue
        if name not in KNOWN_COLUMNS:
            ignored.append(raw.strip())
            continue
        if name in columns:
            raise FileRejected(f"The column {name} appears twice in the header; keep one.")
        columns.append(name)
        positions.append((index, name))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileRejected(
            f"The header is missing the required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"Required: {', '.join(REQUIRED_COLUMNS)}; optional: {', '.join(OPTIONAL_COLUMNS)}."
        )
    return columns, positions, ignored
