"""Reading an uploaded employee file: which files are refused as a whole, and why (no database needed)."""

import io
import zipfile

import pytest

from accounts.importing.reading import FileRejected, normalise_header, read_table
from tests.accounts.import_helpers import HEADER, PNG, make_csv, person


def rejection(data: bytes) -> str:
    with pytest.raises(FileRejected) as caught:
        read_table(data)
    return caught.value.message


def test_comma_file_is_read_with_canonical_columns():
    table = read_table(make_csv([person("ana@northwind.example")]))
    assert table.delimiter == ","
    assert table.columns == HEADER
    assert table.rows == [(2, {**person("ana@northwind.example")})]


def test_semicolon_file_with_skill_lists_in_quotes_is_read():
    row = person("ana@northwind.example", offered_skills="Python:4; SQL:3")
    table = read_table(make_csv([row], delimiter=";"))
    assert table.delimiter == ";"
    assert table.rows[0][1]["offered_skills"] == "Python:4; SQL:3"


def test_comma_file_whose_skill_cells_hold_semicolons_is_still_read_as_comma_separated():
    rows = [person(f"p{i}@northwind.example", offered_skills="Python:4; SQL:3; Coaching:2") for i in range(5)]
    table = read_table(make_csv(rows))
    assert table.delimiter == ","
    assert len(table.rows) == 5


def test_byte_order_mark_is_ignored():
    table = read_table(make_csv([person("ana@northwind.example")], bom=True))
    assert table.columns[0] == "email"


def test_header_names_are_matched_case_insensitively_with_spaces_or_underscores():
    header = ["E-mail", "Full Name", "DEPARTMENT", "Job title", "Seniority band", "Manager Email", "Time zone"]
    data = ",".join(header).encode() + b"\r\nana@northwind.example,Ana,Finance,Analyst,2,,Europe/Lisbon\r\n"
    table = read_table(data)
    assert table.columns == HEADER[:7]
    assert table.rows[0][1]["timezone"] == "Europe/Lisbon"
    assert normalise_header("  Offered   Skills ") == "offered_skills"


def test_unknown_columns_are_ignored_and_listed():
    data = make_csv([person("ana@northwind.example", notes="x")], header=[*HEADER, "Notes"])
    table = read_table(data)
    assert table.ignored_columns == ["Notes"]
    assert "Notes" not in table.rows[0][1]


def test_excel_sep_line_sets_the_delimiter():
    data = b"sep=;\r\n" + make_csv([person("ana@northwind.example")], delimiter=";")
    table = read_table(data)
    assert table.delimiter == ";"
    assert table.rows[0][0] == 2  # Excel does not show the sep= line as a row


def test_blank_lines_are_skipped_but_still_counted_as_rows():
    first = make_csv([person("ana@northwind.example")]).decode()
    second_row = make_csv([person("ben@northwind.example")]).decode().split("\r\n", 1)[1]
    table = read_table((first + "\r\n,,,,,,,,\r\n" + second_row).encode())
    assert [number for number, _ in table.rows] == [2, 5]


def test_empty_file_is_refused():
    assert "empty" in rejection(b"")
    assert "empty" in rejection(b"\xef\xbb\xbf  \r\n\r\n")


def test_header_without_rows_is_refused():
    assert "no rows" in rejection(make_csv([]))


def test_png_is_refused_as_not_csv():
    assert "PNG image, not a CSV file" in rejection(PNG)


def test_zip_or_xlsx_is_refused_as_not_csv():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "ZIP archive" in rejection(buffer.getvalue())


def test_other_binary_is_refused_as_not_text():
    assert "not a text file" in rejection(b"email,full_name\x00\x01\x02" * 10)


def test_utf16_is_refused_with_how_to_save_as_utf8():
    message = rejection(make_csv([person("ana@northwind.example")]).decode().encode("utf-16"))
    assert "UTF-16" in message
    assert "CSV UTF-8" in message


def test_latin1_is_refused_naming_the_line():
    data = make_csv([person("ana@northwind.example"), person("jose@northwind.example", full_name="José")])
    message = rejection(data.decode().encode("latin-1"))
    assert "not UTF-8" in message
    assert "0xE9 on line 3" in message


def test_tab_separated_file_is_refused_naming_the_delimiter():
    assert "separated by tabs" in rejection(make_csv([person("ana@northwind.example")], delimiter="\t"))


def test_pipe_separated_file_is_refused_naming_the_delimiter():
    assert "vertical bars" in rejection(make_csv([person("ana@northwind.example")], delimiter="|"))


def test_unsupported_sep_line_is_refused():
    assert "use commas or semicolons" in rejection(b"sep=|\r\n" + make_csv([person("ana@northwind.example")]))


def test_missing_required_header_is_named():
    header = [c for c in HEADER if c not in ("timezone", "seniority")]
    message = rejection(make_csv([person("ana@northwind.example")], header=header))
    assert "missing the required columns seniority, timezone" in message


def test_plain_text_without_a_header_is_refused():
    message = rejection(b"Dear HR,\nplease find the list attached.\n")
    assert "first line must be a header" in message


def test_duplicate_column_is_refused():
    assert "appears twice" in rejection(make_csv([person("ana@northwind.example")], header=[*HEADER, "E-mail"]))


def test_row_with_wrong_number_of_cells_is_a_row_error():
    data = make_csv([person("ana@northwind.example")]) + b"ben@northwind.example,Ben,Sales\r\n"
    table = read_table(data)
    assert len(table.rows) == 1
    [error] = table.row_errors
    assert (error.row, error.column) == (3, "")
    assert "3 values but the header has 9 columns" in error.message


def test_cell_too_large_for_csv_is_refused_not_crashed():
    data = make_csv([person("ana@northwind.example", full_name="x" * 200_000)])
    assert "cannot be read as CSV" in rejection(data)
