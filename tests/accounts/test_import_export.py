"""CSV that leaves Twoway is safe to open in a spreadsheet."""

import csv
import io

import pytest

from accounts.importing import csv_safe, errors_csv


@pytest.mark.parametrize(
    "value", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", '=HYPERLINK("x")']
)
def test_formula_cells_get_a_leading_quote(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Ana Costa", "Python:4; SQL:3", "", "a=b", "3", "Europe/Berlin", " =x"])
def test_other_cells_are_unchanged(value):
    assert csv_safe(value) == value


def test_numbers_and_none_become_text():
    assert csv_safe(7) == "7"
    assert csv_safe(-7) == "'-7"  # a negative number also starts with "-": harmless, and never a formula
    assert csv_safe(None) == ""


def test_error_report_escapes_every_cell_and_keeps_the_rest():
    text = errors_csv(
        [
            {"row": 2, "column": "full_name", "message": "=bad", "value": "@evil"},
            {"row": 3, "column": "timezone", "message": "Unknown", "value": "Mars"},
        ]
    )
    lines = list(csv.reader(io.StringIO(text)))
    assert lines == [
        ["row", "column", "message", "value"],
        ["2", "full_name", "'=bad", "'@evil"],
        ["3", "timezone", "Unknown", "Mars"],
    ]
