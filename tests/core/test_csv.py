"""The CSV renderer: rows, error bodies, and no formula handed to a spreadsheet."""

import csv
import io

import pytest

from core.api import CSVRenderer


def rendered(data) -> list[list[str]]:
    return list(csv.reader(io.StringIO(CSVRenderer().render(data).decode("utf-8"))))


def test_rows_become_a_header_and_one_line_each():
    rows = [
        {"key": "2024", "label": "东海风电", "issued": 10},
        {"key": "2025", "label": "b", "issued": 0},
    ]

    assert rendered(rows) == [
        ["key", "label", "issued"],
        ["2024", "东海风电", "10"],
        ["2025", "b", "0"],
    ]


def test_an_empty_answer_is_empty():
    assert rendered([]) == []


def test_an_error_body_becomes_field_and_message_lines():
    errors = {"group_by": ["This field is required."], "detail": "Not found."}

    assert rendered(errors) == [
        ["field", "message"],
        ["group_by", "This field is required."],
        ["detail", "Not found."],
    ]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)"]
)
def test_text_a_spreadsheet_would_run_is_written_inert(text):
    [_, row] = rendered([{"label": text, "issued": -5}])

    assert row == ["'" + text, "-5"]
